"""Our own frozen records of Stripe objects: what the rest of portalql and the cache see, never SDK objects.

Timestamps are Unix seconds as Stripe sends them; amounts are integers in the currency's minor unit.
A field that Stripe returns only when expanded is `None` when it was not fetched, never an empty tuple.
"""

from __future__ import annotations

from collections.abc import Mapping  # noqa: TC003 - the cache's codec resolves the annotations at runtime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a Stripe list, newest first."""

    data: tuple[T, ...]
    has_more: bool


@dataclass(frozen=True, slots=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Shipping:
    """Where a customer's goods go, and to whom."""

    address: Address
    name: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    email: str | None
    name: str | None
    phone: str | None
    address: Address | None
    currency: str | None
    balance: int
    created: int
    default_payment_method_id: str | None
    preferred_locales: tuple[str, ...]
    metadata: Mapping[str, str]
    # Present only when the customer was fetched with its subscriptions expanded.
    subscriptions: tuple[Subscription, ...] | None = None
    shipping: Shipping | None = None


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    description: str | None
    active: bool
    default_price_id: str | None
    metadata: Mapping[str, str]
    # Present only when the product was fetched with its default price expanded (None also when it has none).
    default_price: Price | None = None


class PriceType(StrEnum):
    ONE_TIME = "one_time"
    RECURRING = "recurring"


class Interval(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class Recurring:
    interval: Interval
    interval_count: int


@dataclass(frozen=True, slots=True)
class Price:
    id: str
    product_id: str
    active: bool
    currency: str
    unit_amount: int | None
    type: PriceType
    recurring: Recurring | None
    lookup_key: str | None
    nickname: str | None
    # Present only when the price was fetched with its product expanded.
    product: Product | None = None


class SubscriptionStatus(StrEnum):
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    PAUSED = "paused"


# Statuses from which a subscription never comes back: it bills no more and nothing about it can change.
ENDED_STATUSES = frozenset({SubscriptionStatus.CANCELED, SubscriptionStatus.INCOMPLETE_EXPIRED})
# Statuses in which the latest invoice is open and waits to be paid.
AWAITING_PAYMENT_STATUSES = frozenset(
    {SubscriptionStatus.PAST_DUE, SubscriptionStatus.UNPAID, SubscriptionStatus.INCOMPLETE}
)


class CancellationFeedback(StrEnum):
    """Stripe's eight reasons a customer can give for cancelling."""

    CUSTOMER_SERVICE = "customer_service"
    LOW_QUALITY = "low_quality"
    MISSING_FEATURES = "missing_features"
    OTHER = "other"
    SWITCHED_SERVICE = "switched_service"
    TOO_COMPLEX = "too_complex"
    TOO_EXPENSIVE = "too_expensive"
    UNUSED = "unused"


class CancelMode(StrEnum):
    """When a cancellation takes effect, as a portal configuration's `subscription_cancel.mode` says."""

    AT_PERIOD_END = "at_period_end"
    IMMEDIATELY = "immediately"


@dataclass(frozen=True, slots=True)
class CancellationDetails:
    reason: str | None  # why Stripe cancelled: cancellation_requested, payment_failed, ...
    feedback: CancellationFeedback | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class SubscriptionItem:
    id: str
    subscription_id: str
    price: Price
    quantity: int
    current_period_start: int
    current_period_end: int


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    customer_id: str
    status: SubscriptionStatus
    items: tuple[SubscriptionItem, ...]
    currency: str
    created: int
    start_date: int
    cancel_at_period_end: bool
    cancel_at: int | None
    canceled_at: int | None
    ended_at: int | None
    cancellation_details: CancellationDetails
    trial_start: int | None
    trial_end: int | None
    latest_invoice_id: str | None
    default_payment_method_id: str | None
    collection_method: str
    metadata: Mapping[str, str]

    @property
    def current_period_start(self) -> int | None:
        """The start of the current period: the latest item start (items differ on mixed intervals)."""
        return max((item.current_period_start for item in self.items), default=None)

    @property
    def current_period_end(self) -> int | None:
        """When the subscription next renews: the earliest period end among its items."""
        return min((item.current_period_end for item in self.items), default=None)

    @property
    def has_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def is_scheduled_to_cancel(self) -> bool:
        """Set to cancel, at the period's end or at a chosen instant."""
        return self.cancel_at_period_end or self.cancel_at is not None

    @property
    def awaits_payment(self) -> bool:
        """Its latest invoice is unpaid: a renewal or the first payment failed or waits for the customer."""
        return self.status in AWAITING_PAYMENT_STATUSES

    @property
    def invoices_again(self) -> bool:
        """Whether it has an upcoming invoice to preview, as far as the record tells without asking Stripe."""
        return not self.has_ended and not self.cancel_at_period_end


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    UNCOLLECTIBLE = "uncollectible"
    VOID = "void"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    id: str
    amount: int
    currency: str
    description: str | None
    quantity: int | None
    period_start: int
    period_end: int
    price_id: str | None
    product_id: str | None
    proration: bool
    subscription_id: str | None
    subscription_item_id: str | None


class InvoicePaymentStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True)
class InvoicePayment:
    id: str
    invoice_id: str
    amount_paid: int | None
    amount_requested: int
    currency: str
    status: InvoicePaymentStatus
    is_default: bool
    payment_intent_id: str | None
    charge_id: str | None
    paid_at: int | None


# Stripe's previews of upcoming invoices carry ids of their own, never fetchable by id.
_PREVIEW_ID_PREFIX = "upcoming_in"
# Stripe's `billing_reason` of an invoice made (and charged) at the moment of a subscription change.
_BILLED_AT_CHANGE = "subscription_update"


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice, or an invoice preview (`id` then starts with `upcoming_in`, and `number` is None)."""

    id: str
    customer_id: str
    subscription_id: str | None
    status: InvoiceStatus | None
    number: str | None
    currency: str
    amount_due: int
    amount_paid: int
    amount_remaining: int
    subtotal: int
    total: int
    created: int
    period_start: int
    period_end: int
    due_date: int | None
    paid_at: int | None
    billing_reason: str | None
    hosted_invoice_url: str | None
    invoice_pdf: str | None
    lines: tuple[InvoiceLine, ...]
    lines_has_more: bool
    # Present only when fetched with `payments` included.
    payments: tuple[InvoicePayment, ...] | None = None

    @property
    def is_preview(self) -> bool:
        """A preview of an invoice to come: nothing has paid it, and Stripe cannot fetch it by id."""
        return self.id.startswith(_PREVIEW_ID_PREFIX)

    @property
    def billed_now(self) -> bool:
        """Made and charged at the moment of a subscription change, rather than at a renewal."""
        return self.billing_reason == _BILLED_AT_CHANGE


class PaymentMethodType(StrEnum):
    CARD = "card"
    SEPA_DEBIT = "sepa_debit"
    US_BANK_ACCOUNT = "us_bank_account"
    LINK = "link"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Card:
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    funding: str | None
    country: str | None
    wallet: str | None


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    id: str
    customer_id: str | None
    type: PaymentMethodType
    card: Card | None
    billing_name: str | None
    billing_email: str | None
    created: int


@dataclass(frozen=True, slots=True)
class Charge:
    id: str
    amount: int
    amount_captured: int
    amount_refunded: int
    refunded: bool
    disputed: bool
    currency: str
    status: str
    customer_id: str | None
    payment_intent_id: str | None
    payment_method_id: str | None
    receipt_url: str | None
    created: int

    @property
    def refundable_amount(self) -> int:
        return self.amount_captured - self.amount_refunded


@dataclass(frozen=True, slots=True)
class PaymentError:
    """Why the last attempt to pay or to save a card failed, from Stripe's `last_payment_error` or
    `last_setup_error`: `message` is written for the customer; `decline_code` is the issuer's reason."""

    code: str | None
    decline_code: str | None
    message: str | None


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    id: str
    amount: int
    amount_received: int
    currency: str
    status: str
    customer_id: str | None
    latest_charge_id: str | None
    payment_method_id: str | None
    created: int
    # For Stripe.js only: it lets a browser confirm the intent or run its next action (3-D Secure).
    client_secret: str | None = None
    last_payment_error: PaymentError | None = None

    @property
    def requires_action(self) -> bool:
        """Waiting for the customer (3-D Secure) before it can succeed."""
        return self.status == "requires_action"

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


class SetupIntentStatus(StrEnum):
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    CANCELED = "canceled"
    SUCCEEDED = "succeeded"


@dataclass(frozen=True, slots=True)
class SetupIntent:
    """A card being saved for later payments; the browser confirms it with Stripe.js."""

    id: str
    customer_id: str | None
    status: SetupIntentStatus
    client_secret: str | None
    payment_method_id: str | None
    usage: str
    last_setup_error: PaymentError | None
    created: int
    metadata: Mapping[str, str] = field(default_factory=dict)


class RefundReason(StrEnum):
    DUPLICATE = "duplicate"
    FRAUDULENT = "fraudulent"
    REQUESTED_BY_CUSTOMER = "requested_by_customer"


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    amount: int
    currency: str
    status: str
    reason: str | None
    charge_id: str | None
    payment_intent_id: str | None
    created: int
    metadata: Mapping[str, str]
    # Present only when the refund was fetched with its charge expanded: the charge names the customer.
    charge: Charge | None = None


# -- billing portal ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BusinessProfile:
    headline: str | None
    privacy_policy_url: str | None
    terms_of_service_url: str | None


@dataclass(frozen=True, slots=True)
class PortalProduct:
    """A product whose prices customers may switch between, and which of its prices they may pick."""

    product_id: str
    price_ids: tuple[str, ...]
    adjustable_quantity: bool = False
    minimum_quantity: int | None = None
    maximum_quantity: int | None = None


class ProrationBehavior(StrEnum):
    """How a change in the middle of a period is charged for."""

    ALWAYS_INVOICE = "always_invoice"  # prorate, and invoice the difference at once
    CREATE_PRORATIONS = "create_prorations"  # prorate; the difference goes on the next invoice
    NONE = "none"  # no proration


@dataclass(frozen=True, slots=True)
class PortalFeatures:
    customer_update_enabled: bool
    customer_update_allowed: tuple[str, ...]  # address, email, name, phone, shipping, tax_id
    invoice_history_enabled: bool
    payment_method_update_enabled: bool
    subscription_cancel_enabled: bool
    subscription_cancel_mode: CancelMode
    subscription_cancel_proration_behavior: ProrationBehavior  # none | create_prorations
    cancellation_reason_enabled: bool
    cancellation_reason_options: tuple[CancellationFeedback, ...]
    subscription_update_enabled: bool
    subscription_update_allowed: tuple[str, ...]  # price, promotion_code, quantity
    subscription_update_products: tuple[PortalProduct, ...]
    subscription_update_proration_behavior: ProrationBehavior


@dataclass(frozen=True, slots=True)
class PortalConfiguration:
    id: str
    name: str | None
    active: bool
    is_default: bool
    business_profile: BusinessProfile
    default_return_url: str | None
    features: PortalFeatures
    created: int
    metadata: Mapping[str, str] = field(default_factory=dict)
    # Stripe's `login_page.enabled`: customers may sign in by email at a permanent URL.
    login_page_enabled: bool = False


@dataclass(frozen=True, slots=True)
class AccountBranding:
    """The account's name and brand (`settings.branding`): the logo and icon as public file-link URLs,
    colours as `#rrggbb`."""

    display_name: str | None
    logo_url: str | None
    icon_url: str | None
    primary_color: str | None
    secondary_color: str | None


class PortalFlowType(StrEnum):
    PAYMENT_METHOD_UPDATE = "payment_method_update"
    SUBSCRIPTION_CANCEL = "subscription_cancel"
    SUBSCRIPTION_UPDATE = "subscription_update"
    SUBSCRIPTION_UPDATE_CONFIRM = "subscription_update_confirm"


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item of a plan change: which subscription item moves to which price and quantity."""

    item_id: str
    price_id: str
    quantity: int | None = None


@dataclass(frozen=True, slots=True)
class PortalFlow:
    """A deep link into one step of a portal (Stripe's `flow_data`)."""

    type: PortalFlowType
    subscription_id: str | None = None
    items: tuple[ItemChange, ...] = ()
    after_completion_redirect_url: str | None = None


@dataclass(frozen=True, slots=True)
class StripePortalSession:
    id: str
    url: str
    customer_id: str
    configuration_id: str
    return_url: str | None
    locale: str | None
    created: int


# -- writes -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerUpdate:
    """The customer fields a portal may let a customer change; `None` leaves a field as it is."""

    email: str | None = None
    name: str | None = None
    phone: str | None = None
    address: Address | None = None


# -- events -------------------------------------------------------------------------------------------------


class ChangedField(StrEnum):
    """A field an `*.updated` event reports changed, among those portalql acts on (others are left out)."""

    # subscriptions
    STATUS = "status"
    CANCEL_AT_PERIOD_END = "cancel_at_period_end"
    CANCEL_AT = "cancel_at"
    CANCELED_AT = "canceled_at"
    CANCELLATION_DETAILS = "cancellation_details"
    ITEMS = "items"
    DEFAULT_PAYMENT_METHOD = "default_payment_method"
    # customers (their default payment method is in `invoice_settings`)
    EMAIL = "email"
    NAME = "name"
    PHONE = "phone"
    ADDRESS = "address"
    SHIPPING = "shipping"
    INVOICE_SETTINGS = "invoice_settings"
    # payment methods (detached from their customer) and charges
    CUSTOMER = "customer"
    AMOUNT_REFUNDED = "amount_refunded"


# The objects an event can be about that portalql reads into records; others (products, prices, portal
# configurations) it only needs the id of.
EventSubject = Subscription | Customer | PaymentMethod | Charge | Refund | Invoice | SetupIntent


@dataclass(frozen=True, slots=True)
class Event:
    """A Stripe event, its object read into a record. `payload` is Stripe's JSON, only to be stored."""

    id: str
    type: str
    created: int
    object_id: str | None
    customer_id: str | None
    # The object the event is about, as it is after the change; None when portalql keeps no record of it.
    subject: EventSubject | None
    # For an `*.updated` event: the subject as it was before the change (fields not in `changed` as they are).
    previous: EventSubject | None
    changed: frozenset[ChangedField]
    # Whether a write of portalql's caused it (portalql audits that write itself).
    made_by_portalql: bool
    payload: Mapping[str, object]
    # For portalql's write: the digests of the keys it may have been sent under (`params.caller_key_digest` of
    # the key the caller gave the gateway), so that the write's audit entry is found by its key.
    write_key_digests: frozenset[str] = frozenset()
