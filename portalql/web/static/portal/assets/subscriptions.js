// The customer's plans: what they pay, when they renew, trial and cancellation state, and the actions the
// API says the portal allows on each (`actions`). The dialogs those actions open load when opened.

import { mutate } from './api.js';
import { showErrors } from './dialogs.js';
import { announce, busy, byId, h } from './dom.js';
import { formatDate, planName, priceText } from './format.js';
import { N_, t } from './i18n.js';
import { REACTIVATE_SUBSCRIPTION } from './mutations.js';

/** @type {Record<string, string>} */
const STATUS_LABELS = {
  INCOMPLETE: N_('Payment needed'), PAST_DUE: N_('Past due'), UNPAID: N_('Unpaid'), PAUSED: N_('Paused'),
  TRIALING: N_('Trial'),
};

/**
 * Subscriptions as last rendered, for deep links to find by id.
 * @type {Map<string, PortalSubscription>}
 */
export const subscriptionsById = new Map();

/**
 * @param {import('./app.js').Portal} portal
 * @param {PortalSubscription[]} subscriptions
 */
export function renderSubscriptions(portal, subscriptions) {
  subscriptionsById.clear();
  for (const subscription of subscriptions) subscriptionsById.set(subscription.id, subscription);
  const list = byId('subscription-list');
  list.replaceChildren(
    ...(subscriptions.length
      ? subscriptions.map((subscription) => card(portal, subscription))
      : [h('p', { class: 'empty' }, t('You have no current plan.'))]),
  );
  byId('subscriptions').hidden = false;
}

/** @param {import('./app.js').Portal} portal @param {PortalSubscription} subscription */
function card(portal, subscription) {
  const name = planName(subscription);
  const status = STATUS_LABELS[subscription.status] && t(STATUS_LABELS[subscription.status]);
  return h(
    'article',
    { class: 'plan', 'aria-labelledby': `plan-${subscription.id}`, 'data-subscription': subscription.id },
    h(
      'div',
      { class: 'plan-head' },
      h('h3', { id: `plan-${subscription.id}` }, name),
      status ? h('span', { class: `badge ${subscription.status.toLowerCase()}` }, status) : null,
      subscription.scheduledToCancel ? h('span', { class: 'badge canceling' }, t('Cancels')) : null,
      subscription.pause ? h('span', { class: 'badge paused' }, t('Paused')) : null,
    ),
    h(
      'ul',
      { class: 'plan-items' },
      subscription.items.map((item) =>
        h('li', {}, subscription.items.length > 1
          ? t('{product}: {price}', { product: item.price.product.name, price: priceText(item.price, item.quantity) })
          : priceText(item.price, item.quantity)),
      ),
    ),
    h('p', { class: 'plan-state' }, stateText(portal, subscription)),
    h('p', { class: 'field-error', 'data-error-for': '' }),
    actions(portal, subscription, name),
  );
}

/** @param {import('./app.js').Portal} portal @param {PortalSubscription} subscription */
function stateText(portal, subscription) {
  const date = (/** @type {string | null} */ iso) => formatDate(iso, portal.locale);
  if (subscription.scheduledToCancel) {
    return t('Your plan will be canceled on {date}.', { date: date(subscription.cancelAt ?? subscription.currentPeriodEnd) });
  }
  if (subscription.changeScheduled) return t('Your plan changes on {date}.', { date: date(subscription.currentPeriodEnd) });
  if (subscription.status === 'TRIALING' && subscription.trialEnd) {
    return t('Your trial ends on {date}; billing starts then.', { date: date(subscription.trialEnd) });
  }
  if (subscription.status === 'PAST_DUE' || subscription.status === 'UNPAID') {
    return t('Your last payment failed. Make sure your default payment method is up to date.');
  }
  if (subscription.status === 'INCOMPLETE') return t('Your first payment has not gone through yet.');
  if (subscription.pause) return pausedText(portal, subscription.pause);
  if (subscription.status === 'PAUSED') return t('Your plan is paused.');
  return subscription.currentPeriodEnd ? t('Renews on {date}.', { date: date(subscription.currentPeriodEnd) }) : '';
}

/**
 * "Paused until March 6, resumes at $30.00."
 * @param {import('./app.js').Portal} portal
 * @param {NonNullable<PortalSubscription['pause']>} pause
 */
function pausedText(portal, pause) {
  const amount = pause.renewalCharge?.formatted;
  if (!pause.resumesAt) {
    return amount ? t('Paused until you resume, then {amount} per renewal.', { amount }) : t('Paused until you resume.');
  }
  const date = formatDate(pause.resumesAt, portal.locale);
  return amount ? t('Paused until {date}, resumes at {amount}.', { date, amount }) : t('Paused until {date}.', { date });
}

/** @param {import('./app.js').Portal} portal @param {PortalSubscription} subscription @param {string} name */
function actions(portal, subscription, name) {
  const writable = portal.can('SUBSCRIPTIONS_WRITE');
  const { changePlan, cancel, reactivate: renewal, pause, resume: resumption } = subscription.actions;
  const forPlan = h('span', { class: 'visually-hidden' }, ` ${name}`);
  const buttons = [];
  if (writable && renewal.allowed) {
    const renew = (/** @type {MouseEvent} */ event) =>
      reactivate(portal, subscription, /** @type {HTMLButtonElement} */ (event.currentTarget));
    buttons.push(h('button', { type: 'button', class: 'button primary', onclick: renew }, t('Renew plan'), forPlan.cloneNode(true)));
  }
  if (writable && changePlan.allowed) {
    const change = async () => (await import('./plan-change.js')).openPlanChange(portal, subscription);
    buttons.push(h('button', { type: 'button', class: 'button primary', onclick: change },
      t('Change plan'), forPlan.cloneNode(true)));
  }
  if (writable && resumption.allowed) {
    const resumeNow = async (/** @type {MouseEvent} */ event) => {
      const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
      (await import('./pause.js')).resume(portal, subscription, button);
    };
    buttons.push(h('button', { type: 'button', class: 'button primary', onclick: resumeNow }, t('Resume now'), forPlan.cloneNode(true)));
  }
  if (writable && pause.allowed) {
    const openPause = async () => (await import('./pause.js')).openPause(portal, subscription);
    buttons.push(h('button', { type: 'button', class: 'button', onclick: openPause }, t('Pause plan'), forPlan.cloneNode(true)));
  }
  if (writable && cancel.allowed) {
    const openCancel = async () => (await import('./cancel.js')).openCancel(portal, subscription);
    buttons.push(h('button', { type: 'button', class: 'button', onclick: openCancel }, t('Cancel plan'), forPlan.cloneNode(true)));
  }
  return buttons.length ? h('div', { class: 'actions' }, buttons) : null;
}

/**
 * Take back a scheduled cancellation.
 * @param {import('./app.js').Portal} portal
 * @param {PortalSubscription} subscription
 * @param {HTMLButtonElement} button
 */
async function reactivate(portal, subscription, button) {
  const payload = await busy(button, () =>
    mutate(REACTIVATE_SUBSCRIPTION, 'reactivateSubscription', { subscriptionId: subscription.id }),
  );
  if (payload.userErrors.length) {
    const article = button.closest('article');
    if (article) showErrors(article, payload.userErrors);
    announce(payload.userErrors[0].message, 'error');
    return;
  }
  const renews = formatDate(payload.subscription.currentPeriodEnd, portal.locale);
  await portal.reload(t('Your {plan} plan will renew on {date}.', { plan: planName(subscription), date: renews }));
  byId('subscriptions-title').focus();
}
