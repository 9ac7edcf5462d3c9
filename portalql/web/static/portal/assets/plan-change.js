// Changing a plan: another price among those the portal allows, seats stepped within the range the API
// gives for each item, add-ons added or removed; all previewed together, then confirmed exactly as shown.
// The confirmation sends the preview's proration date, so the customer pays what the preview showed, and
// one idempotency key per preview, so a repeated click changes the plan once.

import { idempotencyKey, mutate } from './api.js';
import { clearErrors, openDialog, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { formatDate, planName, priceText } from './format.js';
import { CHANGE_PLAN, PREVIEW_PLAN_CHANGE } from './mutations.js';

/**
 * One item edit as `previewPlanChange` and `changePlan` take it.
 * @typedef {{ itemId?: string, priceId?: string, quantity?: number, remove?: boolean }} ItemEdit
 */
/**
 * The change on screen: set by a successful preview, confirmed as it is.
 * @typedef {{ portal: import('./app.js').Portal, subscription: PortalSubscription, price: PortalPrice | null, items: ItemEdit[], preview: PortalPlanChangePreview, key: string }} Review
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
    h('p', { class: 'current' }, `Current plan: ${planName(subscription)}, ${priceText(current.price, current.quantity)}`),
    ...subscription.allowedPlanChanges.map((price) => choice(price)),
  );
  byId('plan-choices-set').hidden = !subscription.allowedPlanChanges.length;
  const steppers = [
    ...subscription.items.filter((item) => item.quantityRange || item.removable).map((item) => itemRow(item)),
    ...subscription.availableAddOns.map((offer) => addOnRow(offer)),
  ];
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

/**
 * A seat stepper for an item whose quantity may change (within the API's range), and its removal when the
 * API allows it.
 * @param {PortalItem} item
 */
function itemRow(item) {
  const id = `plan-item-${item.id}`;
  return h(
    'div',
    { class: 'item-edit', 'data-item': item.id, 'data-quantity': String(item.quantity) },
    h('label', { for: id }, h('strong', {}, item.price.product.name), ' ', h('span', {}, priceText(item.price))),
    item.quantityRange ? stepper(id, item.quantity, item.quantityRange) : h('span', { id }, `× ${item.quantity}`),
    item.removable
      ? h('label', { class: 'remove' }, h('input', { type: 'checkbox', name: 'remove' }), ` Remove ${item.price.product.name}`)
      : null,
  );
}

/**
 * An add-on the API says may be added, with its quantity when that may be chosen.
 * @param {{ price: PortalPrice, quantityRange: PortalQuantityRange | null }} offer
 */
function addOnRow({ price, quantityRange }) {
  const id = `plan-add-${price.id}`;
  return h(
    'div',
    { class: 'item-edit', 'data-add': price.id },
    h('label', {}, h('input', { type: 'checkbox', name: 'add' }), ' Add ', h('strong', {}, price.product.name), ' ', h('span', {}, priceText(price))),
    quantityRange ? stepper(id, quantityRange.minimum, quantityRange) : null,
  );
}

/**
 * A number field with − and + buttons, bounded as the API says.
 * @param {string} id @param {number} value @param {PortalQuantityRange} range
 */
function stepper(id, value, range) {
  const input = /** @type {HTMLInputElement} */ (h('input', {
    type: 'number', id, name: 'quantity', min: String(range.minimum), value: String(value), inputmode: 'numeric',
    ...(range.maximum === null ? {} : { max: String(range.maximum) }),
  }));
  const step = (/** @type {number} */ by) => () => {
    const next = Number(input.value || value) + by;
    if (next >= range.minimum && (range.maximum === null || next <= range.maximum)) input.value = String(next);
  };
  return h(
    'span',
    { class: 'stepper' },
    h('button', { type: 'button', class: 'button', 'aria-label': 'One fewer', onclick: step(-1) }, '−'),
    input,
    h('button', { type: 'button', class: 'button', 'aria-label': 'One more', onclick: step(1) }, '+'),
  );
}

/**
 * The edits the form asks for: the plan moved (when another is chosen), each stepped or removed item, each
 * added add-on. The API checks every one of them.
 * @param {PortalSubscription} subscription @param {PortalPrice | null} price
 * @returns {ItemEdit[]}
 */
function editsOf(subscription, price) {
  /** @type {ItemEdit[]} */
  const edits = [];
  const plan = subscription.items[0];
  const changed = new Map();
  if (price) changed.set(plan.id, { itemId: plan.id, priceId: price.id });
  for (const row of form.querySelectorAll('[data-item]')) {
    const itemId = /** @type {HTMLElement} */ (row).dataset.item ?? '';
    const removed = row.querySelector('input[name="remove"]');
    const quantity = row.querySelector('input[name="quantity"]');
    if (removed instanceof HTMLInputElement && removed.checked) {
      changed.set(itemId, { itemId, remove: true });
    } else if (quantity instanceof HTMLInputElement && quantity.value !== /** @type {HTMLElement} */ (row).dataset.quantity) {
      changed.set(itemId, { ...(changed.get(itemId) ?? { itemId }), quantity: Number(quantity.value) });
    }
  }
  edits.push(...changed.values());
  for (const row of form.querySelectorAll('[data-add]')) {
    const added = row.querySelector('input[name="add"]');
    if (!(added instanceof HTMLInputElement) || !added.checked) continue;
    const quantity = row.querySelector('input[name="quantity"]');
    const edit = { priceId: /** @type {HTMLElement} */ (row).dataset.add ?? '' };
    edits.push(quantity instanceof HTMLInputElement ? { ...edit, quantity: Number(quantity.value) } : edit);
  }
  return edits;
}

/** @param {'choose' | 'review'} step */
function showStep(step) {
  clearErrors(form);
  byId('plan-choose').hidden = step !== 'choose';
  byId('plan-review').hidden = step !== 'review';
  back.hidden = step !== 'review';
  submit.textContent = step === 'choose' ? 'Review change' : 'Confirm change';
  if (step === 'choose') review = null;
}

async function previewChoice() {
  if (!choosing) return;
  const { portal, subscription } = choosing;
  const selected = form.querySelector('input[name="price"]:checked');
  const price = selected instanceof HTMLInputElement
    ? subscription.allowedPlanChanges.find((p) => p.id === selected.value) ?? null
    : null;
  const items = editsOf(subscription, price);
  if (!items.length) {
    showErrors(form, [{ code: 'INVALID_INPUT', message: 'Choose a new plan, or change your seats or add-ons.', field: ['input', 'priceId'] }]);
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
function renderReview({ portal, price, preview }) {
  const next = preview.nextInvoice;
  let summary = `You pay ${preview.amountDueNow.formatted} now`;
  summary += next ? `, then ${next.total.formatted} on ${formatDate(next.periodEnd, portal.locale)}.` : '.';
  if (preview.balanceAppliedNow.amount > 0) {
    summary += ` ${preview.balanceAppliedNow.formatted} of it is applied from your balance.`;
  }
  if (preview.credit.amount > 0) {
    summary += ` You get a credit of ${preview.credit.formatted} for the unused time; it is taken off your next invoices.`;
  }
  byId('plan-summary').textContent = `${price ? `Switch to ${price.product.name}. ` : ''}${summary}`;
  const lines = preview.prorationLines;
  byId('plan-lines-details').hidden = !lines.length;
  byId('plan-lines-summary').textContent =
    preview.amountDueNow.amount > 0 ? 'What you pay now' : 'Adjustments on your next invoice';
  byId('plan-lines').replaceChildren(
    ...lines.map((/** @type {PortalLine} */ line) => h('li', {}, h('span', {}, line.description ?? ''), h('span', { class: 'amount' }, line.amount.formatted))),
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
  await portal.reload(price ? `Your plan is now ${price.product.name}.` : 'Your plan has been updated.');
  byId('subscriptions-title').focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(submit, () => (review ? confirm(review) : previewChoice()));
});
back.addEventListener('click', () => {
  showStep('choose');
  /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="price"]:checked'))?.focus();
});
