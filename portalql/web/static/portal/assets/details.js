// The customer's billing information, and changing the parts the portal configuration allows: contact
// details, billing and shipping addresses (`updateCustomer`), and tax IDs (`addTaxId`, `removeTaxId`).

import { mutate } from './api.js';
import { confirmAction, openDialog, showErrors } from './dialogs.js';
import { busy, byId, h } from './dom.js';
import { N_, t } from './i18n.js';
import { ADD_TAX_ID, REMOVE_TAX_ID, UPDATE_CUSTOMER } from './mutations.js';

/**
 * The inputs offered for each detail the configuration may allow, in the order shown (`TAX_ID` has its own
 * list and form). `path` is the input field, as user errors name it; `half` fields share a row on wider
 * screens. An address (billing or shipping) is sent whole, as it replaces the old one.
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
  SHIPPING: [
    { path: 'shipping.name', label: 'Deliver to (name)', autocomplete: 'shipping name', half: true },
    { path: 'shipping.phone', label: 'Delivery phone', type: 'tel', autocomplete: 'shipping tel', half: true },
    { path: 'shipping.address.line1', label: 'Shipping address line 1', autocomplete: 'shipping address-line1' },
    { path: 'shipping.address.line2', label: 'Shipping address line 2', autocomplete: 'shipping address-line2' },
    { path: 'shipping.address.city', label: 'Shipping city', autocomplete: 'shipping address-level2', half: true },
    { path: 'shipping.address.state', label: 'Shipping state or region', autocomplete: 'shipping address-level1', half: true },
    { path: 'shipping.address.postalCode', label: 'Shipping postal code', autocomplete: 'shipping postal-code', half: true },
    { path: 'shipping.address.country', label: 'Shipping country', autocomplete: 'shipping country', hint: 'Two-letter code, such as US', half: true },
  ],
};
// The details sent whole when any part of them changed.
const WHOLE = ['address', 'shipping'];

/**
 * The kinds of tax ID offered when adding one, as customers know them; an ID of another kind (added by the
 * merchant) is shown by its code. The API accepts every kind Stripe knows.
 * @type {Record<string, string>}
 */
