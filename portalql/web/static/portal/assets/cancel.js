// Cancelling a plan: in the mode the API's `actions.cancel` gives (at the end of the period, or now), with
// the reasons it offers and a comment, which land in Stripe's `cancellation_details`.

import { mutate } from './api.js';
import { openDialog, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { formatDate, planName } from './format.js';
import { CANCEL_SUBSCRIPTION } from './mutations.js';

/** Stripe's eight cancellation reasons, worded as its own portal words them. */
const REASONS = /** @type {Record<string, string>} */ ({
  TOO_EXPENSIVE: 'It’s too expensive',
  MISSING_FEATURES: 'Some features are missing',
  SWITCHED_SERVICE: 'I’m switching to a different service',
  UNUSED: 'I don’t use the service enough',
  CUSTOMER_SERVICE: 'Customer service was less than expected',
  TOO_COMPLEX: 'Ease of use was less than expected',
  LOW_QUALITY: 'Quality was less than expected',
  OTHER: 'Other reason',
});

/** @type {{ portal: import('./app.js').Portal, subscription: PortalSubscription } | null} */
let cancelling = null;

const dialog = /** @type {HTMLDialogElement} */ (byId('cancel-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('cancel-form'));
const submit = /** @type {HTMLButtonElement} */ (byId('cancel-submit'));
const comment = /** @type {HTMLTextAreaElement} */ (byId('cancel-comment'));

/** @param {import('./app.js').Portal} portal @param {PortalSubscription} subscription */
export function openCancel(portal, subscription) {
  cancelling = { portal, subscription };
  const { mode, reasons } = subscription.actions.cancel;
  const name = planName(subscription);
  byId('cancel-summary').textContent =
    mode === 'IMMEDIATELY'
      ? `Your ${name} plan will be canceled right away.`
      : `Your ${name} plan stays active until ${formatDate(subscription.currentPeriodEnd, portal.locale)}, then it will be canceled. You can renew it any time before then.`;
  const asksWhy = reasons.length > 0;
  byId('cancel-survey').hidden = !asksWhy;
  byId('cancel-reasons').replaceChildren(...reasons.map(reason));
  comment.value = '';
  submit.textContent = mode === 'IMMEDIATELY' ? 'Cancel plan now' : 'Cancel plan';
  openDialog(dialog, { initial: asksWhy ? null : submit, fallback: byId('subscriptions-title') });
}

/** @param {string} value */
function reason(value) {
  const id = `cancel-reason-${value}`;
  return h(
    'div',
    { class: 'choice' },
    h('input', { type: 'radio', name: 'reason', id, value, 'data-field': 'reason' }),
    h('label', { for: id }, REASONS[value] ?? value),
  );
}

async function cancel() {
  if (!cancelling) return;
  const { portal, subscription } = cancelling;
  const { mode, reasons } = subscription.actions.cancel;
  // The comment belongs to the survey, which is shown only when there are reasons to pick from.
  const asksWhy = reasons.length > 0;
  const chosen = form.querySelector('input[name="reason"]:checked');
  const payload = await mutate(CANCEL_SUBSCRIPTION, 'cancelSubscription', {
    subscriptionId: subscription.id,
    mode,
    reason: chosen instanceof HTMLInputElement ? chosen.value : null,
    comment: asksWhy && comment.value.trim() ? comment.value.trim() : null,
  });
  if (payload.userErrors.length) {
    showErrors(form, payload.userErrors);
    return;
  }
  dialog.close();
  const canceled = payload.subscription;
  const name = planName(subscription);
  const onDashboard = await portal.done(
    'SUBSCRIPTION_CANCEL',
    canceled.status === 'CANCELED'
      ? `Your ${name} plan has been canceled.`
      : `Your ${name} plan will be canceled on ${formatDate(canceled.cancelAt ?? canceled.currentPeriodEnd, portal.locale)}.`,
  );
  if (onDashboard) byId('subscriptions-title').focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(submit, cancel);
});
