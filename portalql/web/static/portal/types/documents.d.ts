// The shapes of what the page's GraphQL documents (assets/queries.js, assets/mutations.js) answer with, for
// the JSDoc annotations of the modules that render them. Global, so JSDoc names them without an import.

/** A `Money` as the page selects it: `formatted(locale:)`, with the amount where the page computes. */
interface PortalMoney {
  amount?: number;
  formatted: string;
}

/** `PortalPrice`: a price a subscription is on, or may move to. */
interface PortalPrice {
  id: string;
  nickname: string | null;
  product: { id: string; name: string };
  unitAmount: PortalMoney | null;
  recurring: { interval: string; intervalCount: number; usageType: string } | null;
}

/** A line of an invoice or of a preview. */
interface PortalLine {
  id: string;
  description: string | null;
  quantity: number | null;
  proration: boolean;
  periodStart: string;
  product: { name: string } | null;
  amount: Required<PortalMoney>;
}

/** The preview of a subscription's next invoice (`upcomingInvoices`): `created` is when it is issued. */
interface PortalUpcomingInvoice {
  created: string;
  amountDue: PortalMoney;
  balanceApplied: PortalMoney & { amount: number };
  creditApplied: PortalMoney & { amount: number };
  subscription: { id: string } | null;
  lines: PortalLine[];
}

/** The quantities the API lets the customer choose for an item or an add-on. */
interface PortalQuantityRange {
  minimum: number;
  maximum: number | null;
}

/** A subscription's item as `PortalDashboard` selects it; the usage parts when the session may read usage. */
interface PortalItem {
  id: string;
  quantity: number;
  price: PortalPrice & { tiersMode?: string | null; tiers?: PortalTier[] | null };
  quantityRange: PortalQuantityRange | null;
  removable: boolean;
  meter?: { id: string; displayName: string } | null;
  usage?: PortalPeriodUsage | null;
}

/** `InvoicePage`'s invoice. */
interface PortalInvoice {
  id: string;
  number: string | null;
  status: string;
  created: string;
  total: PortalMoney;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
  actions: PortalInvoiceActions;
}

/** An invoice's `actions` as the page selects them. */
interface PortalInvoiceActions {
  pay: { allowed: boolean };
}

/** `PortalOpenInvoices`'s invoice: one the customer owes. */
interface PortalOpenInvoice {
  id: string;
  number: string | null;
  amountRemaining: PortalMoney;
  actions: PortalInvoiceActions;
}

