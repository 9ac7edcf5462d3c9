"""SDK objects to portalql's records, field by field as the API returns them at 2026-10-28.endive.

SDK objects are not dicts: fields are read as attributes, includable fields are tested with `in`, and
nothing of the SDK survives into a record (metadata and payloads are copied into plain data). The hot reads
hand these functions Stripe's JSON read in place (`read_as`) instead of SDK objects, in the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import stripe

from stripe_gateway import params
from stripe_gateway.records import (
    AccountBranding,
    Address,
    BusinessProfile,
    CancellationDetails,
    CancellationFeedback,
    CancelMode,
    Card,
    ChangedField,
    Charge,
    Customer,
    Event,
    EventSubject,
    Interval,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    InvoicePaymentStatus,
    InvoiceStatus,
    PaymentError,
    PaymentIntent,
    PaymentMethod,
    PaymentMethodType,
    PortalConfiguration,
    PortalFeatures,
    PortalProduct,
    Price,
    PriceType,
    Product,
    ProrationBehavior,
    Recurring,
    Refund,
    SetupIntent,
    SetupIntentStatus,
    Shipping,
    StripePortalSession,
    Subscription,
    SubscriptionItem,
    SubscriptionStatus,
)

if TYPE_CHECKING:
    from stripe import Account, File, billing_portal


T = TypeVar("T")


class _Fields:
    """A JSON object of Stripe's, read as the functions here read SDK objects: fields as attributes,
    `in` for includable fields, and `to_dict()`. Nested objects are wrapped as they are read."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        try:
            return _read(self._data[name])
        except KeyError:
            raise AttributeError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)


def _read(value: object) -> Any:
    if isinstance(value, dict):
        return _Fields(value)
    if isinstance(value, list):
        return [_read(item) for item in value]
    return value


def read_as(kind: type[T], data: object) -> T:  # noqa: ARG001 - `kind` is for the type checker
    """Stripe's JSON object `data`, as parsed from an answer, read in place as the SDK type `kind`.

    Building the SDK's objects costs over ten times as much as reading records out of them (a page of ten
    invoices: 7 ms against 0.4 ms), and on a cold dashboard it was the largest cost besides Stripe's own
    latency, spent between its two round trips. `kind` is for the type checker only, which goes on checking
    the field names read here against the SDK's types.
    """
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object from Stripe, got {type(data).__name__}")
    return cast("T", _Fields(data))


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


def expandable_id(value: str | _HasId | None) -> str | None:
    """The id of an expandable field, whether Stripe sent the id or the expanded object."""
    if value is None or isinstance(value, str):
        return value
    return value.id


def _metadata(value: stripe.StripeObject | None) -> Mapping[str, str]:
    if value is None:
        return MappingProxyType({})
    return MappingProxyType({key: str(item) for key, item in value.to_dict().items()})


def _address(value: stripe.Customer.Address | stripe.Customer.Shipping.Address | None) -> Address | None:
    if value is None:
        return None
    return Address(
        line1=value.line1,
        line2=value.line2,
        city=value.city,
        state=value.state,
        postal_code=value.postal_code,
        country=value.country,
    )


# -- customers and catalog ----------------------------------------------------------------------------------


def customer(obj: stripe.Customer) -> Customer:
    settings = obj.invoice_settings
    subscriptions = None
    if "subscriptions" in obj and obj.subscriptions is not None:
        subscriptions = tuple(subscription(sub) for sub in obj.subscriptions.data)
    return Customer(
        id=obj.id,
        email=obj.email,
        name=obj.name,
        phone=obj.phone,
        address=_address(obj.address),
        currency=obj.currency,
        balance=obj.balance or 0,
        created=obj.created,
        default_payment_method_id=expandable_id(settings.default_payment_method) if settings else None,
        preferred_locales=tuple(obj.preferred_locales or ()),
        metadata=_metadata(obj.metadata),
        subscriptions=subscriptions,
        shipping=_shipping(obj.shipping),
    )


def _shipping(value: stripe.Customer.Shipping | None) -> Shipping | None:
    if value is None:
        return None
    return Shipping(address=_address(value.address) or Address(), name=value.name, phone=value.phone)


def product(obj: stripe.Product) -> Product:
    expanded = obj.default_price
    return Product(
        id=obj.id,
        name=obj.name,
        description=obj.description,
        active=obj.active,
        default_price_id=expandable_id(expanded),
        metadata=_metadata(obj.metadata),
        default_price=None if expanded is None or isinstance(expanded, str) else price(expanded),
    )


