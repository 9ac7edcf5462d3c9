/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A part of a customer's billing that a change made stale: read it again. */
export type BillingTopic =
  /** Credit grants and the credit balance. */
  | 'CREDITS'
  /** The customer's details: name, email, addresses, tax IDs. */
  | 'DETAILS'
  /** Invoices, the upcoming invoice and payments: paid, failed, refunded, new. */
  | 'INVOICES'
  /** Saved payment methods and which one is the default. */
  | 'PAYMENT_METHODS'
  /** Subscriptions: plans, quantities, status, cancellation or pause. */
  | 'SUBSCRIPTIONS'
  /** Usage recorded on metered prices. */
  | 'USAGE';

/** When a cancellation in the portal takes effect. */
export type CancelMode =
  /** At the end of the paid period. */
  | 'AT_PERIOD_END'
  /** Right away. */
  | 'IMMEDIATELY';

/** A subscription to cancel, when, and why. */
export type CancelSubscriptionInput = {
  /** The customer's own words about why. */
  comment?: string | null | undefined;
  /** When the cancellation takes effect; null means the portal configuration's mode. A customer session may use only that mode. */
  mode?: CancelMode | null | undefined;
  /** Why the customer cancels; a customer session may give only the reasons the portal configuration offers. */
  reason?: CancellationFeedback | null | undefined;
  /** The subscription (`sub_…`). */
  subscriptionId: string | number;
};

/** The reason a customer gave for cancelling (Stripe's eight choices). */
export type CancellationFeedback =
  /** Unhappy with customer service. */
  | 'CUSTOMER_SERVICE'
  /** Quality was lower than expected. */
  | 'LOW_QUALITY'
  /** Some features are missing. */
  | 'MISSING_FEATURES'
  /** Another reason. */
  | 'OTHER'
  /** Switched to another service. */
  | 'SWITCHED_SERVICE'
  /** Too hard to use. */
  | 'TOO_COMPLEX'
  /** Too expensive. */
  | 'TOO_EXPENSIVE'
  /** Not used enough. */
  | 'UNUSED';

/** A plan change to make. */
export type ChangePlanInput = {
  /** Your key for this change (1 to 200 characters): a retry with it changes nothing twice. */
  idempotencyKey?: string | null | undefined;
  /** Several item edits made together (at most 20): switch the plan, change quantities, add or remove add-ons. Give this or `priceId`. */
  items?: Array<PlanItemInput> | null | undefined;
  /** The price (`price_…`) to move the subscription's plan (its first item) to; give this or `items`. */
  priceId?: string | number | null | undefined;
  /** The preview's `prorationDate`, so the change costs what the preview showed; null prorates to the moment of the change. */
  prorationDate?: string | null | undefined;
  /** The plan's new quantity; null keeps the current one. Only with `priceId`. */
  quantity?: number | null | undefined;
  /** The subscription to change (`sub_…`). */
  subscriptionId: string | number;
};

/** The SetupIntent the browser has confirmed. */
export type CompleteSetupIntentInput = {
  /** The SetupIntent (`seti_…`) from `createSetupIntent`. */
  setupIntentId: string | number;
};

/** Whose card to collect, and whether it becomes their default. */
export type CreateSetupIntentInput = {
  /** The customer (`cus_…`); required with an API key, a customer session's own by default. */
  customerId?: string | number | null | undefined;
  /** Make the card the customer's default payment method once `completeSetupIntent` sees it saved. */
  setAsDefault?: boolean;
};

/** The payment method to remove from its customer. */
export type DetachPaymentMethodInput = {
  /** The payment method (`pm_…`), attached to the customer. */
  paymentMethodId: string | number;
};

/** The unit of a billing interval. */
export type Interval =
  /** Days. */
  | 'DAY'
  /** Months. */
  | 'MONTH'
  /** Weeks. */
  | 'WEEK'
  /** Years. */
  | 'YEAR';