/** `InvoicePage`: one page of the customer's invoices. */
interface PortalInvoiceConnection {
  edges: { node: PortalInvoice }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** `PortalItemUsage`'s usage: a metered item's usage this period so far, and its charge. */
interface PortalPeriodUsage {
  quantity: number;
  charge: PortalMoney;
  periodStart: string;
  periodEnd: string;
  asOf: string | null;
}

/** A tier of a tiered price. */
interface PortalTier {
  upTo: number | null;
  unitAmount: PortalMoney | null;
  flatAmount: PortalMoney | null;
}

/** One day of `PortalUsageTimeline`. */
interface PortalUsagePoint {
  start: string;
  value: number;
}

/** `PortalUsageTimeline`'s timeline. */
interface PortalUsageTimeline {
  total: number;
  asOf: string;
  points: PortalUsagePoint[];
}

/** `PortalCredits`' grant. */
interface PortalCreditGrant {
  id: string;
  name: string | null;
  category: string;
  usable: boolean;
  effectiveAt: string | null;
  expiresAt: string | null;
  amount: PortalMoney;
  remaining: PortalMoney | null;
}

/** `PortalCredits`: the customer's billing credit. */
interface PortalCredits {
  asOf: string;
  balances: { available: PortalMoney; pending: PortalMoney }[];
  grants: PortalCreditGrant[];
}

/** Whether the portal allows one action on a subscription now (`SubscriptionAction`). */
interface PortalAction {
  allowed: boolean;
}

/** A subscription as `PortalDashboard` selects it. */
interface PortalSubscription {
  id: string;
  status: string;
  currentPeriodEnd: string | null;
  scheduledToCancel: boolean;
  changeScheduled: boolean;
  cancelAt: string | null;
  trialEnd: string | null;
  items: PortalItem[];
  allowedPlanChanges: PortalPrice[];
  availableAddOns: { price: PortalPrice; quantityRange: PortalQuantityRange | null }[];
  openInvoice?: { id: string; number: string | null; amountRemaining: PortalMoney } | null;
  lastPaymentError?: { message: string | null } | null;
  pause: { resumesAt: string | null; renewalCharge?: PortalMoney | null } | null;
  actions: {
    payInvoice: PortalAction;
    changePlan: PortalAction;
    cancel: PortalAction & { mode: string; reasons: string[] };
    reactivate: PortalAction;
    pause: PortalAction & { indefinite: boolean; durations: PortalPauseDuration[] };
    resume: PortalAction;
  };
}

/** A length of pause (`PauseDuration`). */
interface PortalPauseDuration {
  interval: string;
  intervalCount: number;
}

/** `startCancellation`'s offer as the page selects it: the terms of its kind, the others null. */
interface PortalRetentionOffer {
  id: string;
  name: string;
  kind: 'COUPON' | 'PAUSE' | 'PRICE_SWITCH';
  coupon: { percentOff: number | null; amountOff: PortalMoney | null; duration: string; durationInMonths: number | null } | null;
  pause: PortalPauseDuration | null;
  priceSwitch: {
    unitAmount: PortalMoney;
    price: { id: string; product: { name: string }; recurring: { interval: string; intervalCount: number } | null };
  } | null;
}

/** `previewPause`'s preview as the page selects it. */
interface PortalPausePreview {
  resumesAt: string | null;
  nextChargeAt: string | null;
  renewalCharge: PortalMoney | null;
}

/** A saved payment method as `PortalDashboard` selects it. */
interface PortalPaymentMethod {
  id: string;
  type: string;
  billingName: string | null;
  card: { brand: string; last4: string; expMonth: number; expYear: number; wallet: string | null } | null;
}

/** The billing address, as the details form reads and writes it. */
interface PortalAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

/** Where deliveries go. */
interface PortalShipping {
  name: string | null;
  phone: string | null;
  address: PortalAddress | null;
}

/** A tax ID of the customer. */
interface PortalTaxId {
  id: string;
  type: string;
  value: string;
  verificationStatus: 'PENDING' | 'VERIFIED' | 'UNVERIFIED' | 'UNAVAILABLE';
}

/** `viewer.portalFlow`: the deep link the session was opened with, and what follows its step. */
interface PortalFlowLink {
  type: string;
  subscriptionId: string | null;
  afterCompletion: 'HOSTED_CONFIRMATION' | 'PORTAL_HOMEPAGE' | 'REDIRECT';
  afterCompletionRedirectUrl: string | null;
  confirmationMessage: string | null;
}

/** The customer as `PortalDashboard` selects it: each part present when the session's scopes asked for it. */
interface PortalCustomer {
  id: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: PortalAddress | null;
  shipping?: PortalShipping | null;
  taxIds?: PortalTaxId[];
  paymentAttentionNeeded?: boolean;
  subscriptions?: PortalSubscription[];
  upcomingInvoices?: PortalUpcomingInvoice[];
  invoices?: PortalInvoiceConnection;
  paymentMethods?: PortalPaymentMethod[];
  defaultPaymentMethod?: { id: string } | null;
  capabilities?: { removeLastPaymentMethod: boolean };
  credits?: PortalCredits;
}

/** `previewPlanChange`'s preview as the page selects it. */
interface PortalPlanChangePreview {
  prorationDate: string | null;
  effectiveAt: string | null;
  amountDueNow: PortalMoney & { amount: number };
  credit: PortalMoney & { amount: number };
  balanceAppliedNow: PortalMoney & { amount: number };
  prorationLines: PortalLine[];
  nextInvoice: { total: PortalMoney; periodEnd: string | null } | null;
}
