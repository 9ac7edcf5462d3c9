"""GraphQL enums shared by several types.

Those of domain values are the domain's own enums, registered here with their descriptions by `graphql_enum`:
resolvers' values pass through, and a new domain value cannot miss the schema. Schema modules import them from
here, which registers them (an enum only one mutation uses is registered beside it). The rest list Stripe's
values for record fields kept as strings, read by `Enum(value)`.
"""

from enum import Enum

import strawberry

from resolvers.principals import Scope
from schema.enum_types import graphql_enum
from stripe_gateway.records import (
    BalanceTransactionType,
    CancellationFeedback,
    CancelMode,
    CollectionMethod,
    CreditCategory,
    CustomerDetail,
    Interval,
    InvoicePaymentStatus,
    InvoiceStatus,
    MeterFormula,
    PaymentMethodType,
    PriceType,
    ProrationBehavior,
    SubscriptionStatus,
    SubscriptionUpdateKind,
    TiersMode,
    UsageType,
    UsageWindow,
)

__all__ = [
    "BalanceTransactionType",
    "CancelMode",
    "CancellationFeedback",
    "CancellationReason",
    "ChargeStatus",
    "CollectionMethod",
    "CreditCategory",
    "CustomerDetail",
    "Interval",
    "InvoicePaymentStatus",
    "InvoiceStatus",
    "MeterFormula",
    "PaymentIntentStatus",
    "PaymentMethodType",
    "PriceType",
    "PrincipalKind",
    "ProrationBehavior",
    "RefundReason",
    "RefundStatus",
    "Scope",
    "SubscriptionStatus",
    "SubscriptionUpdateKind",
    "TiersMode",
    "UsageType",
    "UsageWindow",
]


graphql_enum(
    CollectionMethod,
    description="How an invoice, or a subscription's invoices, get paid.",
    values={
        CollectionMethod.CHARGE_AUTOMATICALLY: "Stripe charges the customer's default payment method.",
        CollectionMethod.SEND_INVOICE: (
            "The customer is emailed the invoice and pays it on its hosted page by the due date."
        ),
    },
)
graphql_enum(
    Scope,
    description="A permission a customer session carries. API keys hold them all.",
    values={
        Scope.SUBSCRIPTIONS_READ: "Read subscriptions.",
        Scope.SUBSCRIPTIONS_WRITE: "Change, cancel and reactivate subscriptions.",
        Scope.INVOICES_READ: "Read invoices and their payments.",
        Scope.INVOICES_WRITE: "Pay open invoices.",
        Scope.PAYMENT_METHODS_READ: "Read payment methods.",
        Scope.PAYMENT_METHODS_WRITE: "Add, remove and choose the default payment method.",
        Scope.CUSTOMER_READ: "Read the customer's contact details.",
        Scope.CUSTOMER_WRITE: "Change the customer's contact details the portal allows.",
        Scope.AUDIT_READ: "Read the audit trail.",
        Scope.USAGE_READ: "Read metered usage: this period's so far and its timeline.",
        Scope.CREDITS_READ: "Read credit grants, the credit balance and the balance's transactions.",
    },
)


graphql_enum(
    SubscriptionStatus,
    description="Where a subscription is in its life, as Stripe reports it.",
    values={
        SubscriptionStatus.INCOMPLETE: "The first payment has not succeeded yet.",
        SubscriptionStatus.INCOMPLETE_EXPIRED: "The first payment never succeeded; the subscription ended.",
        SubscriptionStatus.TRIALING: "In its free trial.",
        SubscriptionStatus.ACTIVE: "Paid up and running.",
        SubscriptionStatus.PAST_DUE: "The latest invoice is unpaid; Stripe is retrying.",
        SubscriptionStatus.CANCELED: "Ended; it bills no more.",
        SubscriptionStatus.UNPAID: "Retries are exhausted; invoices stay open.",
        SubscriptionStatus.PAUSED: "Paused: no invoices until it resumes.",
    },
)


graphql_enum(
    CancellationFeedback,
    description="The reason a customer gave for cancelling (Stripe's eight choices).",
    values={
        CancellationFeedback.CUSTOMER_SERVICE: "Unhappy with customer service.",
        CancellationFeedback.LOW_QUALITY: "Quality was lower than expected.",
        CancellationFeedback.MISSING_FEATURES: "Some features are missing.",
        CancellationFeedback.OTHER: "Another reason.",
        CancellationFeedback.SWITCHED_SERVICE: "Switched to another service.",
        CancellationFeedback.TOO_COMPLEX: "Too hard to use.",
        CancellationFeedback.TOO_EXPENSIVE: "Too expensive.",
        CancellationFeedback.UNUSED: "Not used enough.",
    },
)


