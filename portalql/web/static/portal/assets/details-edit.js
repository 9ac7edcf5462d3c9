// Changing the customer's billing information, as far as the portal configuration allows: contact details,
// billing and shipping addresses (`updateCustomer`), and tax IDs (`addTaxId`, `removeTaxId`). Loaded when
// the customer opens the form or changes a tax ID.

import { mutate } from './api.js';
import { confirmAction, openDialog, showErrors } from './dialogs.js';
import { FORM_DETAILS, TAX_ID_KINDS, mayChange, taxIdKind } from './details.js';
import { busy, byId, h } from './dom.js';
import { N_, t } from './i18n.js';
import { ADD_TAX_ID, REMOVE_TAX_ID, UPDATE_CUSTOMER } from './mutations.js';

/**
 * The inputs offered for each detail, in the order shown. `path` is the input field, as user errors name
 * it; `half` fields share a row on wider screens. An address (billing or shipping) is sent whole, as it
 * replaces the old one.
 * @type {Record<(typeof FORM_DETAILS)[number], { path: string, label: string, type?: string, autocomplete: string, hint?: string, half?: boolean }[]>}
 */
const FIELDS = {
  NAME: [{ path: 'name', label: N_('Name'), autocomplete: 'name' }],
  EMAIL: [{ path: 'email', label: N_('Email'), type: 'email', autocomplete: 'email' }],
  PHONE: [{ path: 'phone', label: N_('Phone'), type: 'tel', autocomplete: 'tel' }],
  ADDRESS: [
    { path: 'address.line1', label: N_('Address line 1'), autocomplete: 'address-line1' },
    { path: 'address.line2', label: N_('Address line 2'), autocomplete: 'address-line2' },
    { path: 'address.city', label: N_('City'), autocomplete: 'address-level2', half: true },
    { path: 'address.state', label: N_('State or region'), autocomplete: 'address-level1', half: true },
    { path: 'address.postalCode', label: N_('Postal code'), autocomplete: 'postal-code', half: true },
    { path: 'address.country', label: N_('Country'), autocomplete: 'country', hint: N_('Two-letter code, such as US'), half: true },
  ],
  SHIPPING: [
    { path: 'shipping.name', label: N_('Deliver to (name)'), autocomplete: 'shipping name', half: true },
    { path: 'shipping.phone', label: N_('Delivery phone'), type: 'tel', autocomplete: 'shipping tel', half: true },
    { path: 'shipping.address.line1', label: N_('Shipping address line 1'), autocomplete: 'shipping address-line1' },
    { path: 'shipping.address.line2', label: N_('Shipping address line 2'), autocomplete: 'shipping address-line2' },
    { path: 'shipping.address.city', label: N_('Shipping city'), autocomplete: 'shipping address-level2', half: true },
    { path: 'shipping.address.state', label: N_('Shipping state or region'), autocomplete: 'shipping address-level1', half: true },
    { path: 'shipping.address.postalCode', label: N_('Shipping postal code'), autocomplete: 'shipping postal-code', half: true },
    { path: 'shipping.address.country', label: N_('Shipping country'), autocomplete: 'shipping country', hint: N_('Two-letter code, such as US'), half: true },
  ],
};
// The details sent whole when any part of them changed.
const WHOLE = ['address', 'shipping'];

/** The details in the form, as they were when it opened. @type {{ portal: import('./app.js').Portal, customer: PortalCustomer } | null} */
let editing = null;
/** Where a tax ID is being added. @type {import('./app.js').Portal | null} */
let adding = null;