/** Where a payment stands after `payInvoice`. */
export type InvoicePaymentOutcome =
  /** The invoice is paid (and its past-due subscription active again). */
  | 'PAID'
  /** The card needs 3-D Secure: run it with Stripe.js on `clientSecret`, then call `payInvoice` again with the same idempotency key. */
  | 'REQUIRES_ACTION';

/** Where an invoice is in its life. */
export type InvoiceStatus =
  /** Still being prepared; not yet sent or charged. */
  | 'DRAFT'
  /** Finalized and awaiting payment. */
  | 'OPEN'
  /** Paid in full. */
  | 'PAID'
  /** Deemed unlikely ever to be paid. */
  | 'UNCOLLECTIBLE'
  /** Cancelled; nothing is owed. */
  | 'VOID';

/** The invoice to pay, and with what. */
export type PayInvoiceInput = {
  /** Your key for this payment (1 to 200 characters): a retry with it never charges twice. */
  idempotencyKey: string;
  /** The open invoice (`in_…`). */
  invoiceId: string | number;
  /** A saved card of the invoice's customer (`pm_…`); by default the one Stripe charges (the subscription's, else the customer's default). */
  paymentMethodId?: string | number | null | undefined;
};

/** One edit of a subscription's items: with `itemId`, that item moves to `priceId` (null keeps its price) and `quantity` (null keeps it), or goes with `remove`; without it, `priceId` is added. */
export type PlanItemInput = {
  /** The subscription item (`si_…`) to change or remove; null adds `priceId`. */
  itemId?: string | number | null | undefined;
  /** The price (`price_…`) the item moves to, or the one added. */
  priceId?: string | number | null | undefined;
  /** The item's quantity; null keeps it (an added item comes as one). */
  quantity?: number | null | undefined;
  /** Remove the item (an add-on) from the plan. */
  remove?: boolean;
};

/** A plan change to preview. */
export type PreviewPlanChangeInput = {
  /** Several item edits made together (at most 20): switch the plan, change quantities, add or remove add-ons. Give this or `priceId`. */
  items?: Array<PlanItemInput> | null | undefined;
  /** The price (`price_…`) to move the subscription's plan (its first item) to; give this or `items`. */
  priceId?: string | number | null | undefined;
  /** The plan's new quantity; null keeps the current one. Only with `priceId`. */
  quantity?: number | null | undefined;
  /** The subscription to change (`sub_…`). */
  subscriptionId: string | number;
};

/** A permission a customer session carries. API keys hold them all. */
export type Scope =
  /** Read the audit trail. */
  | 'AUDIT_READ'
  /** Read credit grants, the credit balance and the balance's transactions. */
  | 'CREDITS_READ'
  /** Read the customer's contact details. */
  | 'CUSTOMER_READ'
  /** Change the customer's contact details the portal allows. */
  | 'CUSTOMER_WRITE'
  /** Read invoices and their payments. */
  | 'INVOICES_READ'
  /** Pay open invoices. */
  | 'INVOICES_WRITE'
  /** Read payment methods. */
  | 'PAYMENT_METHODS_READ'
  /** Add, remove and choose the default payment method. */
  | 'PAYMENT_METHODS_WRITE'
  /** Read subscriptions. */
  | 'SUBSCRIPTIONS_READ'
  /** Change, cancel and reactivate subscriptions. */
  | 'SUBSCRIPTIONS_WRITE'
  /** Read metered usage: this period's so far and its timeline. */
  | 'USAGE_READ';

/** The payment method to charge by default from now on. */
export type SetDefaultPaymentMethodInput = {
  /** The payment method (`pm_…`), attached to the customer. */
  paymentMethodId: string | number;
};

