// Changing a plan: another price among those the portal allows, seats stepped within the range the API
// gives for each item, add-ons added or removed; all previewed together, then confirmed exactly as shown.
// The confirmation sends the preview's proration date, so the customer pays what the preview showed, and
// one idempotency key per preview, so a repeated click changes the plan once. Loaded when the dialog opens.

import { idempotencyKey, mutate } from './api.js';
import { clearErrors, openDialog, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { formatDate, lineDescription, planName, priceText } from './format.js';
import { t } from './i18n.js';
import { CHANGE_PLAN, PREVIEW_PLAN_CHANGE } from './mutations.js';
import { editsOf, itemRows } from './plan-items.js';

/**
 * The change on screen: set by a successful preview, confirmed as it is.
 * @typedef {{ portal: import('./app.js').Portal, subscription: PortalSubscription, price: PortalPrice | null, items: import('./plan-items.js').ItemEdit[], preview: PortalPlanChangePreview, key: string }} Review
 */
/** @type {{ portal: import('./app.js').Portal, subscription: PortalSubscription } | null} */
let choosing = null;
/** @type {Review | null} */
let review = null;

const dialog = /** @type {HTMLDialogElement} */ (byId('plan-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('plan-form'));
const submit = /** @type {HTMLButtonElement} */ (byId('plan-submit'));
const back = /** @type {HTMLButtonElement} */ (byId('plan-back'));

/**
 * Open the plan change dialog for a subscription; with `priceId` (a deep link to a given plan) it goes
 * straight to the review of that plan.
 * @param {import('./app.js').Portal} portal
 * @param {PortalSubscription} subscription
 * @param {string | null} [priceId]
 */
export function openPlanChange(portal, subscription, priceId = null) {
  choosing = { portal, subscription };
  const current = subscription.items[0];
  byId('plan-choices').replaceChildren(
    h('p', { class: 'current' }, t('Current plan: {plan}, {price}', { plan: planName(subscription), price: priceText(current.price, current.quantity) })),
    ...subscription.allowedPlanChanges.map((price) => choice(price)),
  );
  byId('plan-choices-set').hidden = !subscription.allowedPlanChanges.length;
  const steppers = itemRows(subscription);
  byId('plan-items').replaceChildren(...steppers);
  byId('plan-items-set').hidden = !steppers.length;
  showStep('choose');
  openDialog(dialog, { fallback: byId('subscriptions-title') });
  const deepLinked = priceId && form.querySelector(`input[value="${CSS.escape(priceId)}"]`);
  if (deepLinked instanceof HTMLInputElement) {
    deepLinked.checked = true;
    form.requestSubmit();
  }
}

/** @param {PortalPrice} price */
function choice(price) {
  const id = `plan-choice-${price.id}`;
  return h(
    'div',
    { class: 'choice' },
    h('input', { type: 'radio', name: 'price', id, value: price.id, 'data-field': 'priceId' }),
    h('label', { for: id }, h('strong', {}, price.product.name), ' ', h('span', {}, priceText(price))),
  );
}

/** @param {'choose' | 'review'} step */
function showStep(step) {
  clearErrors(form);
  byId('plan-choose').hidden = step !== 'choose';
  byId('plan-review').hidden = step !== 'review';
  back.hidden = step !== 'review';
  submit.textContent = step === 'choose' ? t('Review change') : t('Confirm change');
  if (step === 'choose') review = null;
}

async function previewChoice() {
  if (!choosing) return;
  const { portal, subscription } = choosing;
  const selected = form.querySelector('input[name="price"]:checked');
  const price = selected instanceof HTMLInputElement
    ? subscription.allowedPlanChanges.find((p) => p.id === selected.value) ?? null
    : null;
  const items = editsOf(form, subscription, price);
  if (!items.length) {
    showErrors(form, [{ code: 'INVALID_INPUT', message: t('Choose a plan.'), field: ['input', 'priceId'] }]);
    return;
  }
  const payload = await mutate(
    PREVIEW_PLAN_CHANGE,
    'previewPlanChange',
    { subscriptionId: subscription.id, items },
    { locale: portal.locale },
  );
  if (payload.userErrors.length) {
    showErrors(form, payload.userErrors);
    return;
  }
  const next = { portal, subscription, price, items, preview: payload.preview, key: idempotencyKey() };
  review = next;
  renderReview(next);
  showStep('review');
  byId('plan-summary').focus();
}

/**
 * "You pay $283.56 now, then $300.00 per year from November 15, 2027." When the prorations wait for the
 * next invoice instead, that invoice's total is spelled out too.
 * @param {Review} change
 */
function renderReview({ portal, subscription, price, items, preview }) {
  const next = preview.nextInvoice;
  const now = preview.amountDueNow.formatted;
  /** @type {string[]} */
  const sentences = [];
  if (preview.effectiveAt) {
    // Left for the end of the period: nothing changes, nor is charged, until then.
    if (price) sentences.push(t('Switch to {plan}.', { plan: price.product.name }));
    const date = formatDate(preview.effectiveAt, portal.locale);
    sentences.push(next
      ? t('Your plan changes on {date}; from then you pay {total}. Nothing changes until then.', { date, total: next.total.formatted })
      : t('Your plan changes on {date}. Nothing changes until then.', { date }));
  } else if (price && items.length === 1) {
    // Only the plan moves: its new price is what the customer pays from the next period.
    const quantity = subscription.items[0].quantity;
    sentences.push(t('Switch to {plan}, {price}.', { plan: price.product.name, price: priceText(price, quantity) }));
    sentences.push(next
      ? t('You pay {now} now, then {price} from {date}.', { now, price: priceText(price, quantity), date: formatDate(next.periodEnd, portal.locale) })
      : t('You pay {now} now.', { now }));
    const regular = (price.unitAmount?.amount ?? 0) * quantity;
    if (next && next.total.amount !== regular) {
      sentences.push(t('Your invoice on that date will be {total}, including the adjustment for the rest of this period.', { total: next.total.formatted }));
    }
  } else {
    if (price) sentences.push(t('Switch to {plan}.', { plan: price.product.name }));
    sentences.push(next
      ? t('You pay {now} now, then {total} on {date}.', { now, total: next.total.formatted, date: formatDate(next.periodEnd, portal.locale) })
      : t('You pay {now} now.', { now }));
  }
  if (preview.balanceAppliedNow.amount > 0) {
    sentences.push(t('{amount} of it is applied from your balance.', { amount: preview.balanceAppliedNow.formatted }));
  }
  if (preview.credit.amount > 0) {
    sentences.push(t('You get a credit of {amount} for the unused time; it is taken off your next invoices.', { amount: preview.credit.formatted }));
  }
  byId('plan-summary').textContent = sentences.join(' ');
  const lines = preview.prorationLines;
  byId('plan-lines-details').hidden = !lines.length;
  byId('plan-lines-summary').textContent =
    preview.amountDueNow.amount > 0 ? t('What you pay now') : t('Adjustments on your next invoice');
  byId('plan-lines').replaceChildren(
    ...lines.map((/** @type {PortalLine} */ line) => h('li', {}, h('span', {}, lineDescription(line)), h('span', { class: 'amount' }, line.amount.formatted))),
  );
}

/** @param {Review} change */
async function confirm({ portal, subscription, price, items, preview, key }) {
  const payload = await mutate(CHANGE_PLAN, 'changePlan', {
    subscriptionId: subscription.id,
    items,
    prorationDate: preview.prorationDate,
    idempotencyKey: key,
  });
  if (payload.userErrors.length) {
    showErrors(form, payload.userErrors);
    return;
  }
  dialog.close();
  const message = price && items.length === 1
    ? t('Your plan is now {plan}, {price}.', { plan: price.product.name, price: priceText(price, subscription.items[0].quantity) })
    : t('Your plan has been updated.');
  if (await portal.done('SUBSCRIPTION_UPDATE', message)) byId('subscriptions-title').focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(submit, () => (review ? confirm(review) : previewChoice()));
});
back.addEventListener('click', () => {
  showStep('choose');
  /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="price"]:checked'))?.focus();
});
