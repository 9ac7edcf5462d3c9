// Small DOM helpers: elements are built with text nodes only, so no API value is ever parsed as HTML.

/**
 * Create an element. `on…` attributes become listeners, `true` becomes an empty attribute, and
 * `null`/`false` attributes and children are skipped.
 * @param {string} tag
 * @param {Record<string, any>} [attributes] `any`: attributes, properties and handlers of any element
 * @param {...(Node | string | null | false | undefined | (Node | string | null | false | undefined)[])} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) element.append(child);
  }
  return element;
}

/**
 * A translated message with elements in its `{name}` placeholders (a figure in bold), as children for `h`:
 * `withNodes(t('{amount} on {date}', { date }), { amount: h('strong', {}, total) })`. The words stay one
 * message, in the language's order.
 * @param {string} text what `t()` returned, the element placeholders left in it
 * @param {Record<string, Node>} nodes
 * @returns {(string | Node)[]}
 */
export function withNodes(text, nodes) {
  return text.split(/\{(\w+)\}/).map((part, index) => (index % 2 ? nodes[part] ?? `{${part}}` : part));
}

/**
 * The element with this id; a missing one is a bug in the page, not a state to handle.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

/**
 * Say something to everyone: shown in the status line and read out by screen readers.
 * @param {string} message
 * @param {'success' | 'error'} [tone]
 */
export function announce(message, tone = 'success') {
  const status = byId('status');
  status.dataset.tone = tone;
  // Clearing first makes a repeated message be read again.
  status.textContent = '';
  requestAnimationFrame(() => {
    status.textContent = message;
  });
}

/**
 * Disable a button while `work` runs, so that a double click cannot send a request twice.
 * @template T
 * @param {HTMLButtonElement} button
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