/** Where a subscription is in its life, as Stripe reports it. */
export type SubscriptionStatus =
  /** Paid up and running. */
  | 'ACTIVE'
  /** Ended; it bills no more. */
  | 'CANCELED'
  /** The first payment has not succeeded yet. */
  | 'INCOMPLETE'
  /** The first payment never succeeded; the subscription ended. */
  | 'INCOMPLETE_EXPIRED'
  /** The latest invoice is unpaid; Stripe is retrying. */
  | 'PAST_DUE'
  /** Paused: no invoices until it resumes. */
  | 'PAUSED'
  /** In its free trial. */
  | 'TRIALING'
  /** Retries are exhausted; invoices stay open. */
  | 'UNPAID';

/** Why a mutation did nothing. Stable: switch on these, not on messages. */
export type UserErrorCode =
  /** The subscription's payments are already paused. */
  | 'ALREADY_PAUSED'
  /** The payment is refunded in full. */
  | 'ALREADY_REFUNDED'
  /** More than is left to refund of the payment. */
  | 'AMOUNT_TOO_LARGE'
  /** The portal configuration does not offer this reason. */
  | 'CANCELLATION_REASON_NOT_ALLOWED'
  /** The portal configuration cancels in the other mode. */
  | 'CANCEL_MODE_NOT_ALLOWED'
  /** The card was declined (or its 3-D Secure failed); the message is the one to show the customer. */
  | 'CARD_DECLINED'
  /** A change of the subscription already waits for the end of its period; it takes effect then. */
  | 'CHANGE_SCHEDULED'
  /** The external id is already mapped to another customer. */
  | 'EXTERNAL_ID_TAKEN'
  /** The portal configuration does not let customers do this. */
  | 'FEATURE_DISABLED'
  /** The portal configuration does not let customers change this field. */
  | 'FIELD_NOT_ALLOWED'
  /** The idempotency key was used for a different request. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The amount is not a refundable amount. */
  | 'INVALID_AMOUNT'
  /** Not an email address. */
  | 'INVALID_EMAIL'
  /** An input value is missing, malformed or contradicts another. */
  | 'INVALID_INPUT'
  /** Not a valid tax ID of its type; the message says why. */
  | 'INVALID_TAX_ID'
  /** The invoice is not a draft any more: paid, void or uncollectible. */
  | 'INVOICE_NOT_DRAFT'
  /** The invoice is not open: already paid, void, or not finalized yet. */
  | 'INVOICE_NOT_OPEN'
  /** The customer's only payment method cannot go while a subscription runs. */
  | 'LAST_PAYMENT_METHOD'
  /** No such object, or one the caller may not act on (they look the same). */
  | 'NOT_FOUND'
  /** The subscription's payments are not paused. */
  | 'NOT_PAUSED'
  /** The payment cannot be refunded (unpaid, failed or disputed). */
  | 'NOT_REFUNDABLE'
  /** The retention offer was not shown for this subscription, was declined, or no longer applies. */
  | 'OFFER_NOT_AVAILABLE'
  /** The portal configuration does not offer this pause length, or it is over three years. */
  | 'PAUSE_DURATION_NOT_ALLOWED'
  /** The payment was declined; nothing was changed. */
  | 'PAYMENT_FAILED'
  /** The subscription may not switch to this price. */
  | 'PRICE_NOT_ALLOWED'
  /** The proration date is outside the current period: preview the change again. */
  | 'PRORATION_DATE_OUT_OF_PERIOD'
  /** The quantity may not be set to this value. */
  | 'QUANTITY_NOT_ALLOWED'
  /** The SetupIntent has not succeeded: the browser has not confirmed it, or the card was refused. */
  | 'SETUP_NOT_COMPLETE'
  /** The subscription has ended. */
  | 'SUBSCRIPTION_ENDED'
  /** The subscription is not in a state that allows this (past due, or set to cancel). */
  | 'SUBSCRIPTION_NOT_ACTIVE';

export type UserErrorFieldsFragment = { code: UserErrorCode, message: string, field: Array<string> | null };

