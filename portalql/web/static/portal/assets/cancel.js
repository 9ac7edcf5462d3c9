// Cancelling a plan: the reason comes first (the reasons the API's `actions.cancel` offers, and a comment);
// the API answers with the retention offer that fits, if any (`startCancellation`), which the customer takes
// (`acceptRetentionOffer`) or declines by cancelling in the API's mode (`cancelSubscription`). The reason and
// comment land in Stripe's `cancellation_details`. Loaded when the dialog opens.

import { graphql, mutate } from './api.js';
import { clearErrors, openDialog, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { durationText, formatDate, perInterval, planName } from './format.js';
import { N_, locale, t, tn } from './i18n.js';
import { ACCEPT_RETENTION_OFFER, CANCEL_SUBSCRIPTION, START_CANCELLATION } from './mutations.js';
import { CANCEL_CREDIT } from './queries.js';

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

/**
 * The cancellation under way: what the customer said, and the offer shown (null before it is asked for,
 * or when none fits).
 * @type {{
 *   portal: import('./app.js').Portal, subscription: PortalSubscription,
 *   reason: string | null, comment: string | null, offer: PortalRetentionOffer | null, asked: boolean,
 * } | null}
 */
let cancelling = null;

const dialog = /** @type {HTMLDialogElement} */ (byId('cancel-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('cancel-form'));
const submit = /** @type {HTMLButtonElement} */ (byId('cancel-submit'));
const accept = /** @type {HTMLButtonElement} */ (byId('cancel-accept'));
const comment = /** @type {HTMLTextAreaElement} */ (byId('cancel-comment'));

/** @param {import('./app.js').Portal} portal @param {PortalSubscription} subscription */
export function openCancel(portal, subscription) {
  cancelling = { portal, subscription, reason: null, comment: null, offer: null, asked: false };
  const { mode, reasons } = subscription.actions.cancel;
  const name = planName(subscription);
  byId('cancel-summary').textContent =
    mode === 'IMMEDIATELY'
      ? t('Your {plan} plan will be canceled right away.', { plan: name })
      : t('Your {plan} plan stays active until {date}, then it will be canceled. You can renew it any time before then.', { plan: name, date: formatDate(subscription.currentPeriodEnd, portal.locale) });
  const asksWhy = reasons.length > 0;
  byId('cancel-survey').hidden = !asksWhy;
  byId('cancel-offer').hidden = true;
  byId('cancel-reasons').replaceChildren(...reasons.map(reason));
  comment.value = '';
  submit.textContent = mode === 'IMMEDIATELY' ? t('Cancel plan now') : t('Cancel plan');
  openDialog(dialog, { initial: asksWhy ? null : submit, fallback: byId('subscriptions-title') });
  if (mode === 'IMMEDIATELY') showCredit(portal, subscription);
}

/**
 * The credit cancelling now leaves, said once the API has previewed it.
 * @param {import('./app.js').Portal} portal @param {PortalSubscription} subscription
 */
async function showCredit(portal, subscription) {
  const { node } = await graphql(CANCEL_CREDIT, { id: subscription.id, locale: portal.locale });
  const credit = node?.actions.cancel.credit;
  if (credit?.amount > 0 && cancelling?.subscription === subscription) {
    byId('cancel-summary').append(
      ' ',
      t('You get a credit of {amount} for the unused time; it is taken off your next invoices.', { amount: credit.formatted }),
    );
  }
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

/**
 * What an offer gives, in words: "50% off your invoices for 3 months", "Pause your payments for 1 month".
 * @param {PortalRetentionOffer} offer
 */
function offerText(offer) {
  if (offer.coupon) {
    const { percentOff, amountOff, duration, durationInMonths } = offer.coupon;
    const percent = percentOff !== null ? new Intl.NumberFormat(locale).format(percentOff) : null;
    const amount = amountOff?.formatted ?? '';
    if (duration === 'ONCE') {
      return percent ? t('{percent}% off your next invoice.', { percent }) : t('{amount} off your next invoice.', { amount });
    }
    if (duration === 'REPEATING' && durationInMonths) {
      return percent
        ? tn('{percent}% off your invoices for {n} month.', '{percent}% off your invoices for {n} months.', durationInMonths, { percent })
        : tn('{amount} off your invoices for {n} month.', '{amount} off your invoices for {n} months.', durationInMonths, { amount });
    }
    return percent
      ? t('{percent}% off every invoice, for as long as you stay.', { percent })
      : t('{amount} off every invoice, for as long as you stay.', { amount });
  }
  if (offer.pause) {
    return t('Pause your payments for {duration}; they resume by themselves after that.', { duration: durationText(offer.pause) });
  }
  if (offer.priceSwitch) {
    const { price, unitAmount } = offer.priceSwitch;
    return t('Switch to {plan} for {amount} {interval}.', { plan: price.product.name, amount: unitAmount.formatted, interval: perInterval(price.recurring) });
  }
  return '';
}

/** First the reason, then the offer that fits (once), then the cancellation. */
async function next() {
  if (!cancelling) return;
  if (!cancelling.asked) {
    const chosen = form.querySelector('input[name="reason"]:checked');
    const asksWhy = cancelling.subscription.actions.cancel.reasons.length > 0;
    cancelling.reason = chosen instanceof HTMLInputElement ? chosen.value : null;
    // The comment belongs to the survey, which is shown only when there are reasons to pick from.
    cancelling.comment = asksWhy && comment.value.trim() ? comment.value.trim() : null;
    const payload = await mutate(
      START_CANCELLATION,
      'startCancellation',
      { subscriptionId: cancelling.subscription.id, reason: cancelling.reason },
      { locale: cancelling.portal.locale },
    );
    if (payload.userErrors.length) {
      showErrors(form, payload.userErrors);
      return;
    }
    cancelling.asked = true;
    cancelling.offer = payload.offer;
    if (payload.offer) {
      showOffer(payload.offer);
      return;
    }
  }
  await cancel();
}

/** @param {PortalRetentionOffer} offer */
function showOffer(offer) {
  clearErrors(form);
  byId('cancel-survey').hidden = true;
  byId('cancel-summary').textContent = t('Before you go, here is an offer for you.');
  byId('cancel-offer').hidden = false;
  byId('cancel-offer-title').textContent = offer.name;
  byId('cancel-offer-text').textContent = offerText(offer);
  submit.textContent = t('No thanks, cancel plan');
  byId('cancel-offer-title').focus();
}

async function cancel() {
  if (!cancelling) return;
  const { portal, subscription } = cancelling;
  const payload = await mutate(CANCEL_SUBSCRIPTION, 'cancelSubscription', {
    subscriptionId: subscription.id,
    mode: subscription.actions.cancel.mode,
    reason: cancelling.reason,
    comment: cancelling.comment,
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
      ? t('Your {plan} plan has been canceled.', { plan: name })
      : t('Your {plan} plan will be canceled on {date}.', { plan: name, date: formatDate(canceled.cancelAt ?? canceled.currentPeriodEnd, portal.locale) }),
  );
  if (onDashboard) byId('subscriptions-title').focus();
}

async function acceptOffer() {
  if (!cancelling?.offer) return;
  const { portal, subscription, offer } = cancelling;
  const payload = await mutate(ACCEPT_RETENTION_OFFER, 'acceptRetentionOffer', {
    subscriptionId: subscription.id,
    offerId: offer.id,
  });
  if (payload.userErrors.length) {
    showErrors(form, payload.userErrors);
    return;
  }
  dialog.close();
  await portal.reload(t('{offer}: done. Your {plan} plan continues.', { offer: offer.name, plan: planName(subscription) }));
  byId('subscriptions-title').focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(submit, next);
});
accept.addEventListener('click', () => busy(accept, acceptOffer));
