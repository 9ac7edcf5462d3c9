"""GraphQL enums. Values mirror Stripe's wire values and our scopes, so a record maps by `Enum(value)`."""

from enum import Enum

import strawberry


@strawberry.enum(description="What kind of credential the caller presented.")
class PrincipalKind(Enum):
    API_KEY = strawberry.enum_value("api_key", description="The product's backend, with an API key.")
    CUSTOMER_SESSION = strawberry.enum_value(
        "customer_session", description="One customer, with a customer session token."
    )


@strawberry.enum(name="Scope", description="A permission a customer session carries. API keys hold them all.")
class ScopeEnum(Enum):
    SUBSCRIPTIONS_READ = strawberry.enum_value("subscriptions:read", description="Read subscriptions.")
    SUBSCRIPTIONS_WRITE = strawberry.enum_value(
        "subscriptions:write", description="Change, cancel and reactivate subscriptions."
    )
    INVOICES_READ = strawberry.enum_value("invoices:read", description="Read invoices and their payments.")
    PAYMENT_METHODS_READ = strawberry.enum_value("payment_methods:read", description="Read payment methods.")
    PAYMENT_METHODS_WRITE = strawberry.enum_value(
        "payment_methods:write", description="Add, remove and choose the default payment method."
    )
    CUSTOMER_READ = strawberry.enum_value("customer:read", description="Read the customer's contact details.")
    CUSTOMER_WRITE = strawberry.enum_value(
        "customer:write", description="Change the customer's contact details the portal allows."
    )
    AUDIT_READ = strawberry.enum_value("audit:read", description="Read the audit trail.")


@strawberry.enum(description="Where a subscription is in its life, as Stripe reports it.")
class SubscriptionStatus(Enum):
    INCOMPLETE = strawberry.enum_value("incomplete", description="The first payment has not succeeded yet.")
    INCOMPLETE_EXPIRED = strawberry.enum_value(
        "incomplete_expired", description="The first payment never succeeded; the subscription ended."
    )
    TRIALING = strawberry.enum_value("trialing", description="In its free trial.")
    ACTIVE = strawberry.enum_value("active", description="Paid up and running.")
    PAST_DUE = strawberry.enum_value(
        "past_due", description="The latest invoice is unpaid; Stripe is retrying."
    )
    CANCELED = strawberry.enum_value("canceled", description="Ended; it bills no more.")
    UNPAID = strawberry.enum_value("unpaid", description="Retries are exhausted; invoices stay open.")
    PAUSED = strawberry.enum_value("paused", description="Paused: no invoices until it resumes.")


@strawberry.enum(description="The reason a customer gave for cancelling (Stripe's eight choices).")
class CancellationFeedback(Enum):
    CUSTOMER_SERVICE = strawberry.enum_value("customer_service", description="Unhappy with customer service.")
    LOW_QUALITY = strawberry.enum_value("low_quality", description="Quality was lower than expected.")
    MISSING_FEATURES = strawberry.enum_value("missing_features", description="Some features are missing.")
    OTHER = strawberry.enum_value("other", description="Another reason.")
    SWITCHED_SERVICE = strawberry.enum_value("switched_service", description="Switched to another service.")
    TOO_COMPLEX = strawberry.enum_value("too_complex", description="Too hard to use.")
    TOO_EXPENSIVE = strawberry.enum_value("too_expensive", description="Too expensive.")
    UNUSED = strawberry.enum_value("unused", description="Not used enough.")


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


@strawberry.enum(description="How a subscription's invoices get paid.")
class CollectionMethod(Enum):
    CHARGE_AUTOMATICALLY = strawberry.enum_value(
        "charge_automatically", description="Stripe charges the default payment method."
    )
    SEND_INVOICE = strawberry.enum_value(
        "send_invoice", description="The customer is emailed an invoice to pay."
    )


@strawberry.enum(description="Where an invoice is in its life.")
class InvoiceStatus(Enum):
    DRAFT = strawberry.enum_value("draft", description="Still being prepared; not yet sent or charged.")
    OPEN = strawberry.enum_value("open", description="Finalized and awaiting payment.")
    PAID = strawberry.enum_value("paid", description="Paid in full.")
    UNCOLLECTIBLE = strawberry.enum_value("uncollectible", description="Deemed unlikely ever to be paid.")
    VOID = strawberry.enum_value("void", description="Cancelled; nothing is owed.")


@strawberry.enum(description="Where one payment attempt on an invoice stands.")
class InvoicePaymentStatus(Enum):
    OPEN = strawberry.enum_value("open", description="Attempted or in progress, not yet paid.")
    PAID = strawberry.enum_value("paid", description="Paid.")
    CANCELED = strawberry.enum_value("canceled", description="Abandoned.")


@strawberry.enum(description="A kind of payment method.")
class PaymentMethodType(Enum):
    CARD = strawberry.enum_value("card", description="A credit or debit card.")
    SEPA_DEBIT = strawberry.enum_value("sepa_debit", description="A SEPA Direct Debit mandate.")
    US_BANK_ACCOUNT = strawberry.enum_value("us_bank_account", description="A US bank account (ACH).")
    LINK = strawberry.enum_value("link", description="Stripe Link.")
    OTHER = strawberry.enum_value("other", description="Any other kind.")


@strawberry.enum(description="Whether a price is charged once or on a schedule.")
class PriceType(Enum):
    ONE_TIME = strawberry.enum_value("one_time", description="Charged once.")
    RECURRING = strawberry.enum_value("recurring", description="Charged every billing interval.")


@strawberry.enum(description="The unit of a billing interval.")
class Interval(Enum):
    DAY = strawberry.enum_value("day", description="Days.")
    WEEK = strawberry.enum_value("week", description="Weeks.")
    MONTH = strawberry.enum_value("month", description="Months.")
    YEAR = strawberry.enum_value("year", description="Years.")


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


@strawberry.enum(description="When a cancellation in the portal takes effect.")
class CancelMode(Enum):
    AT_PERIOD_END = strawberry.enum_value("at_period_end", description="At the end of the paid period.")
    IMMEDIATELY = strawberry.enum_value("immediately", description="Right away.")


@strawberry.enum(description="How a change in the middle of a period is billed.")
class ProrationBehavior(Enum):
    ALWAYS_INVOICE = strawberry.enum_value("always_invoice", description="Prorate and invoice at once.")
    CREATE_PRORATIONS = strawberry.enum_value(
        "create_prorations", description="Prorate; the difference goes on the next invoice."
    )
    NONE = strawberry.enum_value("none", description="No proration.")


@strawberry.enum(description="A customer detail the portal may let customers change.")
class CustomerUpdateField(Enum):
    ADDRESS = strawberry.enum_value("address", description="The billing address.")
    EMAIL = strawberry.enum_value("email", description="The email address.")
    NAME = strawberry.enum_value("name", description="The name.")
    PHONE = strawberry.enum_value("phone", description="The phone number.")
    SHIPPING = strawberry.enum_value("shipping", description="The shipping address.")
    TAX_ID = strawberry.enum_value("tax_id", description="Tax ids.")


@strawberry.enum(description="A kind of change the portal may let customers make to a subscription.")
class SubscriptionUpdateKind(Enum):
    PRICE = strawberry.enum_value("price", description="Switch to another price (plan).")
    PROMOTION_CODE = strawberry.enum_value("promotion_code", description="Apply a promotion code.")
    QUANTITY = strawberry.enum_value("quantity", description="Change the quantity.")