export type DashboardQueryVariables = Exact<{
  locale: string;
  invoices: number;
}>;


export type DashboardQuery = { viewer: { scopes: Array<Scope>, customer: { id: string, name: string | null, email: string | null, paymentAttentionNeeded: boolean, capabilities: { viewInvoices: boolean, updatePaymentMethods: boolean, addPaymentMethods: boolean, payInvoices: boolean }, defaultPaymentMethod: { id: string } | null, subscriptions: Array<{ id: string, status: SubscriptionStatus, currentPeriodEnd: string | null, scheduledToCancel: boolean, cancelAt: string | null, items: Array<{ id: string, quantity: number, price: { id: string, product: { name: string }, unitAmount: { amount: number, formatted: string } | null, recurring: { interval: Interval, intervalCount: number } | null } }>, allowedPlanChanges: Array<{ id: string, product: { name: string }, unitAmount: { formatted: string } | null }>, openInvoice: { id: string, number: string | null, amountRemaining: { formatted: string } } | null, actions: { changePlan: { allowed: boolean }, cancel: { allowed: boolean, mode: CancelMode, reasons: Array<CancellationFeedback> }, reactivate: { allowed: boolean }, payInvoice: { allowed: boolean } } }>, upcomingInvoice: { periodEnd: string, amountDue: { formatted: string } } | null, invoices: { edges: Array<{ node: { id: string, number: string | null, status: InvoiceStatus | null, created: string, hostedInvoiceUrl: string | null, total: { formatted: string }, actions: { pay: { allowed: boolean } } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, paymentMethods: Array<{ id: string, card: { brand: string, last4: string, expMonth: number, expYear: number } | null }> } | null } };

export type InvoicesPageQueryVariables = Exact<{
  locale: string;
  first: number;
  after?: string | null | undefined;
}>;


export type InvoicesPageQuery = { viewer: { customer: { invoices: { edges: Array<{ node: { id: string, number: string | null, status: InvoiceStatus | null, created: string, hostedInvoiceUrl: string | null, invoicePdf: string | null, total: { amount: number, formatted: string }, actions: { pay: { allowed: boolean } } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null } };

export type PreviewPlanChangeMutationVariables = Exact<{
  input: PreviewPlanChangeInput;
  locale: string;
}>;


export type PreviewPlanChangeMutation = { previewPlanChange: { preview: { prorationDate: string | null, amountDueNow: { amount: number, formatted: string }, nextInvoice: { periodEnd: string, total: { amount: number, formatted: string } } | null } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type ChangePlanMutationVariables = Exact<{
  input: ChangePlanInput;
}>;


export type ChangePlanMutation = { changePlan: { subscription: { id: string, status: SubscriptionStatus, items: Array<{ id: string, quantity: number, price: { id: string } }> } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type CancelSubscriptionMutationVariables = Exact<{
  input: CancelSubscriptionInput;
}>;


export type CancelSubscriptionMutation = { cancelSubscription: { subscription: { id: string, status: SubscriptionStatus, scheduledToCancel: boolean, cancelAt: string | null } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type CardsQueryVariables = Exact<{ [key: string]: never; }>;


export type CardsQuery = { viewer: { customer: { defaultPaymentMethod: { id: string } | null, paymentMethods: Array<{ id: string, card: { brand: string, last4: string, expMonth: number, expYear: number } | null }>, capabilities: { updatePaymentMethods: boolean, addPaymentMethods: boolean, removeLastPaymentMethod: boolean } } | null } };

export type CreateSetupIntentMutationVariables = Exact<{
  input: CreateSetupIntentInput;
}>;


export type CreateSetupIntentMutation = { createSetupIntent: { publishableKey: string | null, setupIntent: { id: string, clientSecret: string | null } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type CompleteSetupIntentMutationVariables = Exact<{
  input: CompleteSetupIntentInput;
}>;


export type CompleteSetupIntentMutation = { completeSetupIntent: { paymentMethod: { id: string, card: { brand: string, last4: string } | null } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type SetDefaultPaymentMethodMutationVariables = Exact<{
  input: SetDefaultPaymentMethodInput;
}>;


export type SetDefaultPaymentMethodMutation = { setDefaultPaymentMethod: { paymentMethod: { id: string } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type DetachPaymentMethodMutationVariables = Exact<{
  input: DetachPaymentMethodInput;
}>;


export type DetachPaymentMethodMutation = { detachPaymentMethod: { paymentMethod: { id: string } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type PayInvoiceMutationVariables = Exact<{
  input: PayInvoiceInput;
  locale: string;
}>;


export type PayInvoiceMutation = { payInvoice: { outcome: InvoicePaymentOutcome | null, clientSecret: string | null, invoice: { id: string, status: InvoiceStatus | null, amountPaid: { formatted: string } } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type BillingChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type BillingChangedSubscription = { billingChanged: { customerId: string, topics: Array<BillingTopic>, occurredAt: string } };

export const UserErrorFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<UserErrorFieldsFragment, unknown>;
export const DashboardDocument = {"__meta__":{"hash":"sha256:90b66c942354a2c0aa550ea518202dd9ccac66c92b6af4f0f933484af7ada140"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Dashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"invoices"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"paymentAttentionNeeded"}},{"kind":"Field","name":{"kind":"Name","value":"capabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewInvoices"}},{"kind":"Field","name":{"kind":"Name","value":"updatePaymentMethods"}},{"kind":"Field","name":{"kind":"Name","value":"addPaymentMethods"}},{"kind":"Field","name":{"kind":"Name","value":"payInvoices"}}]}},{"kind":"Field","name":{"kind":"Name","value":"defaultPaymentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"subscriptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"currentPeriodEnd"}},{"kind":"Field","name":{"kind":"Name","value":"scheduledToCancel"}},{"kind":"Field","name":{"kind":"Name","value":"cancelAt"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unitAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}},{"kind":"Field","name":{"kind":"Name","value":"recurring"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"interval"}},{"kind":"Field","name":{"kind":"Name","value":"intervalCount"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"allowedPlanChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unitAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"openInvoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"amountRemaining"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"actions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changePlan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cancel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowed"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"reasons"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reactivate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"payInvoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowed"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"upcomingInvoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"periodEnd"}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"invoices"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}},{"kind":"Field","name":{"kind":"Name","value":"hostedInvoiceUrl"}},{"kind":"Field","name":{"kind":"Name","value":"actions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowed"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"paymentMethods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"card"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}},{"kind":"Field","name":{"kind":"Name","value":"expMonth"}},{"kind":"Field","name":{"kind":"Name","value":"expYear"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardQuery, DashboardQueryVariables>;
export const InvoicesPageDocument = {"__meta__":{"hash":"sha256:1916190f6c8c358253085a4b26a7dd8c6602812bcbc72bfacbb998a673c99b65"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"InvoicesPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"invoices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}},{"kind":"Field","name":{"kind":"Name","value":"hostedInvoiceUrl"}},{"kind":"Field","name":{"kind":"Name","value":"invoicePdf"}},{"kind":"Field","name":{"kind":"Name","value":"actions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pay"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowed"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<InvoicesPageQuery, InvoicesPageQueryVariables>;
export const PreviewPlanChangeDocument = {"__meta__":{"hash":"sha256:a014ea71481896e655ca7eab1d57e78089c02f2a472c74b6e88ed86c3f8cdd24"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PreviewPlanChange"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PreviewPlanChangeInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"previewPlanChange"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"preview"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"prorationDate"}},{"kind":"Field","name":{"kind":"Name","value":"amountDueNow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}},{"kind":"Field","name":{"kind":"Name","value":"nextInvoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"periodEnd"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<PreviewPlanChangeMutation, PreviewPlanChangeMutationVariables>;
export const ChangePlanDocument = {"__meta__":{"hash":"sha256:a2b79f21f4c5136f1ba3db31894d8fdbaad72b376bd6ef0b806166475bb358e5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ChangePlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ChangePlanInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changePlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subscription"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<ChangePlanMutation, ChangePlanMutationVariables>;
export const CancelSubscriptionDocument = {"__meta__":{"hash":"sha256:68c73633625f90214cb120e883d1fcfff056f41ed8cd5c0b3ae1345fedf4e2d1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelSubscription"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CancelSubscriptionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelSubscription"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subscription"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"scheduledToCancel"}},{"kind":"Field","name":{"kind":"Name","value":"cancelAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<CancelSubscriptionMutation, CancelSubscriptionMutationVariables>;
export const CardsDocument = {"__meta__":{"hash":"sha256:99efb9155ca5df98ab9d8456888bd1aff15192fa86d35127c8f23cff774f658b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Cards"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"defaultPaymentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"paymentMethods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"card"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}},{"kind":"Field","name":{"kind":"Name","value":"expMonth"}},{"kind":"Field","name":{"kind":"Name","value":"expYear"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"capabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePaymentMethods"}},{"kind":"Field","name":{"kind":"Name","value":"addPaymentMethods"}},{"kind":"Field","name":{"kind":"Name","value":"removeLastPaymentMethod"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CardsQuery, CardsQueryVariables>;
export const CreateSetupIntentDocument = {"__meta__":{"hash":"sha256:f9ecf714362a2e10994a2592f49f0207d87b67751554becdae6cc1b0fea8788e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateSetupIntent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateSetupIntentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSetupIntent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setupIntent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"clientSecret"}}]}},{"kind":"Field","name":{"kind":"Name","value":"publishableKey"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<CreateSetupIntentMutation, CreateSetupIntentMutationVariables>;
export const CompleteSetupIntentDocument = {"__meta__":{"hash":"sha256:9036ca88f23ab16c3bb22f2bd3644d2b3d93680868c2c1f678878e823049f5cc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CompleteSetupIntent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CompleteSetupIntentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"completeSetupIntent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"card"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<CompleteSetupIntentMutation, CompleteSetupIntentMutationVariables>;
export const SetDefaultPaymentMethodDocument = {"__meta__":{"hash":"sha256:bc6bb08ac1b1c1113140638f33c1f940741e468c4d3deda8acc565e0d7602f8f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetDefaultPaymentMethod"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetDefaultPaymentMethodInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setDefaultPaymentMethod"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<SetDefaultPaymentMethodMutation, SetDefaultPaymentMethodMutationVariables>;
export const DetachPaymentMethodDocument = {"__meta__":{"hash":"sha256:8ae576d49036437c804501b1d5c4453e58de8dad465264d4cfc6952c69b842d2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DetachPaymentMethod"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DetachPaymentMethodInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"detachPaymentMethod"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<DetachPaymentMethodMutation, DetachPaymentMethodMutationVariables>;
export const PayInvoiceDocument = {"__meta__":{"hash":"sha256:4a6ac0d3898499df1e682f17a747b5426ff0fbb25a013b6b526f5bbb5d5cac3b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PayInvoice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PayInvoiceInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locale"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"payInvoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"clientSecret"}},{"kind":"Field","name":{"kind":"Name","value":"invoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amountPaid"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locale"}}}]}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]} as unknown as DocumentNode<PayInvoiceMutation, PayInvoiceMutationVariables>;
export const BillingChangedDocument = {"__meta__":{"hash":"sha256:fb48443028b2ca2e835605978da5d2be8161c0321f5ffc3f340ff5040d858f4a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BillingChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerId"}},{"kind":"Field","name":{"kind":"Name","value":"topics"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}}]}}]}}]} as unknown as DocumentNode<BillingChangedSubscription, BillingChangedSubscriptionVariables>;