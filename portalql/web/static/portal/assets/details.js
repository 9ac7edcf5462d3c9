// The customer's billing information: contact details, billing and shipping addresses, and tax IDs. Changing
// them (`details-edit.js`) loads when the customer asks to.

import { byId, h } from './dom.js';
import { N_, t } from './i18n.js';

/** The details the edit form offers, each when the portal configuration allows it (`TAX_ID` has its own). */
export const FORM_DETAILS = /** @type {const} */ (['NAME', 'EMAIL', 'PHONE', 'ADDRESS', 'SHIPPING']);

/**
 * The kinds of tax ID offered when adding one, as customers know them; an ID of another kind (added by the
 * merchant) is shown by its code. The API accepts every kind Stripe knows.
 * @type {Record<string, string>}
 */
export const TAX_ID_KINDS = {
  EU_VAT: N_('EU VAT number'),
  GB_VAT: N_('UK VAT number'),
  US_EIN: N_('US Employer Identification Number (EIN)'),
  CA_BN: N_('Canadian Business Number'),
  AU_ABN: N_('Australian Business Number (ABN)'),
  CH_VAT: N_('Swiss VAT number'),
  NO_VAT: N_('Norwegian VAT number'),
  IN_GST: N_('Indian GST number'),
  JP_CN: N_('Japanese Corporate Number'),
  ZA_VAT: N_('South African VAT number'),
};
/** @type {Record<PortalTaxId['verificationStatus'], string>} */
const VERIFICATION = {
  PENDING: N_('being checked'),
  VERIFIED: N_('verified'),
  UNVERIFIED: N_('could not be verified'),
  UNAVAILABLE: '',
};

/** @type {{ portal: import('./app.js').Portal, customer: PortalCustomer } | null} */
let shown = null;

/** @param {import('./app.js').Portal} portal @param {string} detail */
export function mayChange(portal, detail) {
  return portal.can('CUSTOMER_WRITE') && portal.capabilities.updateCustomerFields.includes(detail);
}

/** @param {string} type */
export function taxIdKind(type) {
  return TAX_ID_KINDS[type] ? t(TAX_ID_KINDS[type]) : type.replaceAll('_', ' ');
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
      t('Shipping address'),
      shipping ? broken([shipping.name ?? '', ...addressLines(shipping.address, portal.locale), shipping.phone ?? ''].filter(Boolean)) : [],
    ],
  ];
  byId('details-list').replaceChildren(
    ...entries.filter(([, value]) => value.some(Boolean)).flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
  byId('edit-details').hidden = !FORM_DETAILS.some((detail) => mayChange(portal, detail));
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
      const remove = async () => (await import('./details-edit.js')).removeTaxId(portal, taxId);
      return h(
        'li',
        { class: 'row', 'data-tax-id': taxId.id },
        h(
          'div',
          { class: 'row-main' },
          h('span', { class: 'method-name' }, taxId.value),
          h('span', { class: 'muted' }, taxIdKind(taxId.type)),
          status ? h('span', { class: `badge ${taxId.verificationStatus.toLowerCase()}` }, t(status)) : null,
        ),
        editable
          ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: remove }, t('Remove')))
          : null,
      );
    }),
  );
  byId('tax-id-empty').hidden = taxIds.length > 0;
}

byId('edit-details').addEventListener('click', async () => {
  if (shown) (await import('./details-edit.js')).openEditor(shown.portal, shown.customer);
});
byId('add-tax-id').addEventListener('click', async () => {
  if (shown) (await import('./details-edit.js')).openTaxIdForm(shown.portal);
});