graphql_enum(
    InvoiceStatus,
    description="Where an invoice is in its life.",
    values={
        InvoiceStatus.DRAFT: "Still being prepared; not yet sent or charged.",
        InvoiceStatus.OPEN: "Finalized and awaiting payment.",
        InvoiceStatus.PAID: "Paid in full.",
        InvoiceStatus.UNCOLLECTIBLE: "Deemed unlikely ever to be paid.",
        InvoiceStatus.VOID: "Cancelled; nothing is owed.",
    },
)


graphql_enum(
    InvoicePaymentStatus,
    description="Where one payment attempt on an invoice stands.",
    values={
        InvoicePaymentStatus.OPEN: "Attempted or in progress, not yet paid.",
        InvoicePaymentStatus.PAID: "Paid.",
        InvoicePaymentStatus.CANCELED: "Abandoned.",
    },
)


graphql_enum(
    PaymentMethodType,
    description="A kind of payment method.",
    values={
        PaymentMethodType.CARD: "A credit or debit card.",
        PaymentMethodType.SEPA_DEBIT: "A SEPA Direct Debit mandate.",
        PaymentMethodType.US_BANK_ACCOUNT: "A US bank account (ACH).",
        PaymentMethodType.LINK: "Stripe Link.",
        PaymentMethodType.OTHER: "Any other kind.",
    },
)


graphql_enum(
    PriceType,
    description="Whether a price is charged once or on a schedule.",
    values={
        PriceType.ONE_TIME: "Charged once.",
        PriceType.RECURRING: "Charged every billing interval.",
    },
)


graphql_enum(
    Interval,
    description="The unit of a billing interval.",
    values={
        Interval.DAY: "Days.",
        Interval.WEEK: "Weeks.",
        Interval.MONTH: "Months.",
        Interval.YEAR: "Years.",
    },
)


graphql_enum(
    CancelMode,
    description="When a cancellation in the portal takes effect.",
    values={
        CancelMode.AT_PERIOD_END: "At the end of the paid period.",
        CancelMode.IMMEDIATELY: "Right away.",
    },
)


@strawberry.enum(description="What kind of credential the caller presented.")
class PrincipalKind(Enum):
    API_KEY = strawberry.enum_value("api_key", description="The product's backend, with an API key.")
    CUSTOMER_SESSION = strawberry.enum_value(
        "customer_session", description="One customer, with a customer session token."
    )


@strawberry.enum(description="Why Stripe cancelled (or will cancel) a subscription.")
class CancellationReason(Enum):
    CANCELLATION_REQUESTED = strawberry.enum_value(
        "cancellation_requested", description="The customer or the merchant asked for it."
    )
    PAYMENT_DISPUTED = strawberry.enum_value("payment_disputed", description="A payment was disputed.")
    PAYMENT_FAILED = strawberry.enum_value("payment_failed", description="Payments kept failing.")
    CANCELED_BY_RETENTION_POLICY = strawberry.enum_value(
        "canceled_by_retention_policy", description="The account's retention settings ended it."
    )


@strawberry.enum(description="Where a refund stands.")
class RefundStatus(Enum):
    PENDING = strawberry.enum_value("pending", description="On its way back to the customer.")
    REQUIRES_ACTION = strawberry.enum_value("requires_action", description="Waiting for the customer.")
    SUCCEEDED = strawberry.enum_value("succeeded", description="Returned to the customer.")
    FAILED = strawberry.enum_value("failed", description="Could not be returned.")
    CANCELED = strawberry.enum_value("canceled", description="Cancelled before it went out.")


@strawberry.enum(description="Why a payment was refunded.")
class RefundReason(Enum):
    DUPLICATE = strawberry.enum_value("duplicate", description="The payment was a duplicate.")
    FRAUDULENT = strawberry.enum_value("fraudulent", description="The payment was fraudulent.")
    REQUESTED_BY_CUSTOMER = strawberry.enum_value(
        "requested_by_customer", description="The customer asked for it."
    )
    EXPIRED_UNCAPTURED_CHARGE = strawberry.enum_value(
        "expired_uncaptured_charge", description="An authorization expired before it was captured."
    )


@strawberry.enum(description="Where a charge stands.")
class ChargeStatus(Enum):
    SUCCEEDED = strawberry.enum_value("succeeded", description="The money was taken.")
    PENDING = strawberry.enum_value("pending", description="Not settled yet.")
    FAILED = strawberry.enum_value("failed", description="The charge failed.")


