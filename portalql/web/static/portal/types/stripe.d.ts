// The part of Stripe.js (https://js.stripe.com/v3/) the page uses, with the names and result shapes of
// Stripe's own types (@stripe/stripe-js: types/stripe-js/stripe.d.ts, elements/card.d.ts). The sandbox's
// stand-in implements the same subset.

/** Stripe's error, as `confirmCardSetup` and friends resolve with it. */
interface StripeJsError {
  type: string;
  code?: string;
  decline_code?: string;
  message?: string;
}

interface StripeCardElementChangeEvent {
  elementType: 'card';
  empty: boolean;
  complete: boolean;
  error: undefined | { type: 'validation_error'; code: string; message: string };
}

interface StripeCardElement {
  mount(domElement: string | HTMLElement): void;
  destroy(): void;
  focus(): StripeCardElement;
  on(eventType: 'change', handler: (event: StripeCardElementChangeEvent) => void): StripeCardElement;
}

interface StripeElements {
  create(elementType: 'card', options?: Record<string, unknown>): StripeCardElement;
}

type StripeSetupIntentResult =
  | { setupIntent: { id: string; status: string }; error?: undefined }
  | { setupIntent?: undefined; error: StripeJsError };

type StripeNextActionResult =
  | { paymentIntent?: { id: string; status: string }; setupIntent?: { id: string; status: string }; error?: undefined }
  | { paymentIntent?: undefined; setupIntent?: undefined; error: StripeJsError };

interface StripeJs {
  elements(options?: { clientSecret?: string }): StripeElements;
  confirmCardSetup(
    clientSecret: string,
    data?: { payment_method: string | { card: StripeCardElement } },
  ): Promise<StripeSetupIntentResult>;
  handleNextAction(options: { clientSecret: string }): Promise<StripeNextActionResult>;
}

interface Window {
  Stripe?: (publishableKey: string) => StripeJs;
}
