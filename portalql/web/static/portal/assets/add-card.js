// Adding a card: Stripe.js collects it (the number never reaches portalql) on a SetupIntent from
// `createSetupIntent`, runs 3-D Secure when the bank asks, then `completeSetupIntent` lists the saved card.
// Loaded when the form opens.

import { mutate } from './api.js';
import { openDialog, showErrors } from './dialogs.js';
import { busy, byId } from './dom.js';
import { brandName } from './format.js';
import { t } from './i18n.js';
import { COMPLETE_SETUP_INTENT, CREATE_SETUP_INTENT } from './mutations.js';
import { loadStripe } from './stripe-loader.js';

const dialog = /** @type {HTMLDialogElement} */ (byId('card-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('card-form'));
const submit = /** @type {HTMLButtonElement} */ (byId('card-submit'));
const makeDefault = /** @type {HTMLInputElement} */ (byId('card-default'));
const cardError = byId('card-error');

/** @type {{ portal: import('./app.js').Portal, card: StripeCardElement } | null} */
let open = null;

/**
 * Open the card form, with "make this my default" ticked.
 * @param {import('./app.js').Portal} portal
 */
export async function openAddCard(portal) {
  const stripe = await loadStripe();
  const card = stripe.elements().create('card');
  card.mount(byId('card-element'));
  card.on('change', (event) => {
    cardError.textContent = event.error?.message ?? '';
  });
  makeDefault.checked = true;
  open = { portal, card };
  openDialog(dialog, { fallback: byId('payment-methods-title') });
  card.focus();
}

// Escape does not close the form while the card is with Stripe or the bank (3-D Secure).
dialog.addEventListener('cancel', (event) => {
  if (submit.disabled) event.preventDefault();
});

dialog.addEventListener('close', () => {
  open?.card.destroy();
  open = null;
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!open) return;
  const { portal, card } = open;
  let onDashboard = false;
  // The page shows the new card before the form closes, so what the customer does next sees it. A card
  // added from a payment-method link completes its step: the link says what follows.
  const saved = await busy(submit, async () => {
    const name = await save(card);
    if (name) onDashboard = await portal.done('PAYMENT_METHOD_UPDATE', t('{method} was added.', { method: name }));
    return name;
  });
  if (!saved || !onDashboard) return;
  dialog.close();
  byId('payment-methods-title').focus();
});

/**
 * Save the card typed into `card`: its name ("Visa •••• 4242") when saved, else null with the reason shown.
 * @param {StripeCardElement} card
 * @returns {Promise<string | null>}
 */
async function save(card) {
  const created = await mutate(CREATE_SETUP_INTENT, 'createSetupIntent', { setAsDefault: makeDefault.checked });
  if (created.userErrors.length) {
    showErrors(form, created.userErrors);
    return null;
  }
  const { setupIntent } = created;
  const confirmed = await (await loadStripe()).confirmCardSetup(setupIntent.clientSecret, { payment_method: { card } });
  if (confirmed.error) {
    cardError.textContent = confirmed.error.message ?? t('Your card could not be saved.');
    return null;
  }
  const completed = await mutate(COMPLETE_SETUP_INTENT, 'completeSetupIntent', { setupIntentId: setupIntent.id });
  if (completed.userErrors.length) {
    showErrors(form, completed.userErrors);
    return null;
  }
  const { brand, last4 } = completed.paymentMethod.card;
  return `${brandName(brand)} •••• ${last4}`;
}
