// Stripe.js must be loaded from Stripe's own host (their rule for PCI scope), so it is a
// script tag added on demand, only when a held booking is actually paid for.

export interface StripeElements {
  create(type: "payment"): { mount(target: HTMLElement): void };
}

export interface StripeClient {
  elements(options: { clientSecret: string }): StripeElements;
  confirmPayment(options: { elements: StripeElements; confirmParams: { return_url: string } }): Promise<{ error?: { message?: string } }>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeClient;
  }
}

let script: Promise<void> | undefined;

export async function loadStripe(publishableKey: string): Promise<StripeClient> {
  script ??= new Promise<void>((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = "https://js.stripe.com/v3";
    tag.onload = () => resolve();
    tag.onerror = () => {
      script = undefined; // let a later attempt try again
      tag.remove();
      reject(new Error("Could not load the payment form. Check your connection and try again."));
    };
    document.head.append(tag);
  });
  await script;
  if (!window.Stripe) throw new Error("The payment form did not load.");
  return window.Stripe(publishableKey);
}