def price(obj: stripe.Price) -> Price:
    recurring = obj.recurring
    expanded = obj.product
    return Price(
        id=obj.id,
        product_id=expandable_id(expanded) or "",
        active=obj.active,
        currency=obj.currency,
        unit_amount=obj.unit_amount,
        type=PriceType(obj.type),
        recurring=Recurring(Interval(recurring.interval), recurring.interval_count) if recurring else None,
        lookup_key=obj.lookup_key,
        nickname=obj.nickname,
        product=None if isinstance(expanded, str) else product(expanded),
    )


# -- subscriptions ------------------------------------------------------------------------------------------


def subscription_item(obj: stripe.SubscriptionItem) -> SubscriptionItem:
    return SubscriptionItem(
        id=obj.id,
        subscription_id=obj.subscription,
        price=price(obj.price),
        quantity=obj.quantity if obj.quantity is not None else 1,
        current_period_start=obj.current_period_start,
        current_period_end=obj.current_period_end,
    )


def subscription(obj: stripe.Subscription) -> Subscription:
    details = obj.cancellation_details
    feedback = details.feedback if details is not None else None
    return Subscription(
        id=obj.id,
        customer_id=expandable_id(obj.customer) or "",
        status=SubscriptionStatus(obj.status),
        items=tuple(subscription_item(item) for item in obj.items.data),
        currency=obj.currency,
        created=obj.created,
        start_date=obj.start_date,
        cancel_at_period_end=obj.cancel_at_period_end,
        cancel_at=obj.cancel_at,
        canceled_at=obj.canceled_at,
        ended_at=obj.ended_at,
        cancellation_details=CancellationDetails(
            reason=details.reason if details is not None else None,
            feedback=CancellationFeedback(feedback) if feedback else None,
            comment=details.comment if details is not None else None,
        ),
        trial_start=obj.trial_start,
        trial_end=obj.trial_end,
        latest_invoice_id=expandable_id(obj.latest_invoice),
        default_payment_method_id=expandable_id(obj.default_payment_method),
        collection_method=obj.collection_method,
        metadata=_metadata(obj.metadata),
    )


# -- invoices -----------------------------------------------------------------------------------------------


def invoice_line(obj: stripe.InvoiceLineItem) -> InvoiceLine:
    details = obj.pricing.price_details if obj.pricing is not None else None
    parent = obj.parent
    item_details = parent.subscription_item_details if parent is not None else None
    invoice_item_details = parent.invoice_item_details if parent is not None else None
    proration = False
    subscription_id = expandable_id(obj.subscription)
    if item_details is not None:
        proration = item_details.proration
        subscription_id = item_details.subscription or subscription_id
    elif invoice_item_details is not None:
        proration = invoice_item_details.proration
        subscription_id = invoice_item_details.subscription or subscription_id
    return InvoiceLine(
        id=obj.id,
        amount=obj.amount,
        currency=obj.currency,
        description=obj.description,
        quantity=obj.quantity,
        period_start=obj.period.start,
        period_end=obj.period.end,
        price_id=expandable_id(details.price) if details is not None else None,
        product_id=details.product if details is not None else None,
        proration=proration,
        subscription_id=subscription_id,
        subscription_item_id=item_details.subscription_item if item_details is not None else None,
    )


def invoice_payment(obj: stripe.InvoicePayment) -> InvoicePayment:
    payment = obj.payment
    return InvoicePayment(
        id=obj.id,
        invoice_id=expandable_id(obj.invoice) or "",
        amount_paid=obj.amount_paid,
        amount_requested=obj.amount_requested,
        currency=obj.currency,
        status=InvoicePaymentStatus(obj.status),
        is_default=obj.is_default,
        # Only the field named by the payment's `type` is present: `{"type": "charge", "charge": …}`.
        payment_intent_id=expandable_id(payment.payment_intent) if "payment_intent" in payment else None,
        charge_id=expandable_id(payment.charge) if "charge" in payment else None,
        paid_at=obj.status_transitions.paid_at,
    )


def invoice(obj: stripe.Invoice) -> Invoice:
    parent = obj.parent
    subscription_details = parent.subscription_details if parent is not None else None
    payments = None
    if "payments" in obj and obj.payments is not None:
        payments = tuple(invoice_payment(payment) for payment in obj.payments.data)
    return Invoice(
        # A preview has no id of its own on some API versions; it never needs one to be shown.
        id=obj.id if "id" in obj and obj.id else "",
        # Invoices of Accounts v2 customers carry no customer id; an empty id matches no portal session.
        customer_id=expandable_id(obj.customer) or "",
        subscription_id=expandable_id(subscription_details.subscription) if subscription_details else None,
        status=InvoiceStatus(obj.status) if obj.status else None,
        number=obj.number,
        currency=obj.currency,
        amount_due=obj.amount_due,
        amount_paid=obj.amount_paid,
        amount_remaining=obj.amount_remaining,
        subtotal=obj.subtotal,
        total=obj.total,
        created=obj.created,
        period_start=obj.period_start,
        period_end=obj.period_end,
        due_date=obj.due_date,
        paid_at=obj.status_transitions.paid_at,
        billing_reason=obj.billing_reason,
        hosted_invoice_url=obj.hosted_invoice_url,
        invoice_pdf=obj.invoice_pdf,
        lines=tuple(invoice_line(line) for line in obj.lines.data),
        lines_has_more=obj.lines.has_more,
        payments=payments,
    )


