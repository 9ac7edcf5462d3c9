"""SDK objects to portalql's records, field by field as the API returns them at 2026-10-28.endive.

SDK objects are not dicts: fields are read as attributes, includable fields are tested with `in`, and
nothing of the SDK survives into a record (metadata and payloads are copied into plain data). The hot reads
hand these functions Stripe's JSON read in place (`read_as`) instead of SDK objects, in the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import stripe

from stripe_gateway import params
from stripe_gateway.records import (
    AccountBranding,
    Address,
    BalanceTransaction,
    BalanceTransactionType,
    BusinessProfile,
    CancellationDetails,
    CancellationFeedback,
    CancelMode,
    Card,
    ChangedField,
    Charge,
    Coupon,
    CouponDuration,
    CreditBalance,
    CreditCategory,
    CreditGrant,
    CreditLedgerEntry,
    Customer,
    CustomerDetail,
    Event,
    EventSubject,
    Interval,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    InvoicePaymentStatus,
    InvoiceStatus,
    Meter,
    MeterEvent,
    MeterFormula,
    MeterUsage,
    PauseBehavior,
    PauseCollection,
    PauseDuration,
    PaymentError,
    PaymentIntent,
    PaymentMethod,
    PaymentMethodType,
    PortalConfiguration,
    PortalFeatures,
    PortalProduct,
    Price,
    PriceTier,
    PriceType,
    Product,
    ProrationBehavior,
    Recurring,
    Refund,
    ScheduleCondition,
    SetupIntent,
    SetupIntentStatus,
    Shipping,
    StripePortalSession,
    Subscription,
    SubscriptionItem,
    SubscriptionStatus,
    SubscriptionUpdateKind,
    TaxId,
    TaxIdType,
    TaxIdVerificationStatus,
    TiersMode,
    UsageType,
)

if TYPE_CHECKING:
    from stripe import Account, File, billing_portal


T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


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


def _known(enum: type[E], value: str | None, fallback: E) -> E:
    """`value` as a member of `enum`, or `fallback` for a value newer than the enum (or none)."""
    return enum(value) if value is not None and value in enum._value2member_map_ else fallback


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
        tax_ids=tuple(tax_id(found) for found in obj.tax_ids.data)
        if "tax_ids" in obj and obj.tax_ids is not None
        else None,
        delinquent=bool(obj.delinquent),
    )


def tax_id(obj: stripe.TaxId) -> TaxId:
    verification = obj.verification
    return TaxId(
        id=obj.id,
        type=_known(TaxIdType, obj.type, TaxIdType.UNKNOWN),
        value=obj.value,
        country=obj.country,
        created=obj.created,
        verification_status=_known(
            TaxIdVerificationStatus,
            verification.status if verification else None,
            TaxIdVerificationStatus.UNAVAILABLE,
        ),
        verified_name=verification.verified_name if verification else None,
        verified_address=verification.verified_address if verification else None,
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
        unit_label=obj.unit_label,
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
        recurring=(
            Recurring(
                Interval(recurring.interval),
                recurring.interval_count,
                UsageType(recurring.usage_type),
                getattr(recurring, "meter", None),
            )
            if recurring
            else None
        ),
        lookup_key=obj.lookup_key,
        nickname=obj.nickname,
        product=None if isinstance(expanded, str) else product(expanded),
        tiers_mode=TiersMode(obj.tiers_mode) if obj.tiers_mode else None,
        tiers=(
            tuple(PriceTier(t.up_to, t.unit_amount, t.flat_amount) for t in obj.tiers)
            if "tiers" in obj and obj.tiers is not None
            else None
        ),
    )


# -- usage and credits --------------------------------------------------------------------------------------


def meter(obj: stripe.billing.Meter) -> Meter:
    return Meter(
        id=obj.id,
        display_name=obj.display_name,
        event_name=obj.event_name,
        formula=MeterFormula(obj.default_aggregation.formula),
        active=obj.status == "active",
    )


def meter_usage(obj: stripe.billing.MeterEventSummary) -> MeterUsage:
    return MeterUsage(start=obj.start_time, end=obj.end_time, value=float(obj.aggregated_value))


def meter_event(obj: stripe.billing.MeterEvent, *, customer_id: str, value: float) -> MeterEvent:
    return MeterEvent(
        identifier=obj.identifier,
        event_name=obj.event_name,
        customer_id=customer_id,
        value=value,
        timestamp=obj.timestamp,
    )


def credit_grant(obj: stripe.billing.CreditGrant) -> CreditGrant:
    monetary = obj.amount.monetary
    scope = obj.applicability_config.scope
    prices = getattr(scope, "prices", None) or []
    return CreditGrant(
        id=obj.id,
        customer_id=expandable_id(obj.customer) or "",
        name=obj.name,
        category=CreditCategory(obj.category),
        currency=monetary.currency if monetary else "",
        amount=monetary.value if monetary else 0,
        priority=obj.priority,
        effective_at=obj.effective_at,
        expires_at=obj.expires_at,
        voided_at=obj.voided_at,
        created=obj.created,
        price_ids=tuple(price.id for price in prices),
    )


def credit_balances(obj: stripe.billing.CreditBalanceSummary) -> tuple[CreditBalance, ...]:
    found = []
    for balance in obj.balances:
        available, ledger = balance.available_balance.monetary, balance.ledger_balance.monetary
        if available is not None:
            found.append(CreditBalance(available.currency, available.value, ledger.value if ledger else 0))
    return tuple(found)


def credit_ledger_entry(obj: stripe.billing.CreditBalanceTransaction) -> CreditLedgerEntry:
    credit, debit = obj.credit, obj.debit
    amount, invoice_id = 0, None
    if credit is not None and credit.amount.monetary is not None:
        amount = credit.amount.monetary.value
    if debit is not None and debit.amount.monetary is not None:
        amount = -debit.amount.monetary.value
        applied = getattr(debit, "credits_applied", None)
        invoice_id = applied.invoice if applied is not None else None
    return CreditLedgerEntry(
        id=obj.id,
        grant_id=expandable_id(obj.credit_grant) or "",
        amount=amount,
        effective_at=obj.effective_at,
        invoice_id=invoice_id,
    )


def balance_transaction(obj: stripe.CustomerBalanceTransaction) -> BalanceTransaction:
    known = {kind.value for kind in BalanceTransactionType}
    return BalanceTransaction(
        id=obj.id,
        amount=obj.amount,
        currency=obj.currency,
        type=BalanceTransactionType(obj.type if obj.type in known else "other"),
        description=obj.description,
        ending_balance=obj.ending_balance,
        invoice_id=expandable_id(obj.invoice),
        created=obj.created,
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
        schedule_id=expandable_id(obj.schedule),
        default_payment_method_id=expandable_id(obj.default_payment_method),
        collection_method=obj.collection_method,
        metadata=_metadata(obj.metadata),
        pause_collection=_pause_collection(obj.pause_collection),
        discount_ids=tuple(expandable_id(discount) or "" for discount in obj.discounts or ()),
    )


def _pause_collection(obj: stripe.Subscription.PauseCollection | None) -> PauseCollection | None:
    if obj is None:
        return None
    return PauseCollection(behavior=PauseBehavior(obj.behavior), resumes_at=obj.resumes_at)


def coupon(obj: stripe.Coupon) -> Coupon:
    return Coupon(
        id=obj.id,
        name=obj.name,
        percent_off=obj.percent_off,
        amount_off=obj.amount_off,
        currency=obj.currency,
        duration=CouponDuration(obj.duration),
        duration_in_months=obj.duration_in_months,
        created=obj.created,
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
        metadata=_metadata(obj.metadata),
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
        starting_balance=obj.starting_balance,
        credited=sum(credit.amount for credit in obj.total_pretax_credit_amounts or ()),
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
    pause = features.subscription_pause
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
            customer_update_allowed=tuple(
                CustomerDetail(name) for name in features.customer_update.allowed_updates
            ),
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
            subscription_update_allowed=tuple(
                SubscriptionUpdateKind(kind) for kind in update.default_allowed_updates
            ),
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
            subscription_pause_enabled=pause.enabled,
            subscription_pause_indefinite=pause.duration.type == "indefinite",
            subscription_pause_durations=tuple(
                PauseDuration(Interval(option.interval), option.interval_count)
                for option in pause.duration.interval_options or ()
            )
            if pause.duration.type == "interval_options"
            else (),
            subscription_update_resets_billing_cycle=update.billing_cycle_anchor == "now",
            subscription_update_ends_trial=update.trial_update_behavior != "continue_trial",
            subscription_update_scheduled_when=tuple(
                ScheduleCondition(condition.type)
                for condition in (
                    update.schedule_at_period_end.conditions if update.schedule_at_period_end else ()
                )
            ),
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
    "billing.credit_grant": lambda data: credit_grant(read_as(stripe.billing.CreditGrant, data)),
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
