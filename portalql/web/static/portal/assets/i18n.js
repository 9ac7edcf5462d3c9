// The page's words in the customer's language. The server chose the language (the session's, else the
// browser's) and wrote it on <html lang>; its catalog is the one JSON file the page links as `messages`.
// Every message is written in English where it is used (`t('Renews on {date}.', { date })`); one missing
// from the catalog is shown in English, whole. `python -m portalql.cli.messages update` extracts them.

/** @typedef {Record<string, string | Record<string, string>>} Messages */

/** @type {Messages} */
let messages = {};

/** The locale dates and numbers are formatted in: the same as the words, so a sentence never mixes two. */
export const locale = document.documentElement.lang || 'en';
const plurals = new Intl.PluralRules(locale);

/** Fetch the catalog the page links (none for English). */
export async function loadMessages() {
  const link = document.querySelector('link[rel="preload"][as="fetch"][data-messages]');
  if (!(link instanceof HTMLLinkElement)) return;
  const response = await fetch(link.href, { credentials: 'same-origin' });
  if (response.ok) messages = (await response.json()).messages;
}

/**
 * A message in the page's language, with `{name}` placeholders filled in.
 * @param {string} message the English text
 * @param {Record<string, string | number>} [params]
 */
export function t(message, params = {}) {
  const translated = messages[message];
  return fill(typeof translated === 'string' ? translated : message, params);
}

/**
 * A message that depends on a count, in the form CLDR's plural rules pick for the language.
 * @param {string} one the English singular
 * @param {string} other the English plural
 * @param {number} n the count, also `{n}` in the text
 * @param {Record<string, string | number>} [params]
 */
export function tn(one, other, n, params = {}) {
  const forms = messages[one];
  const english = n === 1 ? one : other;
  const text = typeof forms === 'object' ? forms[plurals.select(n)] ?? forms.other ?? english : english;
  return fill(text, { n: new Intl.NumberFormat(locale).format(n), ...params });
}

/**
 * Mark an English message for extraction where it is only looked up later (a table of labels).
 * @param {string} message
 */
export function N_(message) {
  return message;
}

/** @param {string} text @param {Record<string, string | number>} params */
function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}
