// A small fetch-based client for portalql's typed documents. It sends each document by its trusted id
// (`documentId`, the SHA-256 GraphQL Code Generator embedded in it), so a server that accepts only trusted
// documents from customer sessions runs it without parsing or validating; a server that does not know the
// id yet (PERSISTED_QUERY_NOT_FOUND) is sent the full text once, as Apollo's persisted-query links do.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

import type { UserErrorFieldsFragment } from "./gql/graphql.js";

/** How requests authenticate: a customer session's `pqs_…` token (your SPA, any origin allowed by
 * `PORTALQL_CORS_ORIGINS`), or the hosted portal's session cookie (same origin, `/portal/graphql`). */
export type Credentials =
  | { token: string | (() => string | Promise<string>) }
  | { cookie: true };

export interface ClientOptions {
  /** The GraphQL endpoint: `https://billing.example.com/graphql`, or `/portal/graphql` with the cookie. */
  url: string;
  credentials: Credentials;
  /** Another `fetch` (tests, older runtimes); the global one by default. */
  fetch?: typeof fetch;
  /** Another `WebSocket` for subscriptions (Node.js before 22: the `ws` package); the global one by default. */
  WebSocket?: typeof WebSocket;
}

/** What a subscription calls: each result's data, then its end: `error` when the server refused it or the
 * socket closed (`code` is the close code, e.g. 4403 for a refused or expired credential). */
export interface Observer<T> {
  next: (data: T) => void;
  error?: (error: PortalqlError) => void;
  complete?: () => void;
}

/** One error of the response's top-level `errors`, with its stable `extensions.code`. */
export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** The request was not answered with data: the server's coded errors (`UNAUTHENTICATED`,
 * `PERSISTED_QUERY_NOT_IN_LIST`, `STRIPE_UNAVAILABLE`, …) or the HTTP status it failed with. */
export class PortalqlError extends Error {
  readonly status: number;
  readonly errors: readonly GraphQLErrorEntry[];

  constructor(status: number, errors: readonly GraphQLErrorEntry[]) {
    super(errors.map((error) => `${error.extensions?.code ?? "ERROR"}: ${error.message}`).join("; ") || `HTTP ${status}`);
    this.name = "PortalqlError";
    this.status = status;
    this.errors = errors;
  }

  /** The codes of the errors, in order. */
  get codes(): string[] {
    return this.errors.map((error) => error.extensions?.code ?? "ERROR");
  }
}

export type UserError = UserErrorFieldsFragment;

/** A mutation's payload as a typed result: accepted, or refused with at least one user error. */
export type Outcome<P> =
  | { ok: true; payload: P }
  | { ok: false; userErrors: [UserError, ...UserError[]] };

/** Whether the mutation was carried out: a refusal (a price the portal does not offer, a declined card) is
 * data with a code from `UserErrorCode`, never an exception. */
export function outcome<P extends { userErrors: readonly UserError[] }>(payload: P): Outcome<P> {
  const [first, ...rest] = payload.userErrors;
  return first === undefined ? { ok: true, payload } : { ok: false, userErrors: [first, ...rest] };
}

interface Response<T> {
  data?: T | null;
  errors?: GraphQLErrorEntry[];
}

type Meta = { __meta__?: { hash?: string } };

export class PortalqlClient {
  private readonly options: ClientOptions;
  private readonly fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.options = options;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Follow a typed subscription over graphql-transport-ws at the same endpoint, authenticated in its
   * `connection_init` (the token) or by the cookie (same origin), and sent by its trusted id. Returns what
   * ends it. One socket per call: the server allows a few per credential
   * (`PORTALQL_LIVE_CONNECTIONS_PER_CREDENTIAL`). */
  subscribe<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    observer: Observer<TResult>,
  ): () => void {
    const Socket = this.options.WebSocket ?? globalThis.WebSocket;
    const url = new URL(this.options.url, globalThis.location?.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new Socket(url.href, "graphql-transport-ws");
    const send = (message: object) => socket.send(JSON.stringify(message));
    let settled = false;
    const settle = (end: () => void) => {
      if (settled) return;
      settled = true;
      end();
      socket.close();
    };
    socket.addEventListener("open", async () => {
      const credentials = this.options.credentials;
      const token = "token" in credentials
        ? typeof credentials.token === "function" ? await credentials.token() : credentials.token
        : undefined;
      send({ type: "connection_init", payload: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; payload?: unknown };
      if (message.type === "connection_ack") {
        // By its trusted id, as requests are; the server then runs the text it trusts.
        const documentId = (document as Meta).__meta__?.hash;
        const operation = documentId === undefined ? { query: print(document) } : { documentId };
        send({ id: "1", type: "subscribe", payload: { ...operation, variables } });
      } else if (message.type === "ping") {
        send({ type: "pong" });
      } else if (message.type === "next") {
        const result = message.payload as Response<TResult>;
        if (result.data != null) observer.next(result.data);
        else settle(() => observer.error?.(new PortalqlError(200, result.errors ?? [])));
      } else if (message.type === "error") {
        settle(() => observer.error?.(new PortalqlError(200, message.payload as GraphQLErrorEntry[])));
      } else if (message.type === "complete") {
        settle(() => observer.complete?.());
      }
    });
    // A socket that could not open may end with this alone (Node.js), without a close.
    socket.addEventListener("error", () => {
      const failed = { message: "The socket failed.", extensions: { code: "SOCKET_FAILED" } };
      settle(() => observer.error?.(new PortalqlError(0, [failed])));
    });
    socket.addEventListener("close", (event) => {
      const closed = { message: event.reason || "The socket closed.", extensions: { code: "SOCKET_CLOSED", closeCode: event.code } };
      settle(() => observer.error?.(new PortalqlError(0, [closed])));
    });
    return () => settle(() => observer.complete?.());
  }

  /** Run a typed document; resolves with its data, rejects with a `PortalqlError`. */
  async request<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TResult> {
    const documentId = (document as Meta).__meta__?.hash;
    const byId = documentId === undefined ? undefined : await this.send<TResult>({ documentId, variables });
    const answer =
      byId === undefined || byId.errors?.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND")
        ? await this.send<TResult>({ query: print(document), variables })
        : byId;
    if (answer.body.data == null || (answer.body.errors?.length ?? 0) > 0) {
      throw new PortalqlError(answer.status, answer.body.errors ?? []);
    }
    return answer.body.data;
  }

  private async send<T>(body: object): Promise<{ status: number; body: Response<T>; errors?: GraphQLErrorEntry[] }> {
    const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
    const credentials = this.options.credentials;
    if ("token" in credentials) {
      const token = typeof credentials.token === "function" ? await credentials.token() : credentials.token;
      headers.Authorization = `Bearer ${token}`;
    } else {
      // The cookie counts only beside this header, which other sites cannot send (see the README).
      headers["X-PortalQL-CSRF"] = "1";
    }
    const response = await this.fetch(this.options.url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      credentials: "token" in credentials ? "omit" : "same-origin",
    });
    const parsed = (await response.json().catch(() => ({}))) as Response<T>;
    return { status: response.status, body: parsed, errors: parsed.errors };
  }
}
