// Usage-billed plans: this period's usage against the price's tiers, what it costs if usage stopped now,
// a daily chart the page draws itself (SVG, with the same numbers as a table), and the customer's credit
// with the grants that run out. Usage sends no webhook, so each part says when Stripe computed it.

import { ApiError, graphql } from './api.js';
import { byId, h, withNodes } from './dom.js';
import { formatDate, formatShortDate } from './format.js';
import { t } from './i18n.js';
import { USAGE_TIMELINE } from './queries.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAY_MS = 86_400_000;
// Stripe summarises at most 100 steps in one call; the API refuses longer timelines.
const MAX_DAYS = 100;
const CHART = { width: 640, height: 200, top: 16, bottom: 28, left: 8, right: 8 };
// A grant with credit left that expires within this many days is pointed out.
const EXPIRING_DAYS = 30;

/**
 * @param {import('./app.js').Portal} portal
 * @param {PortalSubscription[]} subscriptions
 */
export function renderUsage(portal, subscriptions) {
  const metered = subscriptions.flatMap((subscription) => subscription.items.filter((item) => item.usage && item.meter));
  byId('usage-list').replaceChildren(...metered.map((item) => meterBlock(portal, item)));
  byId('usage').hidden = metered.length === 0;
}

/** @param {import('./app.js').Portal} portal @param {PortalItem} item */
function meterBlock(portal, item) {
  const usage = /** @type {PortalPeriodUsage} */ (item.usage);
  const name = item.meter?.displayName ?? t('Usage');
  const id = `usage-${item.id}`;
  const chart = h('div', { class: 'usage-chart', id: `${id}-chart` }, h('p', { class: 'loading' }, t('Loading daily usage…')));
  const block = h('article', { class: 'usage-item', 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, name),
    h('p', { class: 'usage-total' }, withNodes(
      t('{quantity} used since {date}', { date: formatShortDate(usage.periodStart, portal.locale) }),
      { quantity: h('strong', {}, count(usage.quantity, portal.locale)) })),
    h('p', { class: 'usage-projection' }, withNodes(
      t('If usage stopped now, this period would cost {charge}, billed on {date}.', { date: formatDate(usage.periodEnd, portal.locale) }),
      { charge: h('strong', { class: 'usage-charge' }, usage.charge.formatted) })),
    tierTable(portal, item.price, usage.quantity, id),
    chart,
    h('p', { class: 'as-of' }, t('As of {time}; new usage can take a minute to show.', { time: formatTime(usage.asOf, portal.locale) })));
  void loadChart(portal, item, usage, chart, name);
  return block;
}

/**
 * The price's tiers, the one this period's total has reached marked.
 * @param {import('./app.js').Portal} portal
 * @param {PortalItem['price']} price
 * @param {number} quantity
 * @param {string} id
 */
function tierTable(portal, price, quantity, id) {
  const tiers = price.tiers ?? [];
  if (!tiers.length) return null;
  let below = 0;
  let reached = false;
  const rows = tiers.map((tier) => {
    const from = below + 1;
    const current = !reached && (tier.upTo === null || quantity <= tier.upTo);
    reached ||= current;
    const range = tier.upTo === null
      ? t('{from} and more', { from: count(from, portal.locale) })
      : t('{from} to {to}', { from: count(from, portal.locale), to: count(tier.upTo, portal.locale) });
    below = tier.upTo ?? below;
    return h('tr', { class: current ? 'current' : null, 'aria-current': current ? 'true' : null },
      h('th', { scope: 'row' }, range, current ? h('span', { class: 'tier-here' }, ' ', t('(this period)')) : null),
      h('td', {}, tier.unitAmount?.formatted ?? '—'),
      h('td', {}, tier.flatAmount?.formatted ?? '—'));
  });
  const how = price.tiersMode === 'VOLUME'
    ? t('Every unit costs the rate of the tier your total reaches.')
    : t('Each unit costs the rate of the tier it falls in.');
  return h('table', { class: 'tiers', 'aria-describedby': `${id}-tiers-how` },
    h('caption', {}, t('Price tiers')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('Units')), h('th', { scope: 'col' }, t('Per unit')), h('th', { scope: 'col' }, t('Flat fee')))),
    h('tbody', {}, rows),
    h('tfoot', {}, h('tr', {}, h('td', { colspan: 3, id: `${id}-tiers-how` }, how))));
}

