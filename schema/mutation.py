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
from schema.mutations.invoice_payment import PayInvoicePayload, pay_invoice
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
        description="Change a customer's contact details. Needs `customer:write`. User errors: NOT_FOUND, "
        "FEATURE_DISABLED, FIELD_NOT_ALLOWED, INVALID_EMAIL, INVALID_INPUT.",
    )
