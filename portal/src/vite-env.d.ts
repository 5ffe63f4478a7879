/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Business shown when the URL has no ?business= (defaults to "demo"). */
  readonly VITE_DEFAULT_BUSINESS?: string;
  /** Stripe publishable key; without it the page shows the PaymentIntent id instead of a payment form. */
  readonly VITE_STRIPE_PUBLISHABLE_KEY?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
