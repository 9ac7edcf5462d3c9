"""The `Mutation` root: every change the API makes.

Each mutation takes one `input` and returns a payload with its result and `userErrors`. Expected refusals
(the portal configuration does not allow it, a card is declined, an amount is too large) are `userErrors`
and change nothing; a missing credential or scope, and outages, are GraphQL errors. Every mutation is safe
to retry and leaves an audit event.
"""

import strawberry

from schema.mutations.cancellation import SubscriptionPayload, cancel_subscription, reactivate_subscription
from schema.mutations.card_setup import (
    CompleteSetupIntentPayload,
    CreateSetupIntentPayload,
    complete_setup_intent,
    create_setup_intent,
)
from schema.mutations.customer_sessions import (
    CreateCustomerSessionPayload,
    RevokeCustomerSessionPayload,
    create_customer_session,
    revoke_customer_session,
)
from schema.mutations.customers import UpdateCustomerPayload, update_customer
from schema.mutations.event_endpoints import (
    CreateEventEndpointPayload,
    DisableEventEndpointPayload,
    RedeliverEventsPayload,
    create_event_endpoint,
    disable_event_endpoint,
    redeliver_events,
)
from schema.mutations.external_ids import LinkExternalCustomerIdPayload, link_external_customer_id
from schema.mutations.invoice_payment import PayInvoicePayload, pay_invoice
from schema.mutations.invoices import InvoicePayload, create_invoice, finalize_invoice, void_invoice
from schema.mutations.pausing import (
    PreviewPausePayload,
    pause_subscription,
    preview_pause,
    resume_subscription,
)
from schema.mutations.payment_methods import (
    DetachPaymentMethodPayload,
    SetDefaultPaymentMethodPayload,
    detach_payment_method,
    set_default_payment_method,
)
from schema.mutations.plans import (
    ChangePlanPayload,
    PreviewPlanChangePayload,
    change_plan,
    preview_plan_change,
)
from schema.mutations.portal_sessions import CreatePortalSessionPayload, create_portal_session
from schema.mutations.refunds import RefundPaymentPayload, refund_payment
from schema.mutations.retention import (
    RetentionOfferPayload,
    StartCancellationPayload,
    accept_retention_offer,
    archive_retention_offer,
    create_retention_offer,
    start_cancellation,
)
from schema.mutations.tax_ids import TaxIdPayload, add_tax_id, remove_tax_id
from schema.mutations.usage import RecordUsagePayload, record_usage


