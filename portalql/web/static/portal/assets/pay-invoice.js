// Paying an open invoice in place with a saved card (`payInvoice`). A card that needs 3-D Secure is
// authenticated with Stripe.js, then the same payment is asked for again with the same key. Loaded when the
// customer asks to pay.

import { idempotencyKey, mutate } from './api.js';
import { openDialog, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { PAY_INVOICE } from './mutations.js';
import { expires, methodName, savedMethods } from './payment-methods.js';
import { t } from './i18n.js';
import { loadStripe } from './stripe-loader.js';

const dialog = /** @type {HTMLDialogElement} */ (byId('pay-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('pay-form'));
const submit = /** @type {HTMLButtonElement} */ (byId('pay-submit'));

/**
 * The invoice being paid, and the idempotency key of each card's attempt: kept while the answer is unknown
 * (a lost response, 3-D Secure), so that trying again never pays twice; dropped once a payment is refused.
 * @type {{ portal: import('./app.js').Portal, invoice: { id: string, amount: string }, keys: Map<string, string> } | null}
 */
let paying = null;

/** @typedef {{ id: string, number: string | null, amountRemaining?: PortalMoney, total: PortalMoney }} OpenInvoice */

/**
 * Ask which saved card pays `invoice`, the default first chosen.
 * @param {import('./app.js').Portal} portal
 * @param {OpenInvoice} invoice
 */
export function openPay(portal, invoice) {
  const amount = (invoice.amountRemaining ?? invoice.total).formatted;
  if (paying?.invoice.id !== invoice.id) paying = { portal, invoice: { id: invoice.id, amount }, keys: new Map() };
  paying.portal = portal;
  byId('pay-summary').textContent = invoice.number
    ? t('Pay {amount} for invoice {number} now.', { amount, number: invoice.number })
    : t('Pay {amount} for this invoice now.', { amount });
  const { methods, defaultId } = savedMethods;
  byId('pay-methods').replaceChildren(
    ...(methods.length
      ? methods.map((method) => h('div', { class: 'choice' },
        h('input', { type: 'radio', name: 'pay-method', id: `pay-${method.id}`, value: method.id, checked: method.id === defaultId }),
        h('label', { for: `pay-${method.id}` }, methodName(method),
          method.card ? h('span', { class: 'muted' }, expires(method.card)) : null)))
      : [h('p', {}, t('Add a payment method first.'))]),
  );
  submit.hidden = !methods.length;
  openDialog(dialog, { fallback: byId('invoices-title') });
}

// Escape does not close the form while the card is with Stripe or the bank (3-D Secure).
dialog.addEventListener('cancel', (event) => {
  if (submit.disabled) event.preventDefault();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const chosen = form.querySelector('input[name="pay-method"]:checked');
  if (!paying || !(chosen instanceof HTMLInputElement)) return;
  const { portal, invoice } = paying;
  const paid = await busy(submit, () => pay(invoice.id, chosen.value));
  if (!paid) return;
  dialog.close();
  await portal.reload(t('Thank you: your payment of {amount} went through.', { amount: invoice.amount }));
  byId('subscriptions-title').focus();
});

/**
 * Pay `invoiceId` with the card `methodId`: true once paid, else false with the reason shown.
 * @param {string} invoiceId
 * @param {string} methodId
 */
async function pay(invoiceId, methodId) {
  const keys = paying?.keys ?? new Map();
  const key = keys.get(methodId) ?? idempotencyKey();
  keys.set(methodId, key);
  const locale = paying?.portal.locale;
  const input = { invoiceId, paymentMethodId: methodId, idempotencyKey: key };
  let payload = await mutate(PAY_INVOICE, 'payInvoice', input, { locale });
  if (payload.outcome === 'REQUIRES_ACTION') {
    await (await loadStripe()).handleNextAction({ clientSecret: payload.clientSecret });
    // Stripe.js's answer is the customer's; the API's, asked again with the same key, is the payment's.
    payload = await mutate(PAY_INVOICE, 'payInvoice', input, { locale });
  }
  if (payload.userErrors.length) {
    keys.delete(methodId);
    showErrors(form, payload.userErrors);
    return false;
  }
  if (payload.outcome === 'REQUIRES_ACTION') {
    showErrors(form, [{ code: 'REQUIRES_ACTION', message: t('Your bank has not confirmed the payment yet. Try again.'), field: null }]);
    return false;
  }
  return true;
}
