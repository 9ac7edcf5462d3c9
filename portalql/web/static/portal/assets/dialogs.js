// Modal dialogs and the user errors shown in them. Native <dialog> gives the focus trap, Escape and the
// inert page behind it; this adds where focus goes on open and close, and errors next to their controls.

import { byId } from './dom.js';

// Buttons marked `data-close` close their dialog. This module loads with the first dialog that opens.
for (const button of document.querySelectorAll('dialog [data-close]')) {
  button.addEventListener('click', () => button.closest('dialog')?.close());
}

/**
 * Open a dialog, focusing `initial` (else its first control). On close, focus returns to the control that
 * opened it, or to `fallback` when a re-render replaced that control.
 * @param {HTMLDialogElement} dialog
 * @param {{ initial?: HTMLElement | null, fallback?: HTMLElement }} [options]
 */
export function openDialog(dialog, { initial = null, fallback } = {}) {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  clearErrors(dialog);
  dialog.addEventListener(
    'close',
    () => {
      const target = opener?.isConnected ? opener : fallback;
      target?.focus();
    },
    { once: true },
  );
  dialog.showModal();
  const first = initial ?? dialog.querySelector('input:not([disabled]), textarea, select, button:not([data-close])');
  if (first instanceof HTMLElement) first.focus();
}


/** @param {ParentNode} scope */
export function clearErrors(scope) {
  for (const slot of scope.querySelectorAll('[data-error-for]')) slot.textContent = '';
  for (const control of scope.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

/**
 * An error's input path without the leading `input`: `["input", "address", "postalCode"]` → `address.postalCode`.
 * @param {import('./api.js').UserError} error
 */
function fieldPath(error) {
  const field = error.field ?? [];
  return (field[0] === 'input' ? field.slice(1) : field).join('.');
}

/**
 * Show each user error next to the control it concerns: the slot whose `data-error-for` is the error's
 * field path (`address.postalCode`), else the dialog-wide slot (an alert). The first control in error
 * gets focus.
 * @param {ParentNode} scope
 * @param {import('./api.js').UserError[]} errors
 */
export function showErrors(scope, errors) {
  clearErrors(scope);
  /** @type {HTMLElement | null} */
  let focusTarget = null;
  for (const error of errors) {
    const path = fieldPath(error);
    const slot = scope.querySelector(`[data-error-for="${CSS.escape(path)}"]`) ?? scope.querySelector('[data-error-for=""]');
    if (!slot) continue;
    slot.textContent = slot.textContent ? `${slot.textContent} ${error.message}` : error.message;
    const control = path ? scope.querySelector(`[data-field="${CSS.escape(path)}"]`) : null;
    if (control instanceof HTMLElement) {
      control.setAttribute('aria-invalid', 'true');
      focusTarget ??= control;
    }
  }
  focusTarget?.focus();
}

/**
 * Ask a yes/no question; resolves after `action` succeeded (true) or the customer backed out (false).
 * `action` returns the user errors to show, or none when it is done.
 * @param {{ title: string, message: string, confirm: string, action: () => Promise<import('./api.js').UserError[]> }} question
 * @returns {Promise<boolean>}
 */
export function confirmAction({ title, message, confirm, action }) {
  const dialog = /** @type {HTMLDialogElement} */ (byId('confirm-dialog'));
  const form = /** @type {HTMLFormElement} */ (byId('confirm-form'));
  const submit = /** @type {HTMLButtonElement} */ (byId('confirm-submit'));
  byId('confirm-dialog-title').textContent = title;
  byId('confirm-message').textContent = message;
  submit.textContent = confirm;
  return new Promise((resolve) => {
    let done = false;
    /** @param {SubmitEvent} event */
    const onSubmit = async (event) => {
      event.preventDefault();
      submit.disabled = true;
      // A failure (an expired session, an outage) propagates to the page's handler, which closes dialogs.
      try {
        const errors = await action();
        if (errors.length) {
          showErrors(form, errors);
          return;
        }
        done = true;
        dialog.close();
      } finally {
        submit.disabled = false;
      }
    };
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener(
      'close',
      () => {
        form.removeEventListener('submit', onSubmit);
        resolve(done);
      },
      { once: true },
    );
    openDialog(dialog, { initial: submit });
  });
}
