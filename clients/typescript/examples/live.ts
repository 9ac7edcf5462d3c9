// Live updates as a SPA follows them: what changed in the customer's billing, as it happens, to read again.
// Run it with PORTALQL_URL (…/graphql) and PORTALQL_TOKEN (a `pqs_…` customer session); it ends after
// PORTALQL_CHANGES changes (1 by default). Node.js before 22 needs `--experimental-websocket`.
import { BillingChanged, PortalqlClient } from "../src/index.js";

const client = new PortalqlClient({
  url: process.env.PORTALQL_URL ?? "http://127.0.0.1:8000/graphql",
  credentials: { token: process.env.PORTALQL_TOKEN ?? "" },
});

let left = Number(process.env.PORTALQL_CHANGES ?? "1");
const stop = client.subscribe(BillingChanged, {}, {
  next: ({ billingChanged }) => {
    console.log(`${billingChanged.customerId} changed: ${billingChanged.topics.join(", ")}`);
    left -= 1;
    if (left === 0) stop();
  },
  error: (error) => {
    console.error(`${error.codes.join(", ")}: ${error.message}`);
    process.exitCode = 1;
  },
});