/**
 * Read the item's usage per UTC day over its period so far, then draw it.
 * @param {import('./app.js').Portal} portal
 * @param {PortalItem} item
 * @param {PortalPeriodUsage} usage
 * @param {HTMLElement} container
 * @param {string} name
 */
async function loadChart(portal, item, usage, container, name) {
  // Stripe counts days in UTC: the chart runs from the period's first UTC day to today's (or the period's last).
  const end = utcDay(Math.min(Date.now(), Date.parse(usage.periodEnd) - 1)) + DAY_MS;
  const start = Math.max(utcDay(Date.parse(usage.periodStart)), end - MAX_DAYS * DAY_MS);
  try {
    const { viewer } = await graphql(USAGE_TIMELINE, {
      meter: /** @type {{ id: string }} */ (item.meter).id,
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
    });
    const timeline = /** @type {PortalUsageTimeline} */ (viewer.customer.usage);
    container.replaceChildren(barChart(portal, name, timeline.points, item.id), dataTable(portal, name, timeline.points));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    container.replaceChildren(h('p', { class: 'empty' }, t('Daily usage is not available right now ({reason}).', { reason: error.message })));
  }
}

/**
 * A bar per day, labelled for screen readers as a whole (title and summary) and bar by bar.
 * @param {import('./app.js').Portal} portal
 * @param {string} name
 * @param {PortalUsagePoint[]} points
 * @param {string} id
 */
function barChart(portal, name, points, id) {
  const max = Math.max(1, ...points.map((point) => point.value));
  const busiest = points.reduce((best, point) => (point.value > best.value ? point : best), points[0]);
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const slot = plotWidth / Math.max(1, points.length);
  const day = (/** @type {string} */ iso) => formatShortDate(iso, portal.locale);
  const svg = svgElement('svg', {
    viewBox: `0 0 ${CHART.width} ${CHART.height}`, class: 'bars', role: 'img',
    'aria-labelledby': `${id}-chart-title ${id}-chart-desc`,
  });
  svg.append(
    svgElement('title', { id: `${id}-chart-title` }, t('{meter} per day', { meter: name })),
    svgElement('desc', { id: `${id}-chart-desc` }, points.length
      ? t('{first} to {last}; the busiest day was {day} with {count}.', {
        first: day(points[0].start), last: day(points[points.length - 1].start), day: day(busiest.start),
        count: count(busiest.value, portal.locale),
      })
      : t('No usage yet.')),
    svgElement('line', { class: 'axis', x1: CHART.left, x2: CHART.width - CHART.right, y1: CHART.top + plotHeight, y2: CHART.top + plotHeight }),
    svgElement('text', { class: 'label', x: CHART.left, y: CHART.top - 4 }, t('{count} a day at most', { count: count(max, portal.locale) })),
  );
  points.forEach((point, index) => {
    const height = (point.value / max) * plotHeight;
    const bar = svgElement('rect', {
      class: 'bar', x: CHART.left + index * slot + slot * 0.15, width: Math.max(1, slot * 0.7),
      y: CHART.top + plotHeight - height, height,
    });
    bar.append(svgElement('title', {}, `${day(point.start)}: ${count(point.value, portal.locale)}`));
    svg.append(bar);
  });
  for (const index of new Set([0, points.length - 1])) {
    if (!points[index]) continue;
    const anchor = index === 0 ? 'start' : 'end';
    const x = index === 0 ? CHART.left : CHART.width - CHART.right;
    svg.append(svgElement('text', { class: 'label', x, y: CHART.height - 8, 'text-anchor': anchor }, day(points[index].start)));
  }
  return svg;
}

