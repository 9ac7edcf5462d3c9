// The GraphQL documents the page sends. Fields that need a scope are asked for only when the session
// holds it (`@include`), so a narrower session gets a smaller page instead of FORBIDDEN errors. What the
// portal allows comes from the API (`capabilities`, each subscription's `actions`): the page decides nothing.

export const BOOT = /* GraphQL */ `
  query PortalBoot {
    viewer {
      scopes returnUrl
      customer {
        id
        capabilities { viewInvoices updatePaymentMethods addPaymentMethods payInvoices updateCustomerFields }
      }
    }
    portalConfiguration {
      defaultReturnUrl
      businessProfile { headline privacyPolicyUrl termsOfServiceUrl }
    }
  }
`;

const INVOICE_PAGE = /* GraphQL */ `
  fragment InvoicePage on InvoiceConnection {
    edges {
      node {
        id number status created
        total { formatted(locale: $locale) }
        hostedInvoiceUrl invoicePdf
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
`;

const MONEY = 'formatted(locale: $locale)';

const PRICE = /* GraphQL */ `
  fragment PortalPrice on Price {
    id nickname
    product { id name }
    unitAmount { amount ${MONEY} }
    recurring { interval intervalCount }
  }
`;

export const DASHBOARD = /* GraphQL */ `
  query PortalDashboard(
    $locale: String!, $pageSize: Int!, $subscriptions: Boolean!, $invoices: Boolean!,
    $history: Boolean!, $paymentMethods: Boolean!, $details: Boolean!
  ) {
    viewer {
      customer {
        id
        ... @include(if: $details) {
          name email phone
          address { line1 line2 city state postalCode country }
        }
        paymentAttentionNeeded @include(if: $subscriptions)
        subscriptions @include(if: $subscriptions) {
          id status currentPeriodEnd scheduledToCancel cancelAt trialEnd
          items { id quantity price { ...PortalPrice } }
          allowedPlanChanges { ...PortalPrice }
          openInvoice @include(if: $invoices) { id number amountRemaining { ${MONEY} } }
          lastPaymentError @include(if: $invoices) { message }
          actions {
            payInvoice { allowed }
            changePlan { allowed }
            cancel { allowed mode reasons }
            reactivate { allowed }
          }
        }
        upcomingInvoice @include(if: $invoices) {
          periodEnd
          amountDue { ${MONEY} }
          lines { id description quantity proration periodStart product { name } amount { amount ${MONEY} } }
        }
        invoices(first: $pageSize) @include(if: $history) { ...InvoicePage }
        paymentMethods @include(if: $paymentMethods) {
          id type billingName
          card { brand last4 expMonth expYear wallet }
        }
        defaultPaymentMethod @include(if: $paymentMethods) { id }
        capabilities @include(if: $paymentMethods) { removeLastPaymentMethod }
      }
    }
  }
  ${PRICE}
  ${INVOICE_PAGE}
`;

export const INVOICES = /* GraphQL */ `
  query PortalInvoices($locale: String!, $first: Int, $after: String, $last: Int, $before: String) {
    viewer {
      customer {
        invoices(first: $first, after: $after, last: $last, before: $before) { ...InvoicePage }
      }
    }
  }
  ${INVOICE_PAGE}
`;