# -- payment methods, payments and refunds ------------------------------------------------------------------


def payment_method(obj: stripe.PaymentMethod) -> PaymentMethod:
    card = obj.card if "card" in obj else None
    billing = obj.billing_details
    types = {member.value for member in PaymentMethodType}
    return PaymentMethod(
        id=obj.id,
        customer_id=expandable_id(obj.customer),
        type=PaymentMethodType(obj.type) if obj.type in types else PaymentMethodType.OTHER,
        card=Card(
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            funding=card.funding,
            country=card.country,
            wallet=card.wallet.type if card.wallet is not None else None,
        )
        if card is not None
        else None,
        billing_name=billing.name,
        billing_email=billing.email,
        created=obj.created,
    )


def charge(obj: stripe.Charge) -> Charge:
    return Charge(
        id=obj.id,
        amount=obj.amount,
        amount_captured=obj.amount_captured,
        amount_refunded=obj.amount_refunded,
        refunded=obj.refunded,
        disputed=obj.disputed,
        currency=obj.currency,
        status=obj.status,
        customer_id=expandable_id(obj.customer),
        payment_intent_id=expandable_id(obj.payment_intent),
        payment_method_id=obj.payment_method,
        receipt_url=obj.receipt_url,
        created=obj.created,
    )


def payment_error(
    obj: stripe.PaymentIntent.LastPaymentError | stripe.SetupIntent.LastSetupError | None,
) -> PaymentError | None:
    if obj is None:
        return None
    return PaymentError(
        code=getattr(obj, "code", None),
        decline_code=getattr(obj, "decline_code", None),
        message=getattr(obj, "message", None),
    )


def setup_intent(obj: stripe.SetupIntent) -> SetupIntent:
    return SetupIntent(
        id=obj.id,
        customer_id=expandable_id(obj.customer),
        status=SetupIntentStatus(obj.status),
        client_secret=obj.client_secret,
        payment_method_id=expandable_id(obj.payment_method),
        usage=obj.usage,
        last_setup_error=payment_error(obj.last_setup_error),
        created=obj.created,
        metadata=_metadata(obj.metadata),
    )


def payment_intent(obj: stripe.PaymentIntent) -> PaymentIntent:
    return PaymentIntent(
        id=obj.id,
        amount=obj.amount,
        amount_received=obj.amount_received,
        currency=obj.currency,
        status=obj.status,
        customer_id=expandable_id(obj.customer),
        latest_charge_id=expandable_id(obj.latest_charge),
        payment_method_id=expandable_id(obj.payment_method),
        created=obj.created,
        client_secret=obj.client_secret,
        last_payment_error=payment_error(obj.last_payment_error),
    )


def refund(obj: stripe.Refund) -> Refund:
    paid_by = obj.charge
    return Refund(
        id=obj.id,
        amount=obj.amount,
        currency=obj.currency,
        status=obj.status or "pending",
        reason=obj.reason,
        charge_id=expandable_id(paid_by),
        payment_intent_id=expandable_id(obj.payment_intent),
        created=obj.created,
        metadata=_metadata(obj.metadata),
        charge=None if paid_by is None or isinstance(paid_by, str) else charge(paid_by),
    )


# -- billing portal -----------------------------------------------------------------------------------------


def portal_configuration(obj: billing_portal.Configuration) -> PortalConfiguration:
    features = obj.features
    cancel = features.subscription_cancel
    update = features.subscription_update
    profile = obj.business_profile
    return PortalConfiguration(
        id=obj.id,
        name=obj.name,
        active=obj.active,
        is_default=obj.is_default,
        business_profile=BusinessProfile(
            headline=profile.headline,
            privacy_policy_url=profile.privacy_policy_url,
            terms_of_service_url=profile.terms_of_service_url,
        ),
        default_return_url=obj.default_return_url,
        login_page_enabled=obj.login_page.enabled,
        features=PortalFeatures(
            customer_update_enabled=features.customer_update.enabled,
            customer_update_allowed=tuple(features.customer_update.allowed_updates),
            invoice_history_enabled=features.invoice_history.enabled,
            payment_method_update_enabled=features.payment_method_update.enabled,
            subscription_cancel_enabled=cancel.enabled,
            subscription_cancel_mode=CancelMode(cancel.mode),
            subscription_cancel_proration_behavior=ProrationBehavior(cancel.proration_behavior),
            cancellation_reason_enabled=cancel.cancellation_reason.enabled,
            cancellation_reason_options=tuple(
                CancellationFeedback(option) for option in cancel.cancellation_reason.options
            ),
            subscription_update_enabled=update.enabled,
            subscription_update_allowed=tuple(update.default_allowed_updates),
            subscription_update_products=tuple(
                PortalProduct(
                    product_id=entry.product,
                    price_ids=tuple(entry.prices),
                    adjustable_quantity=entry.adjustable_quantity.enabled,
                    minimum_quantity=entry.adjustable_quantity.minimum,
                    maximum_quantity=entry.adjustable_quantity.maximum,
                )
                for entry in update.products or ()
            ),
            subscription_update_proration_behavior=ProrationBehavior(update.proration_behavior),
        ),
        created=obj.created,
        metadata=_metadata(obj.metadata),
    )


