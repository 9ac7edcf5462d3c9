// Saved payment methods: which one invoices are charged to, adding one, making another the default,
// removing one (never the only one while a plan runs: the API refuses it, so the page does not offer it).

import { mutate } from './api.js';
import { confirmAction, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { brandName } from './format.js';
import { t } from './i18n.js';
import { DETACH_PAYMENT_METHOD, SET_DEFAULT_PAYMENT_METHOD } from './mutations.js';

/**
 * The cards as last rendered, for choosing which pays an invoice.
 * @type {{ portal: import('./app.js').Portal | null, methods: PortalPaymentMethod[], defaultId: string | null }}
 */
export const savedMethods = { portal: null, methods: [], defaultId: null };

/** "Visa •••• 4242", or the kind of payment method for anything but a card. @param {PortalPaymentMethod} method */
export function methodName(method) {
  if (method.card) return `${brandName(method.card.brand)} •••• ${method.card.last4}`;
  return method.type.replaceAll('_', ' ').toLowerCase();
}

/** "Expires 04/2027". @param {{ expMonth: number, expYear: number }} card */
export function expires(card) {
  return t('Expires {month}/{year}', { month: String(card.expMonth).padStart(2, '0'), year: card.expYear });
}

/**
 * @param {import('./app.js').Portal} portal
 * @param {PortalPaymentMethod[]} methods
 * @param {{ id: string } | null} defaultMethod
 * @param {boolean} lastRemovable whether the API lets the only payment method go (no subscription runs)
 */
export function renderPaymentMethods(portal, methods, defaultMethod, lastRemovable) {
  const editable = portal.capabilities.updatePaymentMethods && portal.can('PAYMENT_METHODS_WRITE');
  const removable = editable && (lastRemovable || methods.length > 1);
  Object.assign(savedMethods, { portal, methods, defaultId: defaultMethod?.id ?? null });
  byId('payment-method-list').replaceChildren(
    ...(methods.length
      ? methods.map((method) => item(portal, method, method.id === defaultMethod?.id, editable, removable))
      : [h('li', { class: 'empty' }, t('No payment method on file.'))]),
  );
  byId('add-card').hidden = !(portal.capabilities.addPaymentMethods && portal.can('PAYMENT_METHODS_WRITE'));
  byId('payment-methods').hidden = false;
}

byId('add-card').addEventListener('click', async () => {
  if (savedMethods.portal) (await import('./add-card.js')).openAddCard(savedMethods.portal);
});

/**
 * @param {import('./app.js').Portal} portal @param {PortalPaymentMethod} method @param {boolean} isDefault
 * @param {boolean} editable @param {boolean} removable
 */
function item(portal, method, isDefault, editable, removable) {
  const name = methodName(method);
  const card = method.card;
  const about = h('span', { class: 'visually-hidden' }, ` ${name}`);
  const buttons = [];
  if (editable && !isDefault) {
    const makeDefault = (/** @type {MouseEvent} */ event) =>
      setDefault(portal, method, /** @type {HTMLButtonElement} */ (event.currentTarget));
    buttons.push(h('button', { type: 'button', class: 'button', onclick: makeDefault }, t('Make default'), about.cloneNode(true)));
  }
  if (removable) {
    buttons.push(h('button', { type: 'button', class: 'button', onclick: () => remove(portal, method) }, t('Remove'), about.cloneNode(true)));
  }
  return h(
    'li',
    { class: 'row', 'data-payment-method': method.id },
    h('div', { class: 'row-main' },
      h('span', { class: 'method-name' }, name),
      isDefault ? h('span', { class: 'badge default' }, t('Default')) : null,
      card ? h('span', { class: 'muted' }, expires(card)) : null),
    buttons.length ? h('div', { class: 'actions' }, buttons) : null,
    h('p', { class: 'field-error', 'data-error-for': '' }),
  );
}

/** @param {import('./app.js').Portal} portal @param {PortalPaymentMethod} method @param {HTMLButtonElement} button */
async function setDefault(portal, method, button) {
  const payload = await busy(button, () =>
    mutate(SET_DEFAULT_PAYMENT_METHOD, 'setDefaultPaymentMethod', { paymentMethodId: method.id }),
  );
  if (payload.userErrors.length) {
    const row = button.closest('li');
    if (row) showErrors(row, payload.userErrors);
    return;
  }
  await portal.reload(t('{method} is now your default payment method.', { method: methodName(method) }));
  byId('payment-methods-title').focus();
}

/** @param {import('./app.js').Portal} portal @param {PortalPaymentMethod} method */
async function remove(portal, method) {
  const name = methodName(method);
  const removed = await confirmAction({
    title: t('Remove payment method?'),
    message: t('{method} will be removed from your account.', { method: name }),
    confirm: t('Remove'),
    action: async () => {
      const payload = await mutate(DETACH_PAYMENT_METHOD, 'detachPaymentMethod', { paymentMethodId: method.id });
      return payload.userErrors;
    },
  });
  if (!removed) return;
  await portal.reload(t('{method} was removed.', { method: name }));
  byId('payment-methods-title').focus();
}