const TAX_ID_KINDS = {
  EU_VAT: 'EU VAT number',
  GB_VAT: 'UK VAT number',
  US_EIN: 'US Employer Identification Number (EIN)',
  CA_BN: 'Canadian Business Number',
  AU_ABN: 'Australian Business Number (ABN)',
  CH_VAT: 'Swiss VAT number',
  NO_VAT: 'Norwegian VAT number',
  IN_GST: 'Indian GST number',
  JP_CN: 'Japanese Corporate Number',
  ZA_VAT: 'South African VAT number',
};
/** @type {Record<PortalTaxId['verificationStatus'], string>} */
const VERIFICATION = {
  PENDING: 'being checked',
  VERIFIED: 'verified',
  UNVERIFIED: 'could not be verified',
  UNAVAILABLE: '',
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

/** @param {import('./app.js').Portal} portal @param {string} detail */
function mayChange(portal, detail) {
  return portal.can('CUSTOMER_WRITE') && portal.capabilities.updateCustomerFields.includes(detail);
}

/** @param {import('./app.js').Portal} portal */
function allowedFields(portal) {
  return Object.entries(FIELDS).flatMap(([kind, fields]) => (mayChange(portal, kind) ? fields : []));
}

/** @param {string} type */
function taxIdKind(type) {
  return TAX_ID_KINDS[type] ?? type.replaceAll('_', ' ');
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
  /** @param {string[]} lines */
  const broken = (lines) => lines.flatMap((line, index) => (index ? [h('br'), line] : [line]));
  const shipping = customer.shipping;
  /** @type {[string, (string | Node)[]][]} */
  const entries = [
    [t('Name'), [customer.name ?? '']],
    [t('Email'), [customer.email ?? '']],
    [t('Phone'), [customer.phone ?? '']],
    [t('Billing address'), broken(addressLines(customer.address, portal.locale))],
    [
      'Shipping address',
      shipping ? broken([shipping.name ?? '', ...addressLines(shipping.address, portal.locale), shipping.phone ?? ''].filter(Boolean)) : [],
    ],
  ];
  byId('details-list').replaceChildren(
    ...entries.filter(([, value]) => value.some(Boolean)).flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
  byId('edit-details').hidden = allowedFields(portal).length === 0;
  renderTaxIds(portal, customer.taxIds ?? []);
  byId('details').hidden = false;
}

/**
 * The customer's tax IDs, each removable, and the way to add one, when the portal lets them change them.
 * @param {import('./app.js').Portal} portal
 * @param {PortalTaxId[]} taxIds
 */
function renderTaxIds(portal, taxIds) {
  const editable = mayChange(portal, 'TAX_ID');
  byId('tax-ids').hidden = !editable && taxIds.length === 0;
  byId('add-tax-id').hidden = !editable;
  byId('tax-id-list').replaceChildren(
    ...taxIds.map((taxId) => {
      const status = VERIFICATION[taxId.verificationStatus];
      return h(
        'li',
        { class: 'row', 'data-tax-id': taxId.id },
        h(
          'div',
          { class: 'row-main' },
          h('span', { class: 'method-name' }, taxId.value),
          h('span', { class: 'muted' }, taxIdKind(taxId.type)),
          status ? h('span', { class: `badge ${taxId.verificationStatus.toLowerCase()}` }, status) : null,
        ),
        editable
          ? h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', class: 'button', onclick: () => removeTaxId(portal, taxId) }, 'Remove'),
            )
          : null,
      );
    }),
  );
  byId('tax-id-empty').hidden = taxIds.length > 0;
}

/** @param {import('./app.js').Portal} portal @param {PortalTaxId} taxId */
async function removeTaxId(portal, taxId) {
  const removed = await confirmAction({
    title: 'Remove tax ID?',
    message: `${taxIdKind(taxId.type)} ${taxId.value} will no longer appear on your invoices.`,
    confirm: 'Remove',
    action: async () => (await mutate(REMOVE_TAX_ID, 'removeTaxId', { taxIdId: taxId.id })).userErrors,
  });
  if (!removed) return;
  await portal.reload(`Tax ID ${taxId.value} was removed.`);
  byId('details-title').focus();
}

const taxDialog = /** @type {HTMLDialogElement} */ (byId('tax-id-dialog'));
const taxForm = /** @type {HTMLFormElement} */ (byId('tax-id-form'));
const taxSubmit = /** @type {HTMLButtonElement} */ (byId('tax-id-submit'));

function openTaxIdForm() {
  const kind = /** @type {HTMLSelectElement} */ (byId('tax-id-type'));
  kind.replaceChildren(...Object.entries(TAX_ID_KINDS).map(([value, label]) => h('option', { value }, label)));
  /** @type {HTMLInputElement} */ (byId('tax-id-value')).value = '';
  openDialog(taxDialog, { fallback: byId('details-title') });
}

async function addTaxId() {
  if (!shown) return;
  const type = /** @type {HTMLSelectElement} */ (byId('tax-id-type')).value;
  const value = /** @type {HTMLInputElement} */ (byId('tax-id-value')).value.trim();
  const payload = await mutate(ADD_TAX_ID, 'addTaxId', { type, value });
  if (payload.userErrors.length) {
    showErrors(taxForm, payload.userErrors);
    return;
  }
  taxDialog.close();
  await shown.portal.reload(`${taxIdKind(type)} ${value} was added to your invoices.`);
  byId('details-title').focus();
}

function openEditor() {
  if (!shown) return;
  const { portal, customer } = shown;
  byId('details-fields').replaceChildren(
    ...allowedFields(portal).map((field) => {
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
 */
function changes() {
  if (!shown) return {};
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
      if (trimmed !== valueAt(shown.customer, name)) input[name] = trimmed;
      continue;
    }
    if (trimmed !== valueAt(shown.customer, name)) changed.add(head);
    let target = (whole[head] ??= {});
    for (const key of rest.slice(0, -1)) target = target[key] ??= {};
    target[rest[rest.length - 1]] = trimmed || null;
  }
  for (const head of changed) input[head] = whole[head];
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
byId('add-tax-id').addEventListener('click', openTaxIdForm);
taxForm.addEventListener('submit', (event) => {
  event.preventDefault();
  busy(taxSubmit, addTaxId);
});
