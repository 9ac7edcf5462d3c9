// The GraphQL documents the page sends. Fields that need a scope are asked for only when the session
// holds it (`@include`), so a narrower session gets a smaller page instead of FORBIDDEN errors. What the
// portal allows comes from the API (`capabilities`, each subscription's `actions`): the page decides nothing.

export const BOOT = /* GraphQL */ `
  query PortalBoot {
    viewer {
      scopes returnUrl locale
      portalFlow { type subscriptionId afterCompletion afterCompletionRedirectUrl confirmationMessage }
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
        actions { pay { allowed } }
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
    recurring { interval intervalCount usageType }
  }
`;

const USAGE = /* GraphQL */ `
  fragment PortalItemUsage on SubscriptionItem {
    meter { id displayName }
    usage { quantity charge { ${MONEY} } periodStart periodEnd asOf }
    price {
      tiersMode
      tiers { upTo unitAmount { ${MONEY} } flatAmount { ${MONEY} } }
    }
  }
`;

const CREDITS = /* GraphQL */ `
  fragment PortalCredits on CustomerCredits {
    asOf
    balances { available { amount ${MONEY} } pending { amount ${MONEY} } }
    grants {
      id name category usable effectiveAt expiresAt
      amount { ${MONEY} }
      remaining { amount ${MONEY} }
    }
  }
`;

export const DASHBOARD = /* GraphQL */ `
  query PortalDashboard(
    $locale: String!, $pageSize: Int!, $subscriptions: Boolean!, $invoices: Boolean!,
    $history: Boolean!, $paymentMethods: Boolean!, $details: Boolean!, $usage: Boolean!, $credits: Boolean!
  ) {
    viewer {
      customer {
        id
        ... @include(if: $details) {
          name email phone
          address { line1 line2 city state postalCode country }
          shipping { name phone address { line1 line2 city state postalCode country } }
          taxIds { id type value verificationStatus }
        }
        paymentAttentionNeeded @include(if: $subscriptions)
        subscriptions @include(if: $subscriptions) {
          id status currentPeriodEnd scheduledToCancel cancelAt trialEnd changeScheduled
          items { id quantity price { ...PortalPrice } quantityRange { minimum maximum } removable ...PortalItemUsage @include(if: $usage) }
          allowedPlanChanges { ...PortalPrice }
          availableAddOns { price { ...PortalPrice } quantityRange { minimum maximum } }
          openInvoice @include(if: $invoices) { id number amountRemaining { ${MONEY} } }
          lastPaymentError @include(if: $invoices) { message }
          pause {
            resumesAt
            renewalCharge @include(if: $invoices) { ${MONEY} }
          }
          actions {
            payInvoice { allowed }
            changePlan { allowed }
            cancel { allowed mode reasons }
            reactivate { allowed }
            pause { allowed indefinite durations { interval intervalCount } }
            resume { allowed }
          }
        }
        upcomingInvoices @include(if: $invoices) {
          created
          amountDue { ${MONEY} }
          balanceApplied { amount ${MONEY} }
          creditApplied { amount ${MONEY} }
          subscription { id }
          lines { id description quantity proration periodStart product { name } amount { amount ${MONEY} } }
        }
        invoices(first: $pageSize) @include(if: $history) { ...InvoicePage }
        paymentMethods @include(if: $paymentMethods) {
          id type billingName
          card { brand last4 expMonth expYear wallet }
        }
        defaultPaymentMethod @include(if: $paymentMethods) { id }
        capabilities @include(if: $paymentMethods) { removeLastPaymentMethod }
        credits @include(if: $credits) { ...PortalCredits }
      }
    }
  }
  ${PRICE}
  ${INVOICE_PAGE}
  ${USAGE}
  ${CREDITS}
`;

// The open invoices, for the banner: asked only when a payment needs the customer, since one that bills no
// subscription (a one-off invoice) is owed too; a customer in good standing costs nothing more.
export const OPEN_INVOICES = /* GraphQL */ `
  query PortalOpenInvoices($locale: String!) {
    viewer {
      customer {
        invoices(status: OPEN, first: 20) {
          edges { node { id number amountRemaining { ${MONEY} } actions { pay { allowed } } } }
        }
      }
    }
  }
`;

// A metered item's usage per UTC day, for its chart: read after the dashboard, once it names the meter.
export const USAGE_TIMELINE = /* GraphQL */ `
  query PortalUsageTimeline($meter: ID!, $from: DateTime!, $to: DateTime!) {
    viewer {
      customer {
        usage(meterId: $meter, from: $from, to: $to, granularity: DAY) {
          total asOf
          points { start value }
        }
      }
    }
  }
`;

// What cancelling now credits: asked when the cancel dialog opens, as it costs Stripe a preview.
export const CANCEL_CREDIT = /* GraphQL */ `
  query PortalCancelCredit($id: ID!, $locale: String!) {
    node(id: $id) { ... on Subscription { actions { cancel { credit { amount ${MONEY} } } } } }
  }
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

// Told of each change of the customer's billing, made anywhere, so that the page reads it again.
export const CHANGES = /* GraphQL */ `
  subscription PortalChanges { billingChanged { topics } }
`;
