// The upcoming invoice and the invoice history, paged with the API's cursors (Stripe invoice ids).

import { graphql } from './api.js';
import { announce, busy, byId, h, withNodes } from './dom.js';
import { formatDate, formatShortDate, lineDescription, planName } from './format.js';
import { N_, t } from './i18n.js';
import { INVOICES } from './queries.js';

/** @type {Record<string, string>} */
const STATUS_LABELS = {
  DRAFT: N_('Draft'), OPEN: N_('Due'), PAID: N_('Paid'), UNCOLLECTIBLE: N_('Uncollectible'), VOID: N_('Void'),
};

/**
 * Where the history stands: its page number (0 is the newest), the cursors around it, and whether older
 * invoices follow.
 * @type {{ portal: import('./app.js').Portal | null, index: number, startCursor: string | null, endCursor: string | null, hasOlder: boolean }}
 */
const paging = { portal: null, index: 0, startCursor: null, endCursor: null, hasOlder: false };
const newer = /** @type {HTMLButtonElement} */ (byId('invoices-newer'));
const older = /** @type {HTMLButtonElement} */ (byId('invoices-older'));

/**
 * The next invoice of every plan that renews, soonest first, each with its date and any credit it takes.
 * @param {import('./app.js').Portal} portal
 * @param {PortalUpcomingInvoice[]} invoices
 * @param {PortalSubscription[]} subscriptions to name the plan each invoice bills
 */
export function renderUpcoming(portal, invoices, subscriptions) {
  const body = byId('upcoming-body');
  const names = new Map(subscriptions.map((s) => [s.id, planName(s)]));
  body.replaceChildren(
    ...(invoices.length
      ? invoices.map((invoice) => upcoming(portal, invoice, invoices.length > 1 ? names.get(invoice.subscription?.id ?? '') : undefined))
      : [h('p', { class: 'empty' }, t('No upcoming invoice.'))]),
  );
  byId('upcoming').hidden = false;
}

/** @param {import('./app.js').Portal} portal @param {PortalUpcomingInvoice} invoice @param {string | undefined} plan */
function upcoming(portal, invoice, plan) {
  const date = formatDate(invoice.created, portal.locale);
  return h(
    'div',
    { class: 'upcoming-invoice' },
    h('p', { class: 'upcoming-total' }, withNodes(
      plan ? t('{plan}: {amount} on {date}', { plan, date }) : t('{amount} on {date}', { date }),
      { amount: h('strong', {}, invoice.amountDue.formatted) })),
    invoice.balanceApplied.amount > 0
      ? h('p', { class: 'credit' }, t('{amount} applied from your balance.', { amount: invoice.balanceApplied.formatted }))
      : null,
    h('ul', { class: 'lines' },
      invoice.lines.map((line) =>
        h('li', {}, h('span', {}, lineDescription(line)), h('span', { class: 'amount' }, line.amount.formatted))),
      invoice.creditApplied.amount > 0
        ? h('li', { class: 'credit' }, h('span', {}, t('Paid by credit')),
          h('span', { class: 'amount' }, `−${invoice.creditApplied.formatted}`))
        : null),
  );
}

/**
 * @param {import('./app.js').Portal} portal
 * @param {PortalInvoiceConnection} connection
 * @param {{ first?: boolean }} [options] `first` when this is the newest page (after a reload)
 */
export function renderInvoices(portal, connection, { first = false } = {}) {
  paging.portal = portal;
  if (first) paging.index = 0;
  const rows = connection.edges.map((edge) => row(portal, edge.node));
  byId('invoice-rows').replaceChildren(
    ...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 4, class: 'empty' }, t('No invoices yet.')))]),
  );
  const { pageInfo } = connection;
  paging.startCursor = pageInfo.startCursor;
  paging.endCursor = pageInfo.endCursor;
  paging.hasOlder = pageInfo.hasNextPage;
  syncPager();
  byId('invoices').hidden = false;
}

function syncPager() {
  newer.disabled = paging.index === 0;
  older.disabled = !paging.hasOlder;
  byId('invoices').querySelector('.pager')?.toggleAttribute('hidden', newer.disabled && older.disabled);
}

/** @param {import('./app.js').Portal} portal @param {PortalInvoice} invoice */
function row(portal, invoice) {
  const label = invoice.number ? t('invoice {number}', { number: invoice.number }) : t('invoice');
  const links = [];
  const payHere = invoice.actions.pay.allowed && portal.can('INVOICES_WRITE');
  if (payHere) {
    const pay = async () => (await import('./pay-invoice.js')).openPay(portal, invoice);
    links.push(h('button', { type: 'button', class: 'link-button', onclick: pay },
      t('Pay'), h('span', { class: 'visually-hidden' }, ` ${label}`)));
  }
  if (invoice.hostedInvoiceUrl) {
    // Stripe's page for the invoice stays a link; where the portal cannot take the payment, it is paid there.
    links.push(h('a', { href: invoice.hostedInvoiceUrl, target: '_blank', rel: 'noopener' },
      invoice.status === 'OPEN' && !payHere ? t('Pay') : t('View'), h('span', { class: 'visually-hidden' }, ' ', t('{invoice} (opens in a new tab)', { invoice: label }))));
  }
  if (invoice.invoicePdf) {
    links.push(h('a', { href: invoice.invoicePdf, target: '_blank', rel: 'noopener' },
      'PDF', h('span', { class: 'visually-hidden' }, ' ', t('of {invoice} (opens in a new tab)', { invoice: label }))));
  }
  const status = invoice.status ?? 'DRAFT';
  return h(
    'tr',
    { 'data-invoice': invoice.id },
    h('td', {}, formatShortDate(invoice.created, portal.locale)),
    h('td', { class: 'amount' }, invoice.total.formatted),
    h('td', {}, h('span', { class: `badge ${status.toLowerCase()}` }, STATUS_LABELS[status] ? t(STATUS_LABELS[status]) : status)),
    h('td', { class: 'links' }, links),
  );
}

/**
 * Turn the page: `step` +1 for older invoices, -1 for newer ones.
 * @param {HTMLButtonElement} button
 * @param {number} step
 */
async function turn(button, step) {
  const portal = paging.portal;
  if (!portal) return;
  await busy(button, async () => {
    const page = step > 0
      ? { first: portal.pageSize, after: paging.endCursor }
      : { last: portal.pageSize, before: paging.startCursor };
    const { viewer } = await graphql(INVOICES, { locale: portal.locale, ...page });
    paging.index += step;
    renderInvoices(portal, viewer.customer.invoices);
    announce(t('Showing invoice page {page}.', { page: paging.index + 1 }));
  });
  // `busy` re-enabled the button; the first and last pages disable one, and focus moves to the other.
  syncPager();
  if (button.disabled) (step > 0 ? newer : older).focus();
}

newer.addEventListener('click', () => turn(newer, -1));
older.addEventListener('click', () => turn(older, +1));
