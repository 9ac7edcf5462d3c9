// Dates and billing intervals for people. Money comes formatted from the API (`Money.formatted`).

import { locale, t, tn } from './i18n.js';

/**
 * @param {string | null | undefined} iso an API `DateTime`
 * @param {string} locale
 */
export function formatDate(iso, locale) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(iso));
}

/** @param {string | null | undefined} iso @param {string} locale */
export function formatShortDate(iso, locale) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
}

/**
 * "per month", "every 3 months".
 * @param {{ interval: string, intervalCount: number } | null | undefined} recurring
 */
export function perInterval(recurring) {
  if (!recurring) return t('once');
  const n = recurring.intervalCount;
  switch (recurring.interval) {
    case 'DAY': return n === 1 ? t('per day') : tn('every {n} day', 'every {n} days', n);
    case 'WEEK': return n === 1 ? t('per week') : tn('every {n} week', 'every {n} weeks', n);
    case 'MONTH': return n === 1 ? t('per month') : tn('every {n} month', 'every {n} months', n);
    default: return n === 1 ? t('per year') : tn('every {n} year', 'every {n} years', n);
  }
}

/**
 * "1 month", "3 months", "2 weeks".
 * @param {{ interval: string, intervalCount: number }} duration
 */
export function durationText(duration) {
  const n = duration.intervalCount;
  switch (duration.interval) {
    case 'DAY': return tn('{n} day', '{n} days', n);
    case 'WEEK': return tn('{n} week', '{n} weeks', n);
    case 'MONTH': return tn('{n} month', '{n} months', n);
    default: return tn('{n} year', '{n} years', n);
  }
}

/**
 * "$30.00 per month", "$8.00 × 5 per month", "By usage, per month".
 * @param {Pick<PortalPrice, 'unitAmount' | 'recurring'>} price
 * @param {number} [quantity]
 */
export function priceText(price, quantity = 1) {
  if (price.recurring?.usageType === 'METERED') return t('By usage, billed {interval}', { interval: perInterval(price.recurring) });
  const amount = price.unitAmount?.formatted ?? t('Custom pricing');
  const interval = perInterval(price.recurring);
  return quantity > 1
    ? t('{amount} × {quantity} {interval}', { amount, quantity, interval })
    : t('{amount} {interval}', { amount, interval });
}

/**
 * "Pro", or "Business + Additional seat" for a subscription of several items.
 * @param {{ items: { price: PortalPrice }[] }} subscription
 */
export function planName(subscription) {
  return subscription.items.map((item) => item.price.product.name).join(' + ');
}

/** "Visa", "Mastercard", "American Express". */
const BRANDS = /** @type {Record<string, string>} */ ({
  amex: 'American Express', diners: 'Diners Club', discover: 'Discover', jcb: 'JCB', mastercard: 'Mastercard',
  unionpay: 'UnionPay', visa: 'Visa',
});

/** @param {string} brand */
export function brandName(brand) {
  return BRANDS[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}

/**
 * What an invoice line bills for, in the page's language, from the line's data rather than Stripe's English
 * description: "Remaining time on Pro after December 6, 2026", "Unused time on 2 × Seat …", "2 × Pro". A line
 * not made from a product keeps its description as Stripe (or the merchant) wrote it.
 * @param {PortalLine} line
 */
export function lineDescription(line) {
  const name = line.product?.name;
  if (!name) return line.description ?? '';
  const quantity = line.quantity ?? 1;
  const date = formatDate(line.periodStart, locale);
  if (line.proration) {
    const product = quantity > 1 ? t('{quantity} × {product}', { quantity, product: name }) : name;
    return line.amount.amount < 0
      ? t('Unused time on {product} after {date}', { product, date })
      : t('Remaining time on {product} after {date}', { product, date });
  }
  return t('{quantity} × {product}', { quantity, product: name });
}
