// Pausing a plan's payments for one of the lengths the API's `actions.pause` offers: each choice is
// previewed (when payments resume, and what the first charge after that will be) before the customer
// confirms; one idempotency key per dialog, so a repeated click pauses once. Resuming is one click. Loaded
// when either is asked for.

import { idempotencyKey, mutate } from './api.js';
import { clearErrors, openDialog, showErrors } from './dialogs.js';
import { announce, busy, byId, h } from './dom.js';
import { durationText, formatDate, planName } from './format.js';
import { t } from './i18n.js';
import { PAUSE_SUBSCRIPTION, PREVIEW_PAUSE, RESUME_SUBSCRIPTION } from './mutations.js';

// The value of the choice that pauses until the customer resumes.
const UNTIL_RESUMED = 'until-resumed';

/**
 * The pause on screen, and the key its confirmation is sent under.
 * @type {{ portal: import('./app.js').Portal, subscription: PortalSubscription, key: string } | null}
 */
let pausing = null;

const dialog = /** @type {HTMLDialogElement} */ (byId('pause-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('pause-form'));
const submit = /** @type {HTMLButtonElement} */ (byId('pause-submit'));
const summary = byId('pause-summary');

/** @param {import('./app.js').Portal} portal @param {PortalSubscription} subscription */
export function openPause(portal, subscription) {
  pausing = { portal, subscription, key: idempotencyKey() };
  const { durations, indefinite } = subscription.actions.pause;
  byId('pause-choices').replaceChildren(
    ...durations.map((duration, index) => choice(`${duration.interval}:${duration.intervalCount}`, durationText(duration), index === 0)),
    ...(indefinite ? [choice(UNTIL_RESUMED, t('Until I resume'), durations.length === 0)] : []),
  );
  summary.textContent = '';
  openDialog(dialog, { fallback: byId('subscriptions-title') });
  preview();
}

/** @param {string} value @param {string} label @param {boolean} checked */
function choice(value, label, checked) {
  const id = `pause-choice-${value.replace(':', '-')}`;
  return h(
    'div',
    { class: 'choice' },
    h('input', { type: 'radio', name: 'duration', id, value, checked, 'data-field': 'duration' }),
    h('label', { for: id }, label),
  );
}

/** The chosen length as the API takes it: null pauses until resumed. */
function chosenDuration() {
  const chosen = form.querySelector('input[name="duration"]:checked');
  if (!(chosen instanceof HTMLInputElement) || chosen.value === UNTIL_RESUMED) return null;
  const [interval, count] = chosen.value.split(':');
  return { interval, intervalCount: Number(count) };
}

/** Show what the chosen pause means before the customer confirms it. */
async function preview() {
  if (!pausing) return;
  const { portal, subscription } = pausing;
  const payload = await mutate(
    PREVIEW_PAUSE,
    'previewPause',
    { subscriptionId: subscription.id, duration: chosenDuration() },
    { locale: portal.locale },
  );
  if (payload.userErrors.length) {
    showErrors(form, payload.userErrors);
    return;
  }
  clearErrors(form);
  /** @type {PortalPausePreview} */
  const shown = payload.preview;
  const amount = shown.renewalCharge?.formatted;
  const date = formatDate(shown.resumesAt, portal.locale);
  const next = formatDate(shown.nextChargeAt, portal.locale);
  if (shown.resumesAt) {
    summary.textContent = amount
      ? t('Payments pause until {date}. Your next payment, {amount}, is on {next}.', { date, amount, next })
      : t('Payments pause until {date}. Your next payment is on {next}.', { date, next });
  } else {
    summary.textContent = amount
      ? t('Payments pause until you resume them; then each renewal is {amount}.', { amount })
      : t('Payments pause until you resume them.');
  }
}

async function pause() {
  if (!pausing) return;
  const { portal, subscription, key } = pausing;
  const payload = await mutate(PAUSE_SUBSCRIPTION, 'pauseSubscription', {
    subscriptionId: subscription.id,
    duration: chosenDuration(),
    idempotencyKey: key,
  });
  if (payload.userErrors.length) {
    showErrors(form, payload.userErrors);
    return;
  }
  dialog.close();
  const until = payload.subscription.pause?.resumesAt;
  const plan = planName(subscription);
  await portal.reload(
    until
      ? t('Your {plan} plan is paused until {date}.', { plan, date: formatDate(until, portal.locale) })
      : t('Your {plan} plan is paused.', { plan }),
  );
  byId('subscriptions-title').focus();
}

/**
 * Resume a paused plan's payments now.
 * @param {import('./app.js').Portal} portal
 * @param {PortalSubscription} subscription
 * @param {HTMLButtonElement} button
 */
export async function resume(portal, subscription, button) {
  const payload = await busy(button, () =>
    mutate(RESUME_SUBSCRIPTION, 'resumeSubscription', { subscriptionId: subscription.id }),
  );
  if (payload.userErrors.length) {
    const article = button.closest('article');
    if (article) showErrors(article, payload.userErrors);
    announce(payload.userErrors[0].message, 'error');
    return;
  }
  const renews = formatDate(payload.subscription.currentPeriodEnd, portal.locale);
  await portal.reload(t("Your {plan} plan's payments have resumed; it renews on {date}.", { plan: planName(subscription), date: renews }));
  byId('subscriptions-title').focus();
}

form.addEventListener('change', () => {
  busy(submit, preview);
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(submit, pause);
});