@strawberry.enum(description="Where a payment intent stands.")
class PaymentIntentStatus(Enum):
    REQUIRES_PAYMENT_METHOD = strawberry.enum_value(
        "requires_payment_method", description="Needs a (new) payment method."
    )
    REQUIRES_CONFIRMATION = strawberry.enum_value("requires_confirmation", description="Needs confirming.")
    REQUIRES_ACTION = strawberry.enum_value(
        "requires_action", description="Needs the customer, e.g. 3-D Secure."
    )
    PROCESSING = strawberry.enum_value("processing", description="Being processed.")
    REQUIRES_CAPTURE = strawberry.enum_value("requires_capture", description="Authorized, not captured.")
    CANCELED = strawberry.enum_value("canceled", description="Cancelled.")
    SUCCEEDED = strawberry.enum_value("succeeded", description="Paid.")


graphql_enum(
    ProrationBehavior,
    description="How a change in the middle of a period is billed.",
    values={
        ProrationBehavior.ALWAYS_INVOICE: "Prorate and invoice at once.",
        ProrationBehavior.CREATE_PRORATIONS: "Prorate; the difference goes on the next invoice.",
        ProrationBehavior.NONE: "No proration.",
    },
)


graphql_enum(
    CustomerDetail,
    name="CustomerUpdateField",
    description="A customer detail the portal may let customers change.",
    values={
        CustomerDetail.ADDRESS: "The billing address.",
        CustomerDetail.EMAIL: "The email address.",
        CustomerDetail.NAME: "The name.",
        CustomerDetail.PHONE: "The phone number.",
        CustomerDetail.SHIPPING: "The shipping address.",
        CustomerDetail.TAX_ID: "Tax ids.",
    },
)


graphql_enum(
    SubscriptionUpdateKind,
    description="A kind of change the portal may let customers make to a subscription.",
    values={
        SubscriptionUpdateKind.PRICE: "Switch to another price (plan).",
        SubscriptionUpdateKind.PROMOTION_CODE: "Apply a promotion code.",
        SubscriptionUpdateKind.QUANTITY: "Change the quantity.",
    },
)


graphql_enum(
    UsageType,
    description="How a recurring price counts what it bills.",
    values={
        UsageType.LICENSED: "A set quantity, billed at the start of each period.",
        UsageType.METERED: "Reported usage, billed at the end of each period.",
    },
)


graphql_enum(
    TiersMode,
    description="How a tiered price prices a quantity.",
    values={
        TiersMode.GRADUATED: "Each unit at the rate of the tier it falls in.",
        TiersMode.VOLUME: "Every unit at the rate of the tier the whole quantity reaches.",
    },
)


graphql_enum(
    MeterFormula,
    description="How a meter adds up the usage reported in a window.",
    values={
        MeterFormula.SUM: "The sum of the reported values.",
        MeterFormula.COUNT: "The number of reports.",
        MeterFormula.LAST: "The last value reported.",
    },
    name="MeterAggregation",
)


graphql_enum(
    UsageWindow,
    description="The width of one step of a usage timeline, aligned to UTC.",
    values={
        UsageWindow.HOUR: "Whole UTC hours.",
        UsageWindow.DAY: "Whole UTC days.",
    },
    name="UsageGranularity",
)


graphql_enum(
    CreditCategory,
    description="Why a credit grant was given.",
    values={
        CreditCategory.PAID: "The customer paid for it.",
        CreditCategory.PROMOTIONAL: "Given for free (a promotion, a goodwill gesture).",
    },
)


graphql_enum(
    BalanceTransactionType,
    description="What changed the customer's balance.",
    values={
        BalanceTransactionType.ADJUSTMENT: "The merchant adjusted it.",
        BalanceTransactionType.APPLIED_TO_INVOICE: "An invoice used (or added to) it.",
        BalanceTransactionType.CREDIT_NOTE: "A credit note credited it.",
        BalanceTransactionType.INITIAL: "The starting balance.",
        BalanceTransactionType.INVOICE_OVERPAID: "An invoice was overpaid; the excess is credit.",
        BalanceTransactionType.INVOICE_TOO_LARGE: "An invoice was too large to charge; it moved here.",
        BalanceTransactionType.INVOICE_TOO_SMALL: "An invoice was too small to charge; it moved here.",
        BalanceTransactionType.MIGRATION: "Moved from an earlier billing system.",
        BalanceTransactionType.UNAPPLIED_FROM_INVOICE: "Given back from a voided or changed invoice.",
        BalanceTransactionType.UNSPENT_RECEIVER_CREDIT: "Unspent funds from a credit transfer.",
        BalanceTransactionType.OTHER: "A kind this API does not know yet.",
    },
)
