// The mutations the page makes. Each payload carries `userErrors`; the page shows them next to the control
// they concern (`field` is the input path, such as ["input", "priceId"]).

const USER_ERRORS = 'userErrors { code message field }';

export const PREVIEW_PLAN_CHANGE = /* GraphQL */ `
  mutation PortalPreviewPlanChange($input: PreviewPlanChangeInput!, $locale: String!) {
    previewPlanChange(input: $input) {
      preview {
        prorationDate effectiveAt
        amountDueNow { amount formatted(locale: $locale) }
        credit { amount formatted(locale: $locale) }
        balanceAppliedNow { amount formatted(locale: $locale) }
        prorationLines { id description quantity proration periodStart product { name } amount { amount formatted(locale: $locale) } }
        nextInvoice { periodEnd total { amount formatted(locale: $locale) } }
      }
      ${USER_ERRORS}
    }
  }
`;

export const CHANGE_PLAN = /* GraphQL */ `
  mutation PortalChangePlan($input: ChangePlanInput!) {
    changePlan(input: $input) { subscription { id } ${USER_ERRORS} }
  }
`;

export const CANCEL_SUBSCRIPTION = /* GraphQL */ `
  mutation PortalCancelSubscription($input: CancelSubscriptionInput!) {
    cancelSubscription(input: $input) { subscription { id status cancelAt currentPeriodEnd } ${USER_ERRORS} }
  }
`;

export const START_CANCELLATION = /* GraphQL */ `
  mutation PortalStartCancellation($input: StartCancellationInput!, $locale: String!) {
    startCancellation(input: $input) {
      offer {
        id name kind
        coupon { percentOff amountOff { formatted(locale: $locale) } duration durationInMonths }
        pause { interval intervalCount }
        priceSwitch { unitAmount { formatted(locale: $locale) } price { id product { name } recurring { interval intervalCount } } }
      }
      ${USER_ERRORS}
    }
  }
`;

export const ACCEPT_RETENTION_OFFER = /* GraphQL */ `
  mutation PortalAcceptRetentionOffer($input: AcceptRetentionOfferInput!) {
    acceptRetentionOffer(input: $input) { subscription { id } ${USER_ERRORS} }
  }
`;

export const PREVIEW_PAUSE = /* GraphQL */ `
  mutation PortalPreviewPause($input: PreviewPauseInput!, $locale: String!) {
    previewPause(input: $input) {
      preview { resumesAt nextChargeAt renewalCharge { formatted(locale: $locale) } }
      ${USER_ERRORS}
    }
  }
`;

export const PAUSE_SUBSCRIPTION = /* GraphQL */ `
  mutation PortalPauseSubscription($input: PauseSubscriptionInput!) {
    pauseSubscription(input: $input) { subscription { id pause { resumesAt } } ${USER_ERRORS} }
  }
`;

export const RESUME_SUBSCRIPTION = /* GraphQL */ `
  mutation PortalResumeSubscription($input: ResumeSubscriptionInput!) {
    resumeSubscription(input: $input) { subscription { id currentPeriodEnd } ${USER_ERRORS} }
  }
`;

export const REACTIVATE_SUBSCRIPTION = /* GraphQL */ `
  mutation PortalReactivateSubscription($input: ReactivateSubscriptionInput!) {
    reactivateSubscription(input: $input) { subscription { id currentPeriodEnd } ${USER_ERRORS} }
  }
`;

export const SET_DEFAULT_PAYMENT_METHOD = /* GraphQL */ `
  mutation PortalSetDefaultPaymentMethod($input: SetDefaultPaymentMethodInput!) {
    setDefaultPaymentMethod(input: $input) { paymentMethod { id } ${USER_ERRORS} }
  }
`;

export const DETACH_PAYMENT_METHOD = /* GraphQL */ `
  mutation PortalDetachPaymentMethod($input: DetachPaymentMethodInput!) {
    detachPaymentMethod(input: $input) { paymentMethod { id } ${USER_ERRORS} }
  }
`;

export const UPDATE_CUSTOMER = /* GraphQL */ `
  mutation PortalUpdateCustomer($input: UpdateCustomerInput!) {
    updateCustomer(input: $input) { customer { id } ${USER_ERRORS} }
  }
`;

export const ADD_TAX_ID = /* GraphQL */ `
  mutation PortalAddTaxId($input: AddTaxIdInput!) {
    addTaxId(input: $input) { taxId { id } ${USER_ERRORS} }
  }
`;

export const REMOVE_TAX_ID = /* GraphQL */ `
  mutation PortalRemoveTaxId($input: RemoveTaxIdInput!) {
    removeTaxId(input: $input) { taxId { id } ${USER_ERRORS} }
  }
`;

export const CREATE_SETUP_INTENT = /* GraphQL */ `
  mutation PortalCreateSetupIntent($input: CreateSetupIntentInput!) {
    createSetupIntent(input: $input) { setupIntent { id clientSecret } ${USER_ERRORS} }
  }
`;

export const COMPLETE_SETUP_INTENT = /* GraphQL */ `
  mutation PortalCompleteSetupIntent($input: CompleteSetupIntentInput!) {
    completeSetupIntent(input: $input) { paymentMethod { id card { brand last4 } } ${USER_ERRORS} }
  }
`;

export const PAY_INVOICE = /* GraphQL */ `
  mutation PortalPayInvoice($input: PayInvoiceInput!, $locale: String!) {
    payInvoice(input: $input) {
      outcome clientSecret
      invoice { id status amountPaid { formatted(locale: $locale) } }
      ${USER_ERRORS}
    }
  }
`;
