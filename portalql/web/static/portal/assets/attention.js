// The banner when a payment failed: what failed, and the two ways out (a new card, or paying now). The card
// form and the payment dialog load when the customer picks one.

import { byId, h } from './dom.js';
import { planName } from './format.js';
import { t } from './i18n.js';

/** Whether the customer may pay here. @param {import('./app.js').Portal} portal */
export function canPay(portal) {
  return portal.capabilities.payInvoices && portal.can('INVOICES_WRITE');
}

/**
 * Each subscription whose payment failed, why, and what to do about it.
 * @param {import('./app.js').Portal} portal
 * @param {PortalCustomer} customer
 */
export function renderAttention(portal, customer) {
  const owing = (customer.subscriptions ?? []).filter((s) => s.openInvoice);
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
  );
  byId('attention').hidden = !customer.paymentAttentionNeeded || !owing.length;
}
