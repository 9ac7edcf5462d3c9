// Cancelling a plan: in the mode the API's `actions.cancel` gives (at the end of the period, or now), with
// the reasons it offers and a comment, which land in Stripe's `cancellation_details`.

import { mutate } from './api.js';
import { openDialog, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { formatDate, planName } from './format.js';
import { N_, t } from './i18n.js';
import { CANCEL_SUBSCRIPTION } from './mutations.js';

/** Stripe's eight cancellation reasons, worded as its own portal words them. */
const REASONS = /** @type {Record<string, string>} */ ({
  TOO_EXPENSIVE: N_('It’s too expensive'),
  MISSING_FEATURES: N_('Some features are missing'),
  SWITCHED_SERVICE: N_('I’m switching to a different service'),
  UNUSED: N_('I don’t use the service enough'),
  CUSTOMER_SERVICE: N_('Customer service was less than expected'),
  TOO_COMPLEX: N_('Ease of use was less than expected'),
  LOW_QUALITY: N_('Quality was less than expected'),
  OTHER: N_('Other reason'),
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
      ? t('Your {plan} plan will be canceled right away.', { plan: name })
      : t('Your {plan} plan stays active until {date}, then it will be canceled. You can renew it any time before then.', { plan: name, date: formatDate(subscription.currentPeriodEnd, portal.locale) });
  const asksWhy = reasons.length > 0;
  byId('cancel-survey').hidden = !asksWhy;
  byId('cancel-reasons').replaceChildren(...reasons.map(reason));
  comment.value = '';
  submit.textContent = mode === 'IMMEDIATELY' ? t('Cancel plan now') : t('Cancel plan');
  openDialog(dialog, { initial: asksWhy ? null : submit, fallback: byId('subscriptions-title') });
}

/** @param {string} value */
function reason(value) {
  const id = `cancel-reason-${value}`;
  return h(
    'div',
    { class: 'choice' },
    h('input', { type: 'radio', name: 'reason', id, value, 'data-field': 'reason' }),
    h('label', { for: id }, REASONS[value] ? t(REASONS[value]) : value),
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
  await portal.reload(
    canceled.status === 'CANCELED'
      ? t('Your {plan} plan has been canceled.', { plan: name })
      : t('Your {plan} plan will be canceled on {date}.', { plan: name, date: formatDate(canceled.cancelAt ?? canceled.currentPeriodEnd, portal.locale) }),
  );
  byId('subscriptions-title').focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(submit, cancel);
});
