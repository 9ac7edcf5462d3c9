// A stand-in for Stripe.js v3 (https://js.stripe.com/v3/), served by the sandbox at /v3/. It implements the
// part of Stripe.js's API a card form needs, with Stripe.js's names and result shapes:
//   Stripe(publishableKey) -> { elements, confirmCardSetup, confirmCardPayment, handleCardAction, handleNextAction }
//   elements().create('card') -> { mount, unmount, destroy, focus, clear, on, off }
// and sends Stripe.js's requests (form-encoded, the publishable key as `key`, the intent's `client_secret`)
// to the origin it was loaded from. The card element is a plain number/expiry/CVC form in the page, styled
// through the CSS object model so that a strict Content-Security-Policy allows it. When an intent needs
// 3-D Secure, a modal frame shows the sandbox's test page ("Complete" / "Fail"), as Stripe's test mode does.
(() => {
  'use strict';
  const API = new URL(document.currentScript.src).origin;

  // -- requests ----------------------------------------------------------------------------------------

  function encode(params, prefix, out) {
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined || value === null) continue;
      const key = prefix ? `${prefix}[${name}]` : name;
      if (typeof value === 'object') encode(value, key, out);
      else out.append(key, String(value));
    }
    return out;
  }

  async function request(method, path, params) {
    const body = encode(params, '', new URLSearchParams());
    const url = method === 'GET' ? `${API}${path}?${body}` : `${API}${path}`;
    let response;
    try {
      response = await fetch(url, { method, body: method === 'GET' ? undefined : body });
    } catch {
      return { error: { type: 'api_connection_error', message: 'We could not reach Stripe. Check your connection and try again.' } };
    }
    const json = await response.json();
    return response.ok ? { object: json } : { error: json.error };
  }

  const intentId = (clientSecret) => String(clientSecret).split('_secret_')[0];
  const isSetup = (clientSecret) => String(clientSecret).startsWith('seti_');

  // -- the card element --------------------------------------------------------------------------------

  const INPUT_STYLE = {
    font: 'inherit', fontSize: '16px', padding: '10px 12px', border: '0', outline: 'none',
    background: 'transparent', color: 'inherit', minWidth: '0', boxSizing: 'border-box',
  };

  const digits = (text) => text.replace(/\D/g, '');

  function luhn(number) {
    let sum = 0;
    [...number].reverse().forEach((char, index) => {
      let digit = Number(char);
      if (index % 2) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    });
    return sum % 10 === 0;
  }

  function validationError(code, message) {
    return { type: 'validation_error', code, message };
  }

  class CardElement {
    constructor() {
      this.elementType = 'card';
      this.listeners = {};
      this.root = null;
      this.inputs = {};
    }

    mount(target) {
      const container = typeof target === 'string' ? document.querySelector(target) : target;
      if (!container) throw new Error('IntegrationError: the element to mount the card element in was not found.');
      const root = document.createElement('div');
      root.className = 'StripeElement';
      Object.assign(root.style, { display: 'flex', alignItems: 'center', width: '100%' });
      const make = (name, label, placeholder, autocomplete, flex) => {
        const input = document.createElement('input');
        Object.assign(input, { name, placeholder, autocomplete, inputMode: 'numeric', spellcheck: false });
        input.setAttribute('aria-label', label);
        Object.assign(input.style, INPUT_STYLE, { flex });
        input.addEventListener('input', () => this.changed(name));
        input.addEventListener('focus', () => this.emit('focus', { elementType: 'card' }));
        input.addEventListener('blur', () => this.emit('blur', { elementType: 'card' }));
        root.append(input);
        this.inputs[name] = input;
      };
      make('cardnumber', 'Card number', '1234 1234 1234 1234', 'cc-number', '1 1 12em');
      make('exp-date', 'Expiration date (MM / YY)', 'MM / YY', 'cc-exp', '0 0 6.5em');
      make('cvc', 'Security code (CVC)', 'CVC', 'cc-csc', '0 0 4.5em');
      container.replaceChildren(root);
      this.root = root;
      queueMicrotask(() => this.emit('ready', { elementType: 'card' }));
      return this;
    }

    unmount() {
      this.root?.remove();
      this.root = null;
    }

    destroy() {
      this.unmount();
      this.listeners = {};
    }

    focus() {
      this.inputs.cardnumber?.focus();
    }

    clear() {
      for (const input of Object.values(this.inputs)) input.value = '';
      this.changed('');
    }

    on(event, handler) {
      (this.listeners[event] ??= []).push(handler);
      return this;
    }

    off(event, handler) {
      this.listeners[event] = handler ? (this.listeners[event] ?? []).filter((each) => each !== handler) : [];
      return this;
    }

    emit(event, payload) {
      for (const handler of this.listeners[event] ?? []) handler(payload);
    }

    changed(field) {
      const { cardnumber, cvc } = this.inputs;
      const expiry = this.inputs['exp-date'];
      if (field === 'cardnumber') cardnumber.value = digits(cardnumber.value).slice(0, 19).replace(/(\d{4})(?=\d)/g, '$1 ');
      if (field === 'exp-date') {
        const d = digits(expiry.value).slice(0, 4);
        expiry.value = d.length > 2 ? `${d.slice(0, 2)} / ${d.slice(2)}` : d;
      }
      if (field === 'cvc') cvc.value = digits(cvc.value).slice(0, 4);
      const state = this.state();
      this.emit('change', {
        elementType: 'card', empty: state.empty, complete: !state.error, error: state.shown,
        brand: state.brand, value: { postalCode: '' },
      });
    }

    // What was typed, and the first problem with it (`shown` is only what Stripe.js shows while typing:
    // an invalid value, not an incomplete one).
    state() {
      const number = digits(this.inputs.cardnumber?.value ?? '');
      const [month, year] = [digits(this.inputs['exp-date']?.value ?? '').slice(0, 2), digits(this.inputs['exp-date']?.value ?? '').slice(2)];
      const cvc = digits(this.inputs.cvc?.value ?? '');
      const brand = /^3[47]/.test(number) ? 'amex' : /^(5[1-5]|2)/.test(number) ? 'mastercard' : number.startsWith('4') ? 'visa' : 'unknown';
      const length = brand === 'amex' ? 15 : 16;
      const now = new Date();
      const expiryPast = year.length === 2 && (2000 + Number(year) < now.getFullYear()
        || (2000 + Number(year) === now.getFullYear() && Number(month) < now.getMonth() + 1));
      let error = null;
      let shown;
      if (number.length < length) error = validationError('incomplete_number', 'Your card number is incomplete.');
      else if (!luhn(number)) shown = error = validationError('invalid_number', 'Your card number is invalid.');
      else if (month && (Number(month) < 1 || Number(month) > 12)) shown = error = validationError('invalid_expiry_month', "Your card's expiration date is invalid.");
      else if (expiryPast) shown = error = validationError('invalid_expiry_year_past', "Your card's expiration year is in the past.");
      else if (year.length < 2) error = validationError('incomplete_expiry', "Your card's expiration date is incomplete.");
      else if (cvc.length < (brand === 'amex' ? 4 : 3)) error = validationError('incomplete_cvc', "Your card's security code is incomplete.");
      const empty = !number && !month && !cvc;
      return { number, month, year, cvc, brand, empty, error, shown };
    }
  }

  // -- 3-D Secure --------------------------------------------------------------------------------------

  // Show the test page for an intent in `requires_action`; resolves once the customer answered it.
  function authenticate(intent) {
    const page = intent.next_action?.use_stripe_sdk?.stripe_js;
    if (!page) return Promise.resolve();
    return new Promise((resolve) => {
      const overlay = document.createElement('div');
      overlay.setAttribute('role', 'dialog');
      overlay.setAttribute('aria-modal', 'true');
      overlay.setAttribute('aria-label', '3D Secure authentication');
      Object.assign(overlay.style, {
        position: 'fixed', inset: '0', zIndex: '2147483647', display: 'flex', alignItems: 'center',
        justifyContent: 'center', background: 'rgba(0, 0, 0, 0.45)',
      });
      const frame = document.createElement('iframe');
      frame.title = '3D Secure authentication';
      frame.src = new URL(page, API).href;
      Object.assign(frame.style, {
        width: 'min(420px, 92vw)', height: '220px', border: '0', borderRadius: '8px', background: '#fff',
        boxShadow: '0 12px 40px rgba(0, 0, 0, 0.3)',
      });
      overlay.append(frame);
      const onMessage = (event) => {
        if (event.origin !== API || event.data?.type !== 'stripe-sandbox-3ds' || event.data.intent !== intent.id) return;
        window.removeEventListener('message', onMessage);
        overlay.remove();
        resolve();
      };
      window.addEventListener('message', onMessage);
      // Stripe's modal sits above any open <dialog>: join the top layer when there is one.
      const dialog = document.querySelector('dialog[open]');
      (dialog ?? document.body).append(overlay);
      frame.focus();
    });
  }

  // -- Stripe ------------------------------------------------------------------------------------------

  function Stripe(publishableKey) {
    if (!String(publishableKey).startsWith('pk_')) {
      throw new Error('IntegrationError: Invalid value for Stripe(): apiKey should be a publishable key (pk_…).');
    }
    const key = publishableKey;

    async function createPaymentMethod(element, billingDetails) {
      const state = element.state();
      if (state.error) return { error: state.error };
      const { object, error } = await request('POST', '/v1/payment_methods', {
        type: 'card', key,
        card: { number: state.number, exp_month: Number(state.month), exp_year: 2000 + Number(state.year), cvc: state.cvc },
        billing_details: billingDetails,
      });
      return error ? { error } : { paymentMethod: object };
    }

    // The payment method parameter of a confirmation: an element's card, created first, or a saved id.
    async function paymentMethodParam(data) {
      const method = data?.payment_method;
      if (method === undefined) return {};
      if (typeof method === 'string') return { payment_method: method };
      if (!(method.card instanceof CardElement)) return { error: validationError('invalid_payment_method', 'Enter your card details.') };
      const created = await createPaymentMethod(method.card, method.billing_details);
      return created.error ? { error: created.error } : { payment_method: created.paymentMethod.id };
    }

    // The intent after authentication, as `{setupIntent}`/`{paymentIntent}`, or its failure as `{error}`.
    async function settle(clientSecret, intent) {
      const setup = isSetup(clientSecret);
      const name = setup ? 'setupIntent' : 'paymentIntent';
      let current = intent;
      if (current.status === 'requires_action') {
        await authenticate(current);
        const read = await retrieve(clientSecret);
        if (read.error) return read;
        current = read[name];
      }
      const failure = setup ? current.last_setup_error : current.last_payment_error;
      if (current.status === 'requires_payment_method' && failure) {
        return { error: { ...failure, [setup ? 'setup_intent' : 'payment_intent']: current } };
      }
      return { [name]: current };
    }

    async function retrieve(clientSecret) {
      const path = `/v1/${isSetup(clientSecret) ? 'setup_intents' : 'payment_intents'}/${intentId(clientSecret)}`;
      const { object, error } = await request('GET', path, { key, client_secret: clientSecret });
      if (error) return { error };
      return isSetup(clientSecret) ? { setupIntent: object } : { paymentIntent: object };
    }

    async function confirm(clientSecret, data) {
      const method = await paymentMethodParam(data);
      if (method.error) return { error: method.error };
      const path = `/v1/${isSetup(clientSecret) ? 'setup_intents' : 'payment_intents'}/${intentId(clientSecret)}/confirm`;
      const { object, error } = await request('POST', path, {
        ...method, key, client_secret: clientSecret, use_stripe_sdk: 'true',
      });
      if (error) return { error };
      return settle(clientSecret, object);
    }

    async function handleNextAction({ clientSecret }) {
      const read = await retrieve(clientSecret);
      if (read.error) return read;
      const intent = read.setupIntent ?? read.paymentIntent;
      if (intent.status !== 'requires_action') {
        return { error: { type: 'invalid_request_error', code: 'unexpected_state', message: `The intent has a status of ${intent.status}, not requires_action.` } };
      }
      return settle(clientSecret, intent);
    }

    return {
      elements: () => ({
        create(type) {
          if (type !== 'card') throw new Error(`IntegrationError: this Stripe.js stand-in has no '${type}' element.`);
          return new CardElement();
        },
      }),
      createPaymentMethod: ({ card, billing_details: billingDetails }) => createPaymentMethod(card, billingDetails),
      confirmCardSetup: confirm,
      confirmCardPayment: confirm,
      handleCardAction: (clientSecret) => handleNextAction({ clientSecret }),
      handleNextAction,
      retrieveSetupIntent: retrieve,
      retrievePaymentIntent: retrieve,
    };
  }

  window.Stripe = Stripe;
})();
