// The customer's billing information, and changing the parts the portal configuration allows.

import { mutate } from './api.js';
import { openDialog, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { N_, t } from './i18n.js';
import { UPDATE_CUSTOMER } from './mutations.js';

/**
 * The inputs offered for each detail the configuration may allow, in the order shown (`SHIPPING` and
 * `TAX_ID` are not part of the API's `updateCustomer`). `path` is the input field, as user errors name it;
 * `half` fields share a row on wider screens.
 * @type {Record<string, { path: string, label: string, type?: string, autocomplete: string, hint?: string, half?: boolean }[]>}
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
};

/** @type {{ portal: import('./app.js').Portal, customer: PortalCustomer } | null} */
let shown = null;

const dialog = /** @type {HTMLDialogElement} */ (byId('details-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('details-form'));
const submit = /** @type {HTMLButtonElement} */ (byId('details-submit'));

/** @param {PortalCustomer} customer @param {string} path */
function valueAt(customer, path) {
  // `any`: a dotted path through the customer's fields (`address.city`), one level at a time.
  return path.split('.').reduce((/** @type {any} */ value, key) => value?.[key], customer) ?? '';
}

/** @param {import('./app.js').Portal} portal */
function allowedFields(portal) {
  if (!portal.can('CUSTOMER_WRITE')) return [];
  const allowed = portal.capabilities.updateCustomerFields;
  return Object.entries(FIELDS).flatMap(([kind, fields]) => (allowed.includes(kind) ? fields : []));
}

/**
 * The address as lines: street, "City, ST 94104", and the country's name in the customer's language.
 * @param {PortalAddress | null | undefined} address
 * @param {string} locale
 * @returns {string[]}
 */
function addressLines(address, locale) {
  if (!address) return [];
  const region = [address.state, address.postalCode].filter(Boolean).join(' ');
  let country = address.country;
  try {
    country = country && (new Intl.DisplayNames([locale], { type: 'region' }).of(country) ?? country);
  } catch {
    // Not a region code: show it as it was entered.
  }
  const lines = [address.line1, address.line2, [address.city, region].filter(Boolean).join(', '), country];
  return /** @type {string[]} */ (lines.filter(Boolean));
}

/** @param {import('./app.js').Portal} portal @param {PortalCustomer} customer */
export function renderDetails(portal, customer) {
  shown = { portal, customer };
  const address = addressLines(customer.address, portal.locale);
  /** @type {[string, (string | Node)[]][]} */
  const entries = [
    [t('Name'), [customer.name ?? '']],
    [t('Email'), [customer.email ?? '']],
    [t('Phone'), [customer.phone ?? '']],
    [t('Billing address'), address.flatMap((line, index) => (index ? [h('br'), line] : [line]))],
  ];
  byId('details-list').replaceChildren(
    ...entries.filter(([, value]) => value.some(Boolean)).flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
  byId('edit-details').hidden = allowedFields(portal).length === 0;
  byId('details').hidden = false;
}

function openEditor() {
  if (!shown) return;
  const { portal, customer } = shown;
  byId('details-fields').replaceChildren(
    ...allowedFields(portal).map((field) => {
      const id = `detail-${field.path.replace('.', '-')}`;
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

/** The input for `updateCustomer`: only what changed; an address is sent whole, as it replaces the old one. */
function changes() {
  if (!shown) return {};
  /** @type {Record<string, unknown>} */
  const input = {};
  let addressChanged = false;
  /** @type {Record<string, string | null>} */
  const address = {};
  for (const control of form.querySelectorAll('input[data-field]')) {
    const { name, value } = /** @type {HTMLInputElement} */ (control);
    const trimmed = value.trim();
    const changed = trimmed !== valueAt(shown.customer, name);
    if (name.startsWith('address.')) {
      address[name.slice('address.'.length)] = trimmed || null;
      addressChanged ||= changed;
    } else if (changed) {
      input[name] = trimmed;
    }
  }
  if (addressChanged) input.address = address;
  return input;
}

async function save() {
  if (!shown) return;
  const input = changes();
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
  await shown.portal.reload(t('Your billing information was updated.'));
  byId('details-title').focus();
}

byId('edit-details').addEventListener('click', openEditor);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(submit, save);
});
