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
  amount: PortalMoney;
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
