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
  recurring: { interval: string; intervalCount: number } | null;
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

/** The preview of the next invoice (`upcomingInvoice`). */
interface PortalUpcomingInvoice {
  periodEnd: string | null;
  amountDue: PortalMoney;
  lines: PortalLine[];
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
}

/** `InvoicePage`: one page of the customer's invoices. */
interface PortalInvoiceConnection {
  edges: { node: PortalInvoice }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
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
  cancelAt: string | null;
  trialEnd: string | null;
  items: { id: string; quantity: number; price: PortalPrice }[];
  allowedPlanChanges: PortalPrice[];
  openInvoice?: { id: string; number: string | null; amountRemaining: PortalMoney } | null;
  lastPaymentError?: { message: string | null } | null;
  actions: {
    payInvoice: PortalAction;
    changePlan: PortalAction;
    cancel: PortalAction & { mode: string; reasons: string[] };
    reactivate: PortalAction;
  };
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

/** The customer as `PortalDashboard` selects it: each part present when the session's scopes asked for it. */
interface PortalCustomer {
  id: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: PortalAddress | null;
  paymentAttentionNeeded?: boolean;
  subscriptions?: PortalSubscription[];
  upcomingInvoice?: PortalUpcomingInvoice | null;
  invoices?: PortalInvoiceConnection;
  paymentMethods?: PortalPaymentMethod[];
  defaultPaymentMethod?: { id: string } | null;
  capabilities?: { removeLastPaymentMethod: boolean };
}

/** `previewPlanChange`'s preview as the page selects it. */
interface PortalPlanChangePreview {
  prorationDate: string | null;
  amountDueNow: PortalMoney & { amount: number };
  prorationLines: PortalLine[];
  nextInvoice: { total: PortalMoney; periodEnd: string | null } | null;
}
