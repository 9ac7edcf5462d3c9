// portalql's typed client: the client, the portal's common operations as typed documents, and the types
// GraphQL Code Generator generated from schema.graphql (every enum, input and result).
export { outcome, PortalqlClient, PortalqlError } from "./client.js";
export type { ClientOptions, Credentials, GraphQLErrorEntry, Observer, Outcome, UserError } from "./client.js";
export * from "./operations.js";
export type * from "./gql/graphql.js";