def portal_session(obj: billing_portal.Session) -> StripePortalSession:
    return StripePortalSession(
        id=obj.id,
        url=obj.url,
        customer_id=obj.customer,
        configuration_id=expandable_id(obj.configuration) or "",
        return_url=obj.return_url,
        locale=obj.locale,
        created=obj.created,
    )


# -- events -------------------------------------------------------------------------------------------------


def event(obj: stripe.Event) -> Event:
    payload = obj.to_dict(for_json=True)  # decimals as Stripe sends them (strings), so it stores as JSON
    data = payload.get("data") or {}
    data_object: dict[str, Any] = data.get("object") or {}
    previous_attributes: dict[str, Any] | None = data.get("previous_attributes")
    owner = data_object.get("customer")
    if isinstance(owner, Mapping):  # an expanded customer
        owner = owner.get("id")
    if data_object.get("object") == "customer":
        owner = data_object.get("id")
    request = payload.get("request")
    key = request.get("idempotency_key") if isinstance(request, Mapping) else None
    previous = None
    if previous_attributes is not None:
        previous = _subject(_as_before(data_object, previous_attributes))
    changed_fields = {field.value for field in ChangedField}
    return Event(
        id=obj.id,
        type=obj.type,
        created=obj.created,
        object_id=data_object.get("id"),
        customer_id=owner if isinstance(owner, str) else None,
        subject=_subject(data_object),
        previous=previous,
        changed=frozenset(ChangedField(name) for name in previous_attributes or () if name in changed_fields),
        made_by_portalql=params.is_portalql_key(key if isinstance(key, str) else None),
        payload=payload,
        write_key_digests=params.write_key_digests(key if isinstance(key, str) else None),
    )


# The kinds of object portalql keeps records of, as an event's object names them.
_SUBJECTS: Mapping[str, Callable[[Mapping[str, Any]], EventSubject]] = {
    "subscription": lambda data: subscription(read_as(stripe.Subscription, data)),
    "customer": lambda data: customer(read_as(stripe.Customer, data)),
    "payment_method": lambda data: payment_method(read_as(stripe.PaymentMethod, data)),
    "charge": lambda data: charge(read_as(stripe.Charge, data)),
    "refund": lambda data: refund(read_as(stripe.Refund, data)),
    "invoice": lambda data: invoice(read_as(stripe.Invoice, data)),
    "setup_intent": lambda data: setup_intent(read_as(stripe.SetupIntent, data)),
}


def _subject(data: Mapping[str, Any]) -> EventSubject | None:
    """An event's object as a record; None for objects portalql keeps no record of."""
    read = _SUBJECTS.get(str(data.get("object")))
    return read(data) if read is not None else None


def _as_before(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """The object as it was before an update: `previous_attributes` laid over it.

    Stripe reports a changed hash by the keys that changed in it (a key it gained as null), and anything else,
    including a whole object or list (`"object": …`), by its old value.
    """
    before = dict(current)
    for name, old in previous.items():
        now = before.get(name)
        if isinstance(old, dict) and isinstance(now, dict) and "object" not in old:
            before[name] = _as_before(now, old)
        else:
            before[name] = old
    return before


def account_branding(obj: Account) -> AccountBranding:
    settings = obj.settings
    branding = settings.branding if settings is not None else None
    profile = obj.business_profile
    display_name = settings.dashboard.display_name if settings is not None else None
    return AccountBranding(
        display_name=display_name or (profile.name if profile is not None else None),
        logo_url=_file_link(branding.logo if branding is not None else None),
        icon_url=_file_link(branding.icon if branding is not None else None),
        primary_color=branding.primary_color if branding is not None else None,
        secondary_color=branding.secondary_color if branding is not None else None,
    )


def _file_link(file: str | File | None) -> str | None:
    """A file's first unexpired public link (the account's logo is read expanded; an id alone has none)."""
    if file is None or isinstance(file, str) or file.links is None:
        return None
    return next((link.url for link in file.links.data if not link.expired and link.url), None)