const dialog = /** @type {HTMLDialogElement} */ (byId('details-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('details-form'));
const submit = /** @type {HTMLButtonElement} */ (byId('details-submit'));
const taxDialog = /** @type {HTMLDialogElement} */ (byId('tax-id-dialog'));
const taxForm = /** @type {HTMLFormElement} */ (byId('tax-id-form'));
const taxSubmit = /** @type {HTMLButtonElement} */ (byId('tax-id-submit'));

/** @param {PortalCustomer} customer @param {string} path */
function valueAt(customer, path) {
  // `any`: a dotted path through the customer's fields (`address.city`), one level at a time.
  return path.split('.').reduce((/** @type {any} */ value, key) => value?.[key], customer) ?? '';
}

/** @param {import('./app.js').Portal} portal @param {PortalCustomer} customer */
export function openEditor(portal, customer) {
  editing = { portal, customer };
  const fields = FORM_DETAILS.flatMap((detail) => (mayChange(portal, detail) ? FIELDS[detail] : []));
  byId('details-fields').replaceChildren(
    ...fields.map((field) => {
      const id = `detail-${field.path.replaceAll('.', '-')}`;
      const errorId = `${id}-error`;
      const hintId = field.hint ? `${id}-hint` : null;
      return h(
        'div',
        { class: field.half ? 'field half' : 'field' },
        h('label', { for: id }, t(field.label)),
        h('input', {
          id, name: field.path, type: field.type ?? 'text', autocomplete: field.autocomplete,
          value: valueAt(customer, field.path), 'data-field': field.path,
          'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
        }),
        hintId ? h('p', { class: 'hint', id: hintId }, field.hint && t(field.hint)) : null,
        h('p', { class: 'field-error', id: errorId, 'data-error-for': field.path }),
      );
    }),
  );
  openDialog(dialog, { fallback: byId('details-title') });
}

/**
 * The input for `updateCustomer`: only what changed; an address (or the shipping details) is sent whole,
 * as it replaces the old one.
 * @param {PortalCustomer} customer
 */
function changes(customer) {
  /** @type {Record<string, unknown>} */
  const input = {};
  /** @type {Record<string, Record<string, any>>} `any`: nested objects built from dotted paths */
  const whole = {};
  const changed = new Set();
  for (const control of form.querySelectorAll('input[data-field]')) {
    const { name, value } = /** @type {HTMLInputElement} */ (control);
    const trimmed = value.trim();
    const [head, ...rest] = name.split('.');
    if (!WHOLE.includes(head)) {
      if (trimmed !== valueAt(customer, name)) input[name] = trimmed;
      continue;
    }
    if (trimmed !== valueAt(customer, name)) changed.add(head);
    let target = (whole[head] ??= {});
    for (const key of rest.slice(0, -1)) target = target[key] ??= {};
    target[rest[rest.length - 1]] = trimmed || null;
  }
  for (const head of changed) input[head] = whole[head];
  return input;
}

async function save() {
  if (!editing) return;
  const input = changes(editing.customer);
  if (!Object.keys(input).length) {
    dialog.close();
    return;
  }
  const payload = await mutate(UPDATE_CUSTOMER, 'updateCustomer', input);
  if (payload.userErrors.length) {
    showErrors(form, payload.userErrors);
    return;
  }
  dialog.close();
  await editing.portal.reload(t('Your billing information was updated.'));
  byId('details-title').focus();
}

/** @param {import('./app.js').Portal} portal */
export function openTaxIdForm(portal) {
  adding = portal;
  const kind = /** @type {HTMLSelectElement} */ (byId('tax-id-type'));
  kind.replaceChildren(...Object.keys(TAX_ID_KINDS).map((value) => h('option', { value }, taxIdKind(value))));
  /** @type {HTMLInputElement} */ (byId('tax-id-value')).value = '';
  openDialog(taxDialog, { fallback: byId('details-title') });
}

async function addTaxId() {
  if (!adding) return;
  const type = /** @type {HTMLSelectElement} */ (byId('tax-id-type')).value;
  const value = /** @type {HTMLInputElement} */ (byId('tax-id-value')).value.trim();
  const payload = await mutate(ADD_TAX_ID, 'addTaxId', { type, value });
  if (payload.userErrors.length) {
    showErrors(taxForm, payload.userErrors);
    return;
  }
  taxDialog.close();
  await adding.reload(t('{kind} {value} was added to your invoices.', { kind: taxIdKind(type), value }));
  byId('details-title').focus();
}

/** @param {import('./app.js').Portal} portal @param {PortalTaxId} taxId */
export async function removeTaxId(portal, taxId) {
  const removed = await confirmAction({
    title: t('Remove tax ID?'),
    message: t('{kind} {value} will no longer appear on your invoices.', { kind: taxIdKind(taxId.type), value: taxId.value }),
    confirm: t('Remove'),
    action: async () => (await mutate(REMOVE_TAX_ID, 'removeTaxId', { taxIdId: taxId.id })).userErrors,
  });
  if (!removed) return;
  await portal.reload(t('Tax ID {value} was removed.', { value: taxId.value }));
  byId('details-title').focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(submit, save);
});
taxForm.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(taxSubmit, addTaxId);
});
