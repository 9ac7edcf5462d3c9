// Stripe.js, loaded only when a card is entered or a payment needs 3-D Secure: from Stripe, or from the
// sandbox's stand-in, as the page's <meta name="stripe-js"> says (the server fills it in).

import { ApiError } from './api.js';
import { t } from './i18n.js';

/** @type {Promise<StripeJs> | null} */
let loading = null;

/** The Stripe.js instance for the portal's publishable key, loading the script the first time. */
export function loadStripe() {
  loading ??= new Promise((resolve, reject) => {
    const meta = /** @type {HTMLMetaElement} */ (document.querySelector('meta[name="stripe-js"]'));
    const failed = () => {
      loading = null;
      reject(new ApiError(t('Card payments could not be loaded. Check your connection and try again.'), null));
    };
    const script = document.createElement('script');
    script.src = meta.content;
    script.addEventListener('load', () => (window.Stripe ? resolve(window.Stripe(meta.dataset.key ?? '')) : failed()));
    script.addEventListener('error', failed);
    document.head.append(script);
  });
  return loading;
}
