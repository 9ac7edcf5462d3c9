// The portal's common operations, as typed documents. GraphQL Code Generator reads these `graphql()` calls,
// checks each against schema.graphql and writes its result and variables types into src/gql/; its id in
// persisted-documents.json is the SHA-256 of the text, which `portalql documents load` trusts.
import { graphql } from "./gql/index.js";

export const UserErrorFields = graphql(`
  fragment UserErrorFields on UserError {
    code
    message
    field
  }
`);

export const Dashboard = graphql(`
  query Dashboard($locale: String!, $invoices: Int!) {
    viewer {
      scopes
      customer {
        id
        name
        email
        paymentAttentionNeeded
        capabilities { viewInvoices updatePaymentMethods addPaymentMethods payInvoices }
        defaultPaymentMethod { id }
        subscriptions {
          id
          status
          currentPeriodEnd
          scheduledToCancel
          cancelAt
          items {
            id
            quantity
            price {
              id
              product { name }
              unitAmount { amount formatted(locale: $locale) }
              recurring { interval intervalCount }
            }
          }
          allowedPlanChanges { id product { name } unitAmount { formatted(locale: $locale) } }
          openInvoice { id number amountRemaining { formatted(locale: $locale) } }
          actions {
            changePlan { allowed }
            cancel { allowed mode reasons }
            reactivate { allowed }
            payInvoice { allowed }
          }
        }
        upcomingInvoice { periodEnd amountDue { formatted(locale: $locale) } }
        invoices(first: $invoices) {
          edges {
            node {
              id number status created total { formatted(locale: $locale) } hostedInvoiceUrl
              actions { pay { allowed } }
            }
          }
          pageInfo { hasNextPage endCursor }
        }
        paymentMethods { id card { brand last4 expMonth expYear } }
      }
    }
  }
`);

export const InvoicesPage = graphql(`
  query InvoicesPage($locale: String!, $first: Int!, $after: String) {
    viewer {
      customer {
        invoices(first: $first, after: $after) {
          edges {
            node {
              id
              number
              status
              created
              total { amount formatted(locale: $locale) }
              hostedInvoiceUrl
              invoicePdf
              actions { pay { allowed } }
            }
          }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`);

export const PreviewPlanChange = graphql(`
  mutation PreviewPlanChange($input: PreviewPlanChangeInput!, $locale: String!) {
    previewPlanChange(input: $input) {
      preview {
        prorationDate
        amountDueNow { amount formatted(locale: $locale) }
        nextInvoice { periodEnd total { amount formatted(locale: $locale) } }
      }
      userErrors { ...UserErrorFields }
    }
  }
`);

export const ChangePlan = graphql(`
  mutation ChangePlan($input: ChangePlanInput!) {
    changePlan(input: $input) {
      subscription { id status items { id quantity price { id } } }
      userErrors { ...UserErrorFields }
    }
  }
`);

export const CancelSubscription = graphql(`
  mutation CancelSubscription($input: CancelSubscriptionInput!) {
    cancelSubscription(input: $input) {
      subscription { id status scheduledToCancel cancelAt }
      userErrors { ...UserErrorFields }
    }
  }
`);

export const Cards = graphql(`
  query Cards {
    viewer {
      customer {
        defaultPaymentMethod { id }
        paymentMethods { id card { brand last4 expMonth expYear } }
        capabilities { updatePaymentMethods addPaymentMethods removeLastPaymentMethod }
      }
    }
  }
`);

export const CreateSetupIntent = graphql(`
  mutation CreateSetupIntent($input: CreateSetupIntentInput!) {
    createSetupIntent(input: $input) {
      setupIntent { id clientSecret }
      publishableKey
      userErrors { ...UserErrorFields }
    }
  }
`);

export const CompleteSetupIntent = graphql(`
  mutation CompleteSetupIntent($input: CompleteSetupIntentInput!) {
    completeSetupIntent(input: $input) {
      paymentMethod { id card { brand last4 } }
      userErrors { ...UserErrorFields }
    }
  }
`);

export const SetDefaultPaymentMethod = graphql(`
  mutation SetDefaultPaymentMethod($input: SetDefaultPaymentMethodInput!) {
    setDefaultPaymentMethod(input: $input) {
      paymentMethod { id }
      userErrors { ...UserErrorFields }
    }
  }
`);

export const DetachPaymentMethod = graphql(`
  mutation DetachPaymentMethod($input: DetachPaymentMethodInput!) {
    detachPaymentMethod(input: $input) {
      paymentMethod { id }
      userErrors { ...UserErrorFields }
    }
  }
`);

export const PayInvoice = graphql(`
  mutation PayInvoice($input: PayInvoiceInput!, $locale: String!) {
    payInvoice(input: $input) {
      outcome
      clientSecret
      invoice { id status amountPaid { formatted(locale: $locale) } }
      userErrors { ...UserErrorFields }
    }
  }
`);

export const BillingChanged = graphql(`
  subscription BillingChanged {
    billingChanged { customerId topics occurredAt }
  }
`);
