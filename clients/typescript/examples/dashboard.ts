// The README's example: a customer's dashboard, then a plan change previewed, as a SPA would make them.
// Run it with PORTALQL_URL (…/graphql) and PORTALQL_TOKEN (a `pqs_…` customer session).
import { Cards, Dashboard, outcome, PortalqlClient, PreviewPlanChange } from "../src/index.js";

const client = new PortalqlClient({
  url: process.env.PORTALQL_URL ?? "http://127.0.0.1:8000/graphql",
  credentials: { token: process.env.PORTALQL_TOKEN ?? "" },
});

const { viewer } = await client.request(Dashboard, { locale: "en", invoices: 5 });
const customer = viewer.customer;
if (customer === null) throw new Error("a customer session's viewer has its customer");
console.log(`${customer.name}: ${customer.subscriptions.length} subscription(s)`);
for (const subscription of customer.subscriptions) {
  const price = subscription.items[0]?.price;
  console.log(`  ${subscription.status} ${price?.product.name} at ${price?.unitAmount?.formatted}`);
  const target = subscription.allowedPlanChanges[0];
  if (target === undefined) continue;
  const { previewPlanChange } = await client.request(PreviewPlanChange, {
    input: { subscriptionId: subscription.id, priceId: target.id },
    locale: "en",
  });
  const result = outcome(previewPlanChange);
  if (result.ok) {
    console.log(`  switching to ${target.product.name} costs ${result.payload.preview?.amountDueNow.formatted} now`);
  } else {
    console.log(`  cannot switch: ${result.userErrors.map((error) => error.code).join(", ")}`);
  }
}

const cards = (await client.request(Cards)).viewer.customer?.paymentMethods ?? [];
console.log(`cards: ${cards.map((card) => `${card.card?.brand} ${card.card?.last4}`).join(", ")}`);
