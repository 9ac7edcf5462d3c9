/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment UserErrorFields on UserError {\n    code\n    message\n    field\n  }\n": typeof types.UserErrorFieldsFragmentDoc,
    "\n  query Dashboard($locale: String!, $invoices: Int!) {\n    viewer {\n      scopes\n      customer {\n        id\n        name\n        email\n        paymentAttentionNeeded\n        capabilities { viewInvoices updatePaymentMethods addPaymentMethods payInvoices }\n        defaultPaymentMethod { id }\n        subscriptions {\n          id\n          status\n          currentPeriodEnd\n          scheduledToCancel\n          cancelAt\n          items {\n            id\n            quantity\n            price {\n              id\n              product { name }\n              unitAmount { amount formatted(locale: $locale) }\n              recurring { interval intervalCount }\n            }\n          }\n          allowedPlanChanges { id product { name } unitAmount { formatted(locale: $locale) } }\n          openInvoice { id number amountRemaining { formatted(locale: $locale) } }\n          actions {\n            changePlan { allowed }\n            cancel { allowed mode reasons }\n            reactivate { allowed }\n            payInvoice { allowed }\n          }\n        }\n        upcomingInvoice { periodEnd amountDue { formatted(locale: $locale) } }\n        invoices(first: $invoices) {\n          edges {\n            node {\n              id number status created total { formatted(locale: $locale) } hostedInvoiceUrl\n              actions { pay { allowed } }\n            }\n          }\n          pageInfo { hasNextPage endCursor }\n        }\n        paymentMethods { id card { brand last4 expMonth expYear } }\n      }\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  query InvoicesPage($locale: String!, $first: Int!, $after: String) {\n    viewer {\n      customer {\n        invoices(first: $first, after: $after) {\n          edges {\n            node {\n              id\n              number\n              status\n              created\n              total { amount formatted(locale: $locale) }\n              hostedInvoiceUrl\n              invoicePdf\n              actions { pay { allowed } }\n            }\n          }\n          pageInfo { hasNextPage endCursor }\n        }\n      }\n    }\n  }\n": typeof types.InvoicesPageDocument,
    "\n  mutation PreviewPlanChange($input: PreviewPlanChangeInput!, $locale: String!) {\n    previewPlanChange(input: $input) {\n      preview {\n        prorationDate\n        amountDueNow { amount formatted(locale: $locale) }\n        nextInvoice { periodEnd total { amount formatted(locale: $locale) } }\n      }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": typeof types.PreviewPlanChangeDocument,
    "\n  mutation ChangePlan($input: ChangePlanInput!) {\n    changePlan(input: $input) {\n      subscription { id status items { id quantity price { id } } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": typeof types.ChangePlanDocument,
    "\n  mutation CancelSubscription($input: CancelSubscriptionInput!) {\n    cancelSubscription(input: $input) {\n      subscription { id status scheduledToCancel cancelAt }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": typeof types.CancelSubscriptionDocument,
    "\n  query Cards {\n    viewer {\n      customer {\n        defaultPaymentMethod { id }\n        paymentMethods { id card { brand last4 expMonth expYear } }\n        capabilities { updatePaymentMethods addPaymentMethods removeLastPaymentMethod }\n      }\n    }\n  }\n": typeof types.CardsDocument,
    "\n  mutation CreateSetupIntent($input: CreateSetupIntentInput!) {\n    createSetupIntent(input: $input) {\n      setupIntent { id clientSecret }\n      publishableKey\n      userErrors { ...UserErrorFields }\n    }\n  }\n": typeof types.CreateSetupIntentDocument,
    "\n  mutation CompleteSetupIntent($input: CompleteSetupIntentInput!) {\n    completeSetupIntent(input: $input) {\n      paymentMethod { id card { brand last4 } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": typeof types.CompleteSetupIntentDocument,
    "\n  mutation SetDefaultPaymentMethod($input: SetDefaultPaymentMethodInput!) {\n    setDefaultPaymentMethod(input: $input) {\n      paymentMethod { id }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": typeof types.SetDefaultPaymentMethodDocument,
    "\n  mutation DetachPaymentMethod($input: DetachPaymentMethodInput!) {\n    detachPaymentMethod(input: $input) {\n      paymentMethod { id }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": typeof types.DetachPaymentMethodDocument,
    "\n  mutation PayInvoice($input: PayInvoiceInput!, $locale: String!) {\n    payInvoice(input: $input) {\n      outcome\n      clientSecret\n      invoice { id status amountPaid { formatted(locale: $locale) } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": typeof types.PayInvoiceDocument,
    "\n  subscription BillingChanged {\n    billingChanged { customerId topics occurredAt }\n  }\n": typeof types.BillingChangedDocument,
};
const documents: Documents = {
    "\n  fragment UserErrorFields on UserError {\n    code\n    message\n    field\n  }\n": types.UserErrorFieldsFragmentDoc,
    "\n  query Dashboard($locale: String!, $invoices: Int!) {\n    viewer {\n      scopes\n      customer {\n        id\n        name\n        email\n        paymentAttentionNeeded\n        capabilities { viewInvoices updatePaymentMethods addPaymentMethods payInvoices }\n        defaultPaymentMethod { id }\n        subscriptions {\n          id\n          status\n          currentPeriodEnd\n          scheduledToCancel\n          cancelAt\n          items {\n            id\n            quantity\n            price {\n              id\n              product { name }\n              unitAmount { amount formatted(locale: $locale) }\n              recurring { interval intervalCount }\n            }\n          }\n          allowedPlanChanges { id product { name } unitAmount { formatted(locale: $locale) } }\n          openInvoice { id number amountRemaining { formatted(locale: $locale) } }\n          actions {\n            changePlan { allowed }\n            cancel { allowed mode reasons }\n            reactivate { allowed }\n            payInvoice { allowed }\n          }\n        }\n        upcomingInvoice { periodEnd amountDue { formatted(locale: $locale) } }\n        invoices(first: $invoices) {\n          edges {\n            node {\n              id number status created total { formatted(locale: $locale) } hostedInvoiceUrl\n              actions { pay { allowed } }\n            }\n          }\n          pageInfo { hasNextPage endCursor }\n        }\n        paymentMethods { id card { brand last4 expMonth expYear } }\n      }\n    }\n  }\n": types.DashboardDocument,
    "\n  query InvoicesPage($locale: String!, $first: Int!, $after: String) {\n    viewer {\n      customer {\n        invoices(first: $first, after: $after) {\n          edges {\n            node {\n              id\n              number\n              status\n              created\n              total { amount formatted(locale: $locale) }\n              hostedInvoiceUrl\n              invoicePdf\n              actions { pay { allowed } }\n            }\n          }\n          pageInfo { hasNextPage endCursor }\n        }\n      }\n    }\n  }\n": types.InvoicesPageDocument,
    "\n  mutation PreviewPlanChange($input: PreviewPlanChangeInput!, $locale: String!) {\n    previewPlanChange(input: $input) {\n      preview {\n        prorationDate\n        amountDueNow { amount formatted(locale: $locale) }\n        nextInvoice { periodEnd total { amount formatted(locale: $locale) } }\n      }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": types.PreviewPlanChangeDocument,
    "\n  mutation ChangePlan($input: ChangePlanInput!) {\n    changePlan(input: $input) {\n      subscription { id status items { id quantity price { id } } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": types.ChangePlanDocument,
    "\n  mutation CancelSubscription($input: CancelSubscriptionInput!) {\n    cancelSubscription(input: $input) {\n      subscription { id status scheduledToCancel cancelAt }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": types.CancelSubscriptionDocument,
    "\n  query Cards {\n    viewer {\n      customer {\n        defaultPaymentMethod { id }\n        paymentMethods { id card { brand last4 expMonth expYear } }\n        capabilities { updatePaymentMethods addPaymentMethods removeLastPaymentMethod }\n      }\n    }\n  }\n": types.CardsDocument,
    "\n  mutation CreateSetupIntent($input: CreateSetupIntentInput!) {\n    createSetupIntent(input: $input) {\n      setupIntent { id clientSecret }\n      publishableKey\n      userErrors { ...UserErrorFields }\n    }\n  }\n": types.CreateSetupIntentDocument,
    "\n  mutation CompleteSetupIntent($input: CompleteSetupIntentInput!) {\n    completeSetupIntent(input: $input) {\n      paymentMethod { id card { brand last4 } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": types.CompleteSetupIntentDocument,
    "\n  mutation SetDefaultPaymentMethod($input: SetDefaultPaymentMethodInput!) {\n    setDefaultPaymentMethod(input: $input) {\n      paymentMethod { id }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": types.SetDefaultPaymentMethodDocument,
    "\n  mutation DetachPaymentMethod($input: DetachPaymentMethodInput!) {\n    detachPaymentMethod(input: $input) {\n      paymentMethod { id }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": types.DetachPaymentMethodDocument,
    "\n  mutation PayInvoice($input: PayInvoiceInput!, $locale: String!) {\n    payInvoice(input: $input) {\n      outcome\n      clientSecret\n      invoice { id status amountPaid { formatted(locale: $locale) } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n": types.PayInvoiceDocument,
    "\n  subscription BillingChanged {\n    billingChanged { customerId topics occurredAt }\n  }\n": types.BillingChangedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserErrorFields on UserError {\n    code\n    message\n    field\n  }\n"): (typeof documents)["\n  fragment UserErrorFields on UserError {\n    code\n    message\n    field\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard($locale: String!, $invoices: Int!) {\n    viewer {\n      scopes\n      customer {\n        id\n        name\n        email\n        paymentAttentionNeeded\n        capabilities { viewInvoices updatePaymentMethods addPaymentMethods payInvoices }\n        defaultPaymentMethod { id }\n        subscriptions {\n          id\n          status\n          currentPeriodEnd\n          scheduledToCancel\n          cancelAt\n          items {\n            id\n            quantity\n            price {\n              id\n              product { name }\n              unitAmount { amount formatted(locale: $locale) }\n              recurring { interval intervalCount }\n            }\n          }\n          allowedPlanChanges { id product { name } unitAmount { formatted(locale: $locale) } }\n          openInvoice { id number amountRemaining { formatted(locale: $locale) } }\n          actions {\n            changePlan { allowed }\n            cancel { allowed mode reasons }\n            reactivate { allowed }\n            payInvoice { allowed }\n          }\n        }\n        upcomingInvoice { periodEnd amountDue { formatted(locale: $locale) } }\n        invoices(first: $invoices) {\n          edges {\n            node {\n              id number status created total { formatted(locale: $locale) } hostedInvoiceUrl\n              actions { pay { allowed } }\n            }\n          }\n          pageInfo { hasNextPage endCursor }\n        }\n        paymentMethods { id card { brand last4 expMonth expYear } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dashboard($locale: String!, $invoices: Int!) {\n    viewer {\n      scopes\n      customer {\n        id\n        name\n        email\n        paymentAttentionNeeded\n        capabilities { viewInvoices updatePaymentMethods addPaymentMethods payInvoices }\n        defaultPaymentMethod { id }\n        subscriptions {\n          id\n          status\n          currentPeriodEnd\n          scheduledToCancel\n          cancelAt\n          items {\n            id\n            quantity\n            price {\n              id\n              product { name }\n              unitAmount { amount formatted(locale: $locale) }\n              recurring { interval intervalCount }\n            }\n          }\n          allowedPlanChanges { id product { name } unitAmount { formatted(locale: $locale) } }\n          openInvoice { id number amountRemaining { formatted(locale: $locale) } }\n          actions {\n            changePlan { allowed }\n            cancel { allowed mode reasons }\n            reactivate { allowed }\n            payInvoice { allowed }\n          }\n        }\n        upcomingInvoice { periodEnd amountDue { formatted(locale: $locale) } }\n        invoices(first: $invoices) {\n          edges {\n            node {\n              id number status created total { formatted(locale: $locale) } hostedInvoiceUrl\n              actions { pay { allowed } }\n            }\n          }\n          pageInfo { hasNextPage endCursor }\n        }\n        paymentMethods { id card { brand last4 expMonth expYear } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvoicesPage($locale: String!, $first: Int!, $after: String) {\n    viewer {\n      customer {\n        invoices(first: $first, after: $after) {\n          edges {\n            node {\n              id\n              number\n              status\n              created\n              total { amount formatted(locale: $locale) }\n              hostedInvoiceUrl\n              invoicePdf\n              actions { pay { allowed } }\n            }\n          }\n          pageInfo { hasNextPage endCursor }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query InvoicesPage($locale: String!, $first: Int!, $after: String) {\n    viewer {\n      customer {\n        invoices(first: $first, after: $after) {\n          edges {\n            node {\n              id\n              number\n              status\n              created\n              total { amount formatted(locale: $locale) }\n              hostedInvoiceUrl\n              invoicePdf\n              actions { pay { allowed } }\n            }\n          }\n          pageInfo { hasNextPage endCursor }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PreviewPlanChange($input: PreviewPlanChangeInput!, $locale: String!) {\n    previewPlanChange(input: $input) {\n      preview {\n        prorationDate\n        amountDueNow { amount formatted(locale: $locale) }\n        nextInvoice { periodEnd total { amount formatted(locale: $locale) } }\n      }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"): (typeof documents)["\n  mutation PreviewPlanChange($input: PreviewPlanChangeInput!, $locale: String!) {\n    previewPlanChange(input: $input) {\n      preview {\n        prorationDate\n        amountDueNow { amount formatted(locale: $locale) }\n        nextInvoice { periodEnd total { amount formatted(locale: $locale) } }\n      }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePlan($input: ChangePlanInput!) {\n    changePlan(input: $input) {\n      subscription { id status items { id quantity price { id } } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"): (typeof documents)["\n  mutation ChangePlan($input: ChangePlanInput!) {\n    changePlan(input: $input) {\n      subscription { id status items { id quantity price { id } } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelSubscription($input: CancelSubscriptionInput!) {\n    cancelSubscription(input: $input) {\n      subscription { id status scheduledToCancel cancelAt }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"): (typeof documents)["\n  mutation CancelSubscription($input: CancelSubscriptionInput!) {\n    cancelSubscription(input: $input) {\n      subscription { id status scheduledToCancel cancelAt }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Cards {\n    viewer {\n      customer {\n        defaultPaymentMethod { id }\n        paymentMethods { id card { brand last4 expMonth expYear } }\n        capabilities { updatePaymentMethods addPaymentMethods removeLastPaymentMethod }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Cards {\n    viewer {\n      customer {\n        defaultPaymentMethod { id }\n        paymentMethods { id card { brand last4 expMonth expYear } }\n        capabilities { updatePaymentMethods addPaymentMethods removeLastPaymentMethod }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSetupIntent($input: CreateSetupIntentInput!) {\n    createSetupIntent(input: $input) {\n      setupIntent { id clientSecret }\n      publishableKey\n      userErrors { ...UserErrorFields }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSetupIntent($input: CreateSetupIntentInput!) {\n    createSetupIntent(input: $input) {\n      setupIntent { id clientSecret }\n      publishableKey\n      userErrors { ...UserErrorFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteSetupIntent($input: CompleteSetupIntentInput!) {\n    completeSetupIntent(input: $input) {\n      paymentMethod { id card { brand last4 } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteSetupIntent($input: CompleteSetupIntentInput!) {\n    completeSetupIntent(input: $input) {\n      paymentMethod { id card { brand last4 } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetDefaultPaymentMethod($input: SetDefaultPaymentMethodInput!) {\n    setDefaultPaymentMethod(input: $input) {\n      paymentMethod { id }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"): (typeof documents)["\n  mutation SetDefaultPaymentMethod($input: SetDefaultPaymentMethodInput!) {\n    setDefaultPaymentMethod(input: $input) {\n      paymentMethod { id }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DetachPaymentMethod($input: DetachPaymentMethodInput!) {\n    detachPaymentMethod(input: $input) {\n      paymentMethod { id }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"): (typeof documents)["\n  mutation DetachPaymentMethod($input: DetachPaymentMethodInput!) {\n    detachPaymentMethod(input: $input) {\n      paymentMethod { id }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PayInvoice($input: PayInvoiceInput!, $locale: String!) {\n    payInvoice(input: $input) {\n      outcome\n      clientSecret\n      invoice { id status amountPaid { formatted(locale: $locale) } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"): (typeof documents)["\n  mutation PayInvoice($input: PayInvoiceInput!, $locale: String!) {\n    payInvoice(input: $input) {\n      outcome\n      clientSecret\n      invoice { id status amountPaid { formatted(locale: $locale) } }\n      userErrors { ...UserErrorFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BillingChanged {\n    billingChanged { customerId topics occurredAt }\n  }\n"): (typeof documents)["\n  subscription BillingChanged {\n    billingChanged { customerId topics occurredAt }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;