@strawberry.type(
    description="Change billing: portal sessions, plans, cancellations, refunds, payment methods."
)
class Mutation:
    create_portal_session: CreatePortalSessionPayload = strawberry.mutation(
        resolver=create_portal_session,
        description="A link into Stripe's portal or this service's, optionally on one step (API keys "
        "only). User errors: NOT_FOUND, INVALID_INPUT, FEATURE_DISABLED, SUBSCRIPTION_ENDED, "
        "IDEMPOTENCY_KEY_REUSED.",
    )
    create_customer_session: CreateCustomerSessionPayload = strawberry.mutation(
        resolver=create_customer_session,
        description="A bearer token for one customer's data, for a product's own SPA (API keys only). "
        "User errors: NOT_FOUND, INVALID_INPUT.",
    )
    revoke_customer_session: RevokeCustomerSessionPayload = strawberry.mutation(
        resolver=revoke_customer_session,
        description="End a customer session; a customer session may end its own customer's (log out). "
        "User errors: NOT_FOUND, INVALID_INPUT.",
    )
    preview_plan_change: PreviewPlanChangePayload = strawberry.mutation(
        resolver=preview_plan_change,
        description="What moving a subscription to another price or quantity would cost; changes nothing. "
        "Needs `subscriptions:write`. User errors: as `changePlan`.",
    )
    change_plan: ChangePlanPayload = strawberry.mutation(
        resolver=change_plan,
        description="Move a subscription to another price or quantity at the previewed proration date. Needs "
        "`subscriptions:write`. User errors: NOT_FOUND, FEATURE_DISABLED, PRICE_NOT_ALLOWED, "
        "QUANTITY_NOT_ALLOWED, SUBSCRIPTION_NOT_ACTIVE, SUBSCRIPTION_ENDED, PRORATION_DATE_OUT_OF_PERIOD, "
        "PAYMENT_FAILED, IDEMPOTENCY_KEY_REUSED, INVALID_INPUT.",
    )
    cancel_subscription: SubscriptionPayload = strawberry.mutation(
        resolver=cancel_subscription,
        description="Cancel a subscription at the end of its period or now, with the reason. Needs "
        "`subscriptions:write`. User errors: NOT_FOUND, SUBSCRIPTION_ENDED, FEATURE_DISABLED, "
        "CANCEL_MODE_NOT_ALLOWED, CANCELLATION_REASON_NOT_ALLOWED.",
    )
    reactivate_subscription: SubscriptionPayload = strawberry.mutation(
        resolver=reactivate_subscription,
        description="Take back a scheduled cancellation. Needs `subscriptions:write`. User errors: "
        "NOT_FOUND, SUBSCRIPTION_ENDED.",
    )
    preview_pause: PreviewPausePayload = strawberry.mutation(
        resolver=preview_pause,
        description="When pausing a subscription's payments for a length would end, and what the first "
        "charge after it would be; changes nothing. Needs `subscriptions:write`. User errors: as "
        "`pauseSubscription`.",
    )
    pause_subscription: SubscriptionPayload = strawberry.mutation(
        resolver=pause_subscription,
        description="Pause a subscription's payments for a length (or until resumed): it keeps renewing, its "
        "invoices are voided, and payments resume by themselves. Needs `subscriptions:write`. User errors: "
        "NOT_FOUND, FEATURE_DISABLED, PAUSE_DURATION_NOT_ALLOWED, ALREADY_PAUSED, SUBSCRIPTION_NOT_ACTIVE, "
        "SUBSCRIPTION_ENDED, IDEMPOTENCY_KEY_REUSED, INVALID_INPUT.",
    )
    resume_subscription: SubscriptionPayload = strawberry.mutation(
        resolver=resume_subscription,
        description="Resume a subscription's paused payments now; the next renewal is charged. Needs "
        "`subscriptions:write`. User errors: NOT_FOUND, SUBSCRIPTION_ENDED.",
    )
    start_cancellation: StartCancellationPayload = strawberry.mutation(
        resolver=start_cancellation,
        description="A customer starts cancelling and says why: the retention offer that fits, shown once "
        "per customer, or none. Changes nothing in Stripe. Needs `subscriptions:write`. User errors: "
        "NOT_FOUND, SUBSCRIPTION_ENDED, FEATURE_DISABLED, CANCELLATION_REASON_NOT_ALLOWED.",
    )
    accept_retention_offer: SubscriptionPayload = strawberry.mutation(
        resolver=accept_retention_offer,
        description="Take the retention offer `startCancellation` showed instead of cancelling; applied "
        "once, however often it is sent. Needs `subscriptions:write`. User errors: NOT_FOUND, "
        "OFFER_NOT_AVAILABLE, SUBSCRIPTION_ENDED, ALREADY_PAUSED, SUBSCRIPTION_NOT_ACTIVE, "
        "PRICE_NOT_ALLOWED.",
    )
    create_retention_offer: RetentionOfferPayload = strawberry.mutation(
        resolver=create_retention_offer,
        description="Make a retention offer (API keys only). User errors: INVALID_INPUT, INVALID_AMOUNT, "
        "PAUSE_DURATION_NOT_ALLOWED, NOT_FOUND, PRICE_NOT_ALLOWED, IDEMPOTENCY_KEY_REUSED.",
    )
    archive_retention_offer: RetentionOfferPayload = strawberry.mutation(
        resolver=archive_retention_offer,
        description="Stop making a retention offer (API keys only); it stays in the report. User errors: "
        "NOT_FOUND.",
    )
    refund_payment: RefundPaymentPayload = strawberry.mutation(
        resolver=refund_payment,
        description="Refund an invoice's payment or a payment intent, in full or in part (API keys only). "
        "User errors: NOT_FOUND, AMOUNT_TOO_LARGE, ALREADY_REFUNDED, NOT_REFUNDABLE, INVALID_AMOUNT, "
        "IDEMPOTENCY_KEY_REUSED, INVALID_INPUT.",
    )
    set_default_payment_method: SetDefaultPaymentMethodPayload = strawberry.mutation(
        resolver=set_default_payment_method,
        description="Make a payment method its customer's default. Needs `payment_methods:write`. User "
        "errors: NOT_FOUND, FEATURE_DISABLED.",
    )
    detach_payment_method: DetachPaymentMethodPayload = strawberry.mutation(
        resolver=detach_payment_method,
        description="Remove a payment method from its customer. Needs `payment_methods:write`. User errors: "
        "NOT_FOUND, FEATURE_DISABLED, LAST_PAYMENT_METHOD.",
    )
    create_setup_intent: CreateSetupIntentPayload = strawberry.mutation(
        resolver=create_setup_intent,
        description="Start adding a card: a SetupIntent and the publishable key for Stripe.js to collect it "
        "with. Needs `payment_methods:write`. User errors: NOT_FOUND, FEATURE_DISABLED, INVALID_INPUT.",
    )
    complete_setup_intent: CompleteSetupIntentPayload = strawberry.mutation(
        resolver=complete_setup_intent,
        description="After Stripe.js has confirmed a SetupIntent: the saved card, made the default when "
        "asked. Safe to call again. Needs `payment_methods:write`. User errors: NOT_FOUND, CARD_DECLINED, "
        "SETUP_NOT_COMPLETE.",
    )
    pay_invoice: PayInvoicePayload = strawberry.mutation(
        resolver=pay_invoice,
        description="Pay an open invoice now with a saved card. Needs `invoices:write`. User errors: "
        "NOT_FOUND, FEATURE_DISABLED, INVOICE_NOT_OPEN, CARD_DECLINED, IDEMPOTENCY_KEY_REUSED, "
        "INVALID_INPUT.",
    )
    record_usage: RecordUsagePayload = strawberry.mutation(
        resolver=record_usage,
        description="Report a customer's usage of a meter, billed on its metered prices (API keys only); "
        "a retry with the same identifier never counts twice. User errors: NOT_FOUND, INVALID_INPUT, "
        "IDEMPOTENCY_KEY_REUSED.",
    )
    update_customer: UpdateCustomerPayload = strawberry.mutation(
        resolver=update_customer,
        description="Change a customer's contact details and shipping address. Needs `customer:write`. "
        "User errors: NOT_FOUND, FEATURE_DISABLED, FIELD_NOT_ALLOWED, INVALID_EMAIL, INVALID_INPUT.",
    )
    add_tax_id: TaxIdPayload = strawberry.mutation(
        resolver=add_tax_id,
        description="Add a tax ID to a customer; one they already have is answered with, not added again. "
        "Needs `customer:write`. User errors: NOT_FOUND, FEATURE_DISABLED, FIELD_NOT_ALLOWED, "
        "INVALID_TAX_ID, INVALID_INPUT.",
    )
    remove_tax_id: TaxIdPayload = strawberry.mutation(
        resolver=remove_tax_id,
        description="Remove one of a customer's tax IDs. Needs `customer:write`. User errors: NOT_FOUND, "
        "FEATURE_DISABLED, FIELD_NOT_ALLOWED.",
    )
    create_event_endpoint: CreateEventEndpointPayload = strawberry.mutation(
        resolver=create_event_endpoint,
        description="Register a URL to receive the audit trail's changes as signed Standard Webhooks "
        "requests (API keys only). Safe to retry: an enabled endpoint of that URL is returned. User errors: "
        "INVALID_INPUT.",
    )
    disable_event_endpoint: DisableEventEndpointPayload = strawberry.mutation(
        resolver=disable_event_endpoint,
        description="Stop delivering events to an endpoint (API keys only). User errors: NOT_FOUND.",
    )
    redeliver_events: RedeliverEventsPayload = strawberry.mutation(
        resolver=redeliver_events,
        description="Deliver an endpoint's events again, such as those given up on while it was down (API "
        "keys only). User errors: NOT_FOUND, INVALID_INPUT.",
    )
    link_external_customer_id: LinkExternalCustomerIdPayload = strawberry.mutation(
        resolver=link_external_customer_id,
        description="Map the product's own id for a user or company to a customer (API keys only), kept in "
        "this service's database and in the customer's Stripe metadata (`portalql_external_id`). Safe to "
        "retry. User errors: NOT_FOUND, INVALID_INPUT, EXTERNAL_ID_TAKEN.",
    )
    create_invoice: InvoicePayload = strawberry.mutation(
        resolver=create_invoice,
        description="A one-off invoice with the given lines, finalized and sent when asked (API keys only). "
        "A retry with the same key never makes a second invoice or a line twice. User errors: NOT_FOUND, "
        "INVALID_INPUT, INVALID_AMOUNT, IDEMPOTENCY_KEY_REUSED.",
    )
    finalize_invoice: InvoicePayload = strawberry.mutation(
        resolver=finalize_invoice,
        description="Finalize a draft invoice: it is numbered and gets its hosted page (API keys only). An "
        "open one is answered as it is. User errors: NOT_FOUND, INVOICE_NOT_DRAFT, INVALID_INPUT.",
    )
    void_invoice: InvoicePayload = strawberry.mutation(
        resolver=void_invoice,
        description="Void an open or uncollectible invoice (API keys only); a void one is answered as it is. "
        "User errors: NOT_FOUND, INVOICE_NOT_OPEN, INVALID_INPUT.",
    )
