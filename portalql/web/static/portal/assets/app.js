// The hosted billing portal: boots from the customer session cookie, renders the dashboard, and opens the
// step a deep link asks for. Each section renders only what the session's scopes and the API's
// capabilities and actions allow; the API enforces the same rules. The dialogs' modules (plan change,
// cancel, pause, card, payment, details editor) load when one is opened, not with the dashboard.

import { ApiError, SessionExpired, graphql, subscribe } from './api.js';
import { renderAttention } from './attention.js';
import { announce, byId } from './dom.js';
import { loadMessages, locale, t } from './i18n.js';
import { BOOT, CHANGES, DASHBOARD } from './queries.js';
import { renderDetails } from './details.js';
import { renderInvoices, renderUpcoming } from './invoices.js';
import { renderPaymentMethods } from './payment-methods.js';
import { renderSubscriptions, subscriptionsById } from './subscriptions.js';

const INVOICE_PAGE_SIZE = 10;
// Remembered so that an expired session can still offer the way back to the product.
const RETURN_URL_KEY = 'portalql:return-url';

/**
 * What every section renders from.
 * @typedef {object} Portal
 * @property {string} locale the locale money and dates are formatted for, the page's language's
 * @property {(scope: string) => boolean} can whether the session holds a scope, e.g. `SUBSCRIPTIONS_WRITE`
 * @property {{ viewInvoices: boolean, updatePaymentMethods: boolean, addPaymentMethods: boolean, payInvoices: boolean, updateCustomerFields: string[] }} capabilities
 *   what the portal lets the customer do, as the API decides it
 * @property {number} pageSize invoices per page
 * @property {(message?: string) => Promise<void>} reload re-read the dashboard, re-render, then announce
 * @property {(step: FlowStep, message: string) => Promise<boolean>} done a step a deep link can open on
 *   succeeded: when it is the step the portal link opened on, do what the link asks for after it
 *   (`afterCompletion`); otherwise (and for PORTAL_HOMEPAGE) reload and announce `message`. True when the
 *   dashboard is shown (the caller then puts focus back), false for a confirmation or a redirect.
 */

/**
 * The steps a deep link opens on, as the page's dialogs complete them (a plan change completes both
 * `SUBSCRIPTION_UPDATE` and `SUBSCRIPTION_UPDATE_CONFIRM` links).
 * @typedef {'SUBSCRIPTION_CANCEL' | 'SUBSCRIPTION_UPDATE' | 'PAYMENT_METHOD_UPDATE'} FlowStep
 */

/**
 * The portal link's flow while its step is open; cleared once the step is done, so that later changes on
 * the page do not redirect or confirm again.
 * @type {PortalFlowLink | null}
 */
let openedFlow = null;

async function start() {
  try {
    const [{ viewer, portalConfiguration: configuration }] = await Promise.all([graphql(BOOT), loadMessages()]);
    const scopes = new Set(viewer.scopes);
    /** @type {Portal} */
    const portal = {
      locale,
      can: (scope) => scopes.has(scope),
      capabilities: viewer.customer.capabilities,
      pageSize: INVOICE_PAGE_SIZE,
      reload: async (message) => {
        render(portal, await loadDashboard(portal));
        if (message) announce(message);
      },
      done: async (step, message) => {
        const flow = openedFlow && completes(step, openedFlow) ? openedFlow : null;
        openedFlow = null;
        const redirect = flow?.afterCompletion === 'REDIRECT' ? safeUrl(flow.afterCompletionRedirectUrl) : null;
        if (redirect) {
          location.assign(redirect.href);
          return false;
        }
        if (flow?.afterCompletion === 'HOSTED_CONFIRMATION') {
          render(portal, await loadDashboard(portal));
          confirmDone(flow.confirmationMessage ?? message);
          return false;
        }
        await portal.reload(message);
        return true;
      },
    };
    const returnUrl = viewer.returnUrl ?? configuration.defaultReturnUrl;
    brand(configuration.businessProfile, returnUrl);
    returnLink(byId('confirmation-return'), returnUrl);
    render(portal, await loadDashboard(portal));
    byId('main').removeAttribute('aria-busy');
    byId('loading').hidden = true;
    subscribe(CHANGES, () => refreshSoon(portal));
    await openDeepLink(portal, new URLSearchParams(location.search), viewer.portalFlow ?? null);
  } catch (error) {
    fail(error);
  }
}

// Changes arriving together (a plan change and its invoice) are read once.
const REFRESH_DELAY_MS = 250;
/** @type {number | undefined} */
let refreshTimer;

