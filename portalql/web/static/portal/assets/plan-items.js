// The plan dialog's seats and add-ons: a stepper for each item whose quantity the API says may change
// (within its range), the removals and additions it allows, and the item edits they make. Loaded with the
// dialog.

import { h, withNodes } from './dom.js';
import { priceText } from './format.js';
import { t } from './i18n.js';

/**
 * One item edit as `previewPlanChange` and `changePlan` take it.
 * @typedef {{ itemId?: string, priceId?: string, quantity?: number, remove?: boolean }} ItemEdit
 */

/**
 * The rows for the items and add-ons the API lets the customer change.
 * @param {PortalSubscription} subscription
 */
export function itemRows(subscription) {
  return [
    ...subscription.items.filter((item) => item.quantityRange || item.removable).map((item) => itemRow(item)),
    ...subscription.availableAddOns.map((offer) => addOnRow(offer)),
  ];
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
      ? h('label', { class: 'remove' }, h('input', { type: 'checkbox', name: 'remove' }), ' ', t('Remove {product}', { product: item.price.product.name }))
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
    h('label', {}, h('input', { type: 'checkbox', name: 'add' }), ' ',
      withNodes(t('Add {product}'), { product: h('strong', {}, price.product.name) }), ' ', h('span', {}, priceText(price))),
    quantityRange ? h('label', { for: id, class: 'visually-hidden' }, t('How many of {product}', { product: price.product.name })) : null,
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
    h('button', { type: 'button', class: 'button', 'aria-label': t('One fewer'), onclick: step(-1) }, '−'),
    input,
    h('button', { type: 'button', class: 'button', 'aria-label': t('One more'), onclick: step(1) }, '+'),
  );
}

/**
 * The edits the form asks for: the plan moved (when another is chosen), each stepped or removed item, each
 * added add-on. The API checks every one of them.
 * @param {HTMLFormElement} form @param {PortalSubscription} subscription @param {PortalPrice | null} price
 * @returns {ItemEdit[]}
 */
export function editsOf(form, subscription, price) {
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
