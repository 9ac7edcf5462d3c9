// The banner when a payment needs the customer: a subscription's failed payment and why, or an invoice of no
// subscription that is overdue (a one-off invoice), and the ways out (a new card, or paying now). The card
// form and the payment dialog load when the customer picks one.

import { graphql } from './api.js';
import { byId, h } from './dom.js';
import { planName } from './format.js';
import { t } from './i18n.js';
import { OPEN_INVOICES } from './queries.js';

// Each render of the banner, counted: one waiting for the open invoices yields to any render after it.
let renders = 0;

/** Whether the customer may pay here. @param {import('./app.js').Portal} portal */
function canPay(portal) {
  return portal.capabilities.payInvoices && portal.can('INVOICES_WRITE');
}

/**
 * Each subscription whose payment failed, why, and what to do about it; then any other open invoice, read
 * only when a payment needs the customer.
 * @param {import('./app.js').Portal} portal
 * @param {PortalCustomer} customer
 */
export async function renderAttention(portal, customer) {
  const render = ++renders;
  const needed = Boolean(customer.paymentAttentionNeeded);
  const owing = (customer.subscriptions ?? []).filter((s) => s.openInvoice);
  const others = needed && portal.can('INVOICES_READ') ? await otherOpenInvoices(portal, owing) : [];
  if (render !== renders) return;
  const addCard = portal.capabilities.addPaymentMethods && portal.can('PAYMENT_METHODS_WRITE');
  byId('attention-list').replaceChildren(
    ...owing.map((subscription) => {
      // Only subscriptions with an open invoice were kept above.
      const invoice = /** @type {NonNullable<PortalSubscription['openInvoice']>} */ (subscription.openInvoice);
      const why = subscription.lastPaymentError?.message;
      const pay = async () => (await import('./pay-invoice.js')).openPay(portal, { ...invoice, total: invoice.amountRemaining });
      const update = async () => (await import('./add-card.js')).openAddCard(portal);
      return h('div', { class: 'plan', 'data-owed': invoice.id },
        h('p', {}, t('{amount} for {plan} is due.', { amount: invoice.amountRemaining.formatted, plan: planName(subscription) }), why ? ` ${why}` : ''),
        h('div', { class: 'actions' },
          canPay(portal) && subscription.actions.payInvoice.allowed
            ? h('button', { type: 'button', class: 'button primary', onclick: pay }, t('Pay now'))
            : null,
          addCard ? h('button', { type: 'button', class: 'button', onclick: update }, t('Update card')) : null));
    }),
    ...others.map((invoice) => {
      const pay = async () => (await import('./pay-invoice.js')).openPay(portal, { ...invoice, total: invoice.amountRemaining });
      return h('div', { class: 'plan', 'data-owed': invoice.id },
        h('p', {}, t('{amount} for invoice {number} is due.', { amount: invoice.amountRemaining.formatted, number: invoice.number ?? '' })),
        h('div', { class: 'actions' },
          invoice.actions.pay.allowed && portal.can('INVOICES_WRITE')
            ? h('button', { type: 'button', class: 'button primary', onclick: pay }, t('Pay now'))
            : null));
    }),
  );
  byId('attention').hidden = !needed || !(owing.length + others.length);
}

/**
 * The customer's open invoices that no subscription listed shows as its own.
 * @param {import('./app.js').Portal} portal
 * @param {PortalSubscription[]} owing
 * @returns {Promise<PortalOpenInvoice[]>}
 */
async function otherOpenInvoices(portal, owing) {
  const shown = new Set(owing.map((subscription) => subscription.openInvoice?.id));
  const { viewer } = await graphql(OPEN_INVOICES, { locale: portal.locale });
  /** @type {{ node: PortalOpenInvoice }[]} */
  const edges = viewer.customer.invoices.edges;
  return edges.map((edge) => edge.node).filter((invoice) => !shown.has(invoice.id));
}