/**
 * Read the dashboard again after a change made elsewhere (another tab, support in Stripe's dashboard, a
 * renewal); while a dialog is open, once it closes, so that nothing moves under the customer's hands.
 * @param {Portal} portal
 */
function refreshSoon(portal) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    if (document.querySelector('dialog[open]')) {
      document.addEventListener('close', () => refreshSoon(portal), { capture: true, once: true });
      return;
    }
    try {
      render(portal, await loadDashboard(portal));
    } catch (error) {
      if (error instanceof SessionExpired) expired();
    }
  }, REFRESH_DELAY_MS);
}

/** @param {Portal} portal */
async function loadDashboard(portal) {
  const { viewer } = await graphql(DASHBOARD, {
    locale: portal.locale,
    pageSize: portal.pageSize,
    subscriptions: portal.can('SUBSCRIPTIONS_READ'),
    invoices: portal.can('INVOICES_READ'),
    history: portal.can('INVOICES_READ') && portal.capabilities.viewInvoices,
    paymentMethods: portal.can('PAYMENT_METHODS_READ'),
    details: portal.can('CUSTOMER_READ'),
    usage: portal.can('USAGE_READ'),
    credits: portal.can('CREDITS_READ'),
  });
  return viewer.customer;
}

/** @param {Portal} portal @param {PortalCustomer} customer */
function render(portal, customer) {
  if (customer.subscriptions) renderSubscriptions(portal, customer.subscriptions);
  void renderUsageAndCredit(portal, customer);
  void renderAttention(portal, customer);
  if (customer.upcomingInvoices) renderUpcoming(portal, customer.upcomingInvoices, customer.subscriptions ?? []);
  if (customer.invoices) renderInvoices(portal, customer.invoices, { first: true });
  if (customer.paymentMethods) {
    // Asked for together with the payment methods (the same `@include`).
    const lastRemovable = customer.capabilities?.removeLastPaymentMethod ?? false;
    renderPaymentMethods(portal, customer.paymentMethods, customer.defaultPaymentMethod ?? null, lastRemovable);
  }
  if (customer.email !== undefined) renderDetails(portal, customer);
}

/**
 * Usage and credit, for the customers who have them: their module is loaded only then, so a page without
 * metered plans or credit stays as light as before.
 * @param {Portal} portal @param {PortalCustomer} customer
 */
async function renderUsageAndCredit(portal, customer) {
  const subscriptions = customer.subscriptions ?? [];
  const metered = subscriptions.some((subscription) => subscription.items.some((item) => item.usage));
  const credits = customer.credits;
  const credited = Boolean(credits && (credits.balances.length || credits.grants.length));
  byId('usage').hidden ||= !metered;
  byId('credits').hidden ||= !credited;
  if (!metered && !credited) return;
  const { renderCredits, renderUsage } = await import('./usage.js');
  if (metered) renderUsage(portal, subscriptions);
  if (credits && credited) renderCredits(portal, credits);
}

/**
 * Branding and links from the portal configuration's business profile, and the way back to the product.
 * @param {{ headline: string | null, termsOfServiceUrl: string | null, privacyPolicyUrl: string | null }} profile
 * @param {string | null} returnUrl
 */
function brand(profile, returnUrl) {
  const headline = byId('headline');
  headline.textContent = profile.headline ?? '';
  headline.hidden = !profile.headline;
  link(byId('terms-link'), profile.termsOfServiceUrl);
  link(byId('privacy-link'), profile.privacyPolicyUrl);
  if (returnUrl) localStorage.setItem(RETURN_URL_KEY, returnUrl);
  returnLink(byId('return-link'), returnUrl);
}

/**
 * Point a link at the product, labelled with its host: "Return to app.example.com".
 * @param {HTMLElement} anchor
 * @param {string | null} url
 */
function returnLink(anchor, url) {
  const target = safeUrl(url);
  anchor.hidden = !target;
  if (!target) return;
  anchor.setAttribute('href', target.href);
  const label = anchor.querySelector('#return-label') ?? anchor;
  label.textContent = t('Return to {host}', { host: target.host });
}

/** @param {HTMLElement} anchor @param {string | null} url */
function link(anchor, url) {
  const target = safeUrl(url);
  anchor.hidden = !target;
  if (target) anchor.setAttribute('href', target.href);
}

/**
 * Only http(s) URLs become links: a `javascript:` URL in the configuration must not run here.
 * @param {string | null | undefined} url
 */
function safeUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * A portal link's flow (`?flow=subscription_cancel&subscription=sub_…`, `subscription_pause`, …) opens on its
 * step; the query is then dropped so that reloading shows the dashboard. What follows the step comes from the
 * session's own flow (`viewer.portalFlow`), never from the query, so a crafted URL cannot send the customer
 * elsewhere.
 * @param {Portal} portal
 * @param {URLSearchParams} params
 * @param {PortalFlowLink | null} linked the flow of the link that opened the session
 */
async function openDeepLink(portal, params, linked) {
  const flow = params.get('flow');
  const subscription = subscriptionsById.get(params.get('subscription') ?? '');
  history.replaceState(null, '', location.pathname);
  if (flow && linked && linked.type.toLowerCase() === flow) openedFlow = linked;
  const updates = flow === 'subscription_update' || flow === 'subscription_update_confirm';
  if (flow === 'subscription_cancel' && subscription?.actions.cancel.allowed) {
    (await import('./cancel.js')).openCancel(portal, subscription);
  } else if (flow === 'subscription_pause' && subscription?.actions.pause.allowed) {
    (await import('./pause.js')).openPause(portal, subscription);
  } else if (updates && subscription?.actions.changePlan.allowed) {
    (await import('./plan-change.js')).openPlanChange(portal, subscription, params.get('price'));
  } else if (flow === 'payment_method_update') {
    byId('payment-methods').scrollIntoView();
    byId('payment-methods-title').focus();
    if (!byId('add-card').hidden) (await import('./add-card.js')).openAddCard(portal);
  } else {
    openedFlow = null; // the step is not open: nothing of this page completes it
  }
}

/** @param {FlowStep} step @param {PortalFlowLink} flow */
function completes(step, flow) {
  return flow.type === step || (step === 'SUBSCRIPTION_UPDATE' && flow.type === 'SUBSCRIPTION_UPDATE_CONFIRM');
}

/**
 * Stripe's `hosted_confirmation`: the step is done; say so (with the merchant's message) in place of the
 * dashboard, with the way back to the product and to the billing details.
 * @param {string} message
 */
function confirmDone(message) {
  for (const dialog of document.querySelectorAll('dialog[open]')) /** @type {HTMLDialogElement} */ (dialog).close();
  /** @type {HTMLElement[]} */
  const shown = [];
  for (const section of document.querySelectorAll('main > section:not([hidden])')) {
    if (section instanceof HTMLElement) {
      section.hidden = true;
      shown.push(section);
    }
  }
  byId('status').textContent = '';
  byId('confirmation-message').textContent = message;
  byId('confirmation').hidden = false;
  byId('confirmation-title').focus();
  byId('confirmation-home').onclick = () => {
    byId('confirmation').hidden = true;
    for (const section of shown) section.hidden = false;
    byId('main').focus();
  };
}

/**
 * An expired session shows the way back; an outage is explained where the dashboard would be, or in the
 * status line once it is shown. A bug in the page is logged for developers, not shown to customers.
 * @param {unknown} error
 */
function fail(error) {
  const loading = !byId('loading').hidden;
  byId('main').removeAttribute('aria-busy');
  byId('loading').hidden = true;
  for (const dialog of document.querySelectorAll('dialog[open]')) /** @type {HTMLDialogElement} */ (dialog).close();
  if (error instanceof SessionExpired) {
    expired();
    return;
  }
  if (!(error instanceof ApiError)) console.error(error);
  const message = error instanceof ApiError ? error.message : t('Something went wrong on this page. Reload it to try again.');
  const reference = error instanceof ApiError && error.requestId ? t(' (reference {id})', { id: error.requestId }) : '';
  if (loading) {
    byId('failure-message').textContent = `${message}${reference}`;
    byId('failure').hidden = false;
  } else {
    announce(`${message}${reference}`, 'error');
  }
}

/** The session is gone: hide the customer's data and offer the way back to the product. */
function expired() {
  for (const section of document.querySelectorAll('main > section')) /** @type {HTMLElement} */ (section).hidden = true;
  byId('status').textContent = '';
  const url = safeUrl(localStorage.getItem(RETURN_URL_KEY));
  const back = byId('expired-return');
  if (url) {
    back.setAttribute('href', url.href);
    back.textContent = t('Go back to {host}', { host: url.host });
  } else {
    back.parentElement?.replaceChildren(t('Go back to the application and open billing again.'));
  }
  byId('expired').hidden = false;
  byId('expired-title').focus();
  document.title = t('Link expired');
}

// Actions run from event listeners; their failures (an expired session, an outage) all end up here.
window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  fail(event.reason);
});
byId('retry').addEventListener('click', () => location.reload());
start();
