// GraphQL Code Generator: the client preset reads the documents in src/operations.ts, validates them
// against the API's exported schema (a document the schema no longer serves fails generation), and writes
// typed documents to src/gql/ and their manifest, by SHA-256, to persisted-documents.json.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/operations.ts"],
  ignoreNoDocuments: false,
  // imports with their `.js`, as Node.js resolves ES modules
  emitLegacyCommonJSImports: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { hashAlgorithm: "sha256", mode: "embedHashInDocument" },
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: true,
        scalars: { DateTime: "string", JSON: "unknown" },
      },
    },
  },
};

export default config;
