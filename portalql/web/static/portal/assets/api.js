// The GraphQL client: same-origin requests that the session cookie authenticates.

import { N_, t } from './i18n.js';

const ENDPOINT = '/portal/graphql';
// The API honours the cookie only with this header, which another site cannot add without a CORS preflight.
const CSRF_HEADER = { 'X-PortalQL-CSRF': '1' };
/** What an outage means to a customer, by the error's `extensions.code`; other errors keep the API's words. */
const OUTAGES = /** @type {Record<string, string>} */ ({
  STRIPE_UNAVAILABLE: N_('Billing is unavailable right now. Try again in a moment.'),
  DATABASE_UNAVAILABLE: N_('Billing is unavailable right now. Try again in a moment.'),
  RATE_LIMITED: N_('Billing is busy right now. Try again in a moment.'),
  INTERNAL: N_('Something went wrong on our side. Try again in a moment.'),
});

/** The session is missing, expired or revoked: the customer needs a new link. */
export class SessionExpired extends Error {}

/**
 * The API or the network failed; `requestId` ties the failure to the server's logs: the error's own id
 * (`extensions.errorId`, on the log line with the cause) when it has one, else the request's.
 */
export class ApiError extends Error {
  /** @param {string} message @param {string | null} requestId */
  constructor(message, requestId) {
    super(message);
    this.requestId = requestId;
  }
}

/**
 * @typedef {{ code: string, message: string, field: string[] | null }} UserError
 */

/**
 * Run one operation and return its `data`. Top-level `errors` are outages or bugs (the queries only ask
 * for what the session's scopes allow), so any of them fails the whole call.
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @returns {Promise<any>} `any`: the data of whichever document was sent; the caller annotates its shape
 */
export async function graphql(query, variables = {}) {
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...CSRF_HEADER },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError(t('The billing service could not be reached. Check your connection and try again.'), null);
  }
  const requestId = response.headers.get('X-Request-Id');
  // `data` is the answer of whichever document was sent (see `graphql`'s return type).
  /** @type {{ data?: any, errors?: { message: string, extensions?: { code?: string, errorId?: string } }[] }} */
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(t('The billing service answered {status}.', { status: response.status }), requestId);
  }
  const errors = body.errors ?? [];
  if (errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) throw new SessionExpired();
  if (errors.length || !body.data) {
    const reference = errors[0]?.extensions?.errorId ?? requestId;
    const outage = OUTAGES[errors[0]?.extensions?.code ?? ''];
    throw new ApiError(outage ? t(outage) : errors[0]?.message ?? t('The billing service failed to answer.'), reference);
  }
  return body.data;
}

/**
 * Run a mutation and return its payload: `{ <result>, userErrors }`.
 * @param {string} mutation
 * @param {string} name the mutation field, e.g. `changePlan`
 * @param {Record<string, unknown>} input
 * @param {Record<string, unknown>} [variables] any other variables of the document
 * @returns {Promise<{ userErrors: UserError[], [result: string]: any }>} `any`: each mutation names its result
 */
export async function mutate(mutation, name, input, variables = {}) {
  const data = await graphql(mutation, { ...variables, input });
  return data[name];
}

/** A fresh idempotency key, so that a retried request (a double click, a flaky network) acts once. */
export function idempotencyKey() {
  // getRandomValues, unlike randomUUID, also works on a plain-http origin such as a local deployment.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

// Live updates: graphql-transport-ws on the same endpoint, authenticated by the session cookie (the server
// accepts a socket only from this origin). A lost socket is opened again after a growing pause; one the
// server refuses or ends (the session expired or was revoked) is not: the next read says so.
const SOCKET_PROTOCOL = 'graphql-transport-ws';
const SOCKET_REFUSED = 4403;
const RECONNECT_MS = 1000;
const MAX_RECONNECT_MS = 30000;
// Pinged this often, so that no proxy between takes the socket for idle.
const PING_MS = 25000;

/**
 * Follow a subscription, calling `onNext` with each result's `data`, for as long as the page is open.
 * @param {string} subscription
 * @param {(data: any) => void} onNext `any`: the data of the subscription sent
 */
export function subscribe(subscription, onNext) {
  let delay = RECONNECT_MS;
  const open = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${ENDPOINT}`, SOCKET_PROTOCOL);
    /** @param {Record<string, unknown>} message */
    const send = (message) => socket.send(JSON.stringify(message));
    const pinging = setInterval(() => send({ type: 'ping' }), PING_MS);
    let ended = false;
    socket.addEventListener('open', () => send({ type: 'connection_init', payload: {} }));
    socket.addEventListener('message', (event) => {
      /** @type {{ type: string, payload?: { data?: unknown } }} */
      const message = JSON.parse(event.data);
      if (message.type === 'connection_ack') {
        delay = RECONNECT_MS;
        send({ id: '1', type: 'subscribe', payload: { query: subscription } });
      } else if (message.type === 'next' && message.payload?.data) {
        onNext(message.payload.data);
      } else if (message.type === 'ping') {
        send({ type: 'pong' });
      } else if (message.type === 'complete' || message.type === 'error') {
        ended = true;
        socket.close();
      }
    });
    socket.addEventListener('close', (event) => {
      clearInterval(pinging);
      if (ended || event.code === SOCKET_REFUSED) return;
      setTimeout(open, delay);
      delay = Math.min(delay * 2, MAX_RECONNECT_MS);
    });
  };
  open();
}
