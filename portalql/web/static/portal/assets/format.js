// Dates and billing intervals for people. Money comes formatted from the API (`Money.formatted`).

/** @type {Record<string, [string, string]>} */
const UNITS = { DAY: ['day', 'days'], WEEK: ['week', 'weeks'], MONTH: ['month', 'months'], YEAR: ['year', 'years'] };

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
  if (!recurring) return 'once';
  const [one, many] = UNITS[recurring.interval] ?? [recurring.interval.toLowerCase(), recurring.interval.toLowerCase()];
  return recurring.intervalCount === 1 ? `per ${one}` : `every ${recurring.intervalCount} ${many}`;
}

/**
 * "1 month", "3 months", "2 weeks".
 * @param {{ interval: string, intervalCount: number }} duration
 */
export function durationText(duration) {
  const [one, many] = UNITS[duration.interval] ?? [duration.interval.toLowerCase(), duration.interval.toLowerCase()];
  return `${duration.intervalCount} ${duration.intervalCount === 1 ? one : many}`;
}

/**
 * "$30.00 per month", "$8.00 × 5 per month", "By usage, per month".
 * @param {Pick<PortalPrice, 'unitAmount' | 'recurring'>} price
 * @param {number} [quantity]
 */
export function priceText(price, quantity = 1) {
  if (price.recurring?.usageType === 'METERED') return `By usage, billed ${perInterval(price.recurring)}`;
  const amount = price.unitAmount?.formatted ?? 'Custom pricing';
  return `${amount}${quantity > 1 ? ` × ${quantity}` : ''} ${perInterval(price.recurring)}`;
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
 * The locale to format for: the session's, else the customer's preferred one, else the browser's;
 * one that Intl cannot use falls back to the next.
 * @param {(string | null | undefined)[]} candidates
 */
export function pickLocale(candidates) {
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      return Intl.getCanonicalLocales(candidate)[0];
    } catch {
      // Not a BCP 47 tag: try the next one.
    }
  }
  return 'en';
}