/**
 * The chart's numbers as a table, for screen readers and for reading exact values.
 * @param {import('./app.js').Portal} portal
 * @param {string} name
 * @param {PortalUsagePoint[]} points
 */
function dataTable(portal, name, points) {
  return h('details', { class: 'usage-table' },
    h('summary', {}, t('Show daily usage as a table')),
    h('table', {},
      h('caption', { class: 'visually-hidden' }, t('{meter} per day', { meter: name })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Day')), h('th', { scope: 'col' }, name))),
      h('tbody', {}, points.map((point) =>
        h('tr', {}, h('th', { scope: 'row' }, formatDate(point.start, portal.locale)), h('td', {}, count(point.value, portal.locale)))))));
}

/**
 * The credit balance, and each grant with what is left and when it runs out.
 * @param {import('./app.js').Portal} portal
 * @param {PortalCredits} credits
 */
export function renderCredits(portal, credits) {
  // Spent grants are history; one whose remainder is unknown (a long ledger) is shown.
  const grants = credits.grants.filter((grant) => (grant.remaining?.amount ?? 1) > 0);
  const section = byId('credits');
  section.hidden = credits.balances.length === 0 && grants.length === 0;
  if (section.hidden) return;
  byId('credit-balances').replaceChildren(...credits.balances.map((balance) => {
    const pending = (balance.pending.amount ?? 0) > 0 ? balance.pending.formatted : null;
    const text = pending
      ? t('{amount} of credit pays your usage before your card is charged, and {pending} more starts later.', { pending })
      : t('{amount} of credit pays your usage before your card is charged.');
    return h('p', { class: 'credit-balance' }, withNodes(text, { amount: h('strong', {}, balance.available.formatted) }));
  }));
  byId('credit-grants').replaceChildren(...grants.map((grant) => grantRow(portal, grant)));
  byId('credits-as-of').textContent = t('As of {time}.', { time: formatTime(credits.asOf, portal.locale) });
}

/** @param {import('./app.js').Portal} portal @param {PortalCreditGrant} grant */
function grantRow(portal, grant) {
  const left = grant.remaining
    ? t('{remaining} left of {amount}', { remaining: grant.remaining.formatted, amount: grant.amount.formatted })
    : grant.amount.formatted;
  const expires = grant.expiresAt ? Date.parse(grant.expiresAt) : null;
  const expiring = expires !== null && grant.usable && (grant.remaining?.amount ?? 1) > 0
    && expires - Date.now() < EXPIRING_DAYS * DAY_MS;
  let when = grant.expiresAt ? t('expires on {date}', { date: formatDate(grant.expiresAt, portal.locale) }) : t('does not expire');
  if (!grant.usable && grant.effectiveAt && Date.parse(grant.effectiveAt) > Date.now()) {
    when = t('starts on {date}', { date: formatDate(grant.effectiveAt, portal.locale) });
  }
  return h('li', { class: expiring ? 'expiring' : null },
    h('span', {}, h('strong', {}, grant.name ?? t('Credit')), ' ', grant.category === 'PROMOTIONAL' ? t('(promotional)') : t('(paid)')),
    h('span', {}, left),
    h('span', { class: 'when' }, expiring ? h('strong', {}, when) : when));
}

/** @param {number} at a Unix time in milliseconds */
function utcDay(at) {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** @param {number} value @param {string} locale */
function count(value, locale) {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/** @param {string | null} iso @param {string} locale */
function formatTime(iso, locale) {
  if (!iso) return t('just now');
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/**
 * An SVG element with attributes (never a style attribute: the page's policy allows no inline style).
 * @param {string} tag
 * @param {Record<string, string | number>} attributes
 * @param {string} [text]
 * @returns {SVGElement}
 */
function svgElement(tag, attributes, text) {
  const element = /** @type {SVGElement} */ (document.createElementNS(SVG, tag));
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}
