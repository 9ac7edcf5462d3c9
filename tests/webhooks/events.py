"""Typed Stripe events built directly from records, for the handlers' unit tests (no HTTP, no JSON)."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from stripe_gateway.records import (
    CancellationDetails,
    Card,
    Charge,
    Customer,
    Event,
    Interval,
    Invoice,
    InvoiceStatus,
    PaymentMethod,
    PaymentMethodType,
    Price,
    PriceType,
    Recurring,
    Refund,
    Subscription,
    SubscriptionItem,
    SubscriptionStatus,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from stripe_gateway.records import ChangedField, EventSubject

_NOTHING: MappingProxyType[str, str] = MappingProxyType({})


def price(price_id: str = "price_basic") -> Price:
    return Price(
        id=price_id,
        product_id="prod_1",
        active=True,
        currency="usd",
        unit_amount=1000,
        type=PriceType.RECURRING,
        recurring=Recurring(Interval.MONTH, 1),
        lookup_key=None,
        nickname=None,
    )


def subscription(**changes: Any) -> Subscription:
    """An active monthly subscription of customer `cus_A` to `price_basic`; `changes` override fields."""
    made = Subscription(
        id="sub_1",
        customer_id="cus_A",
        status=SubscriptionStatus.ACTIVE,
        items=(SubscriptionItem("si_1", "sub_1", price(), 1, 100, 200),),
        currency="usd",
        created=100,
        start_date=100,
        cancel_at_period_end=False,
        cancel_at=None,
        canceled_at=None,
        ended_at=None,
        cancellation_details=CancellationDetails(reason=None, feedback=None, comment=None),
        trial_start=None,
        trial_end=None,
        latest_invoice_id=None,
        default_payment_method_id=None,
        collection_method="charge_automatically",
        metadata=_NOTHING,
    )
    return replace(made, **changes)


def customer(**changes: Any) -> Customer:
    made = Customer(
        id="cus_A",
        email="ada@example.com",
        name="Ada",
        phone=None,
        address=None,
        currency="usd",
        balance=0,
        created=100,
        default_payment_method_id=None,
        preferred_locales=(),
        metadata=_NOTHING,
    )
    return replace(made, **changes)


def payment_method(**changes: Any) -> PaymentMethod:
    made = PaymentMethod(
        id="pm_1",
        customer_id="cus_A",
        type=PaymentMethodType.CARD,
        card=Card("visa", "4242", 12, 2030, "credit", "US", None),
        billing_name=None,
        billing_email=None,
        created=100,
    )
    return replace(made, **changes)


def charge(**changes: Any) -> Charge:
    made = Charge(
        id="ch_1",
        amount=3000,
        amount_captured=3000,
        amount_refunded=0,
        refunded=False,
        disputed=False,
        currency="usd",
        status="succeeded",
        customer_id="cus_A",
        payment_intent_id="pi_1",
        payment_method_id="pm_1",
        receipt_url=None,
        created=100,
    )
    return replace(made, **changes)


def refund(**changes: Any) -> Refund:
    made = Refund(
        id="re_1",
        amount=500,
        currency="usd",
        status="succeeded",
        reason=None,
        charge_id="ch_1",
        payment_intent_id="pi_1",
        created=100,
        metadata=_NOTHING,
    )
    return replace(made, **changes)


def invoice(**changes: Any) -> Invoice:
    made = Invoice(
        id="in_1",
        customer_id="cus_A",
        subscription_id="sub_1",
        status=InvoiceStatus.OPEN,
        number="A-1",
        currency="usd",
        amount_due=1000,
        amount_paid=0,
        amount_remaining=1000,
        subtotal=1000,
        total=1000,
        created=100,
        period_start=100,
        period_end=200,
        due_date=None,
        paid_at=None,
        billing_reason="subscription_cycle",
        hosted_invoice_url=None,
        invoice_pdf=None,
        lines=(),
        lines_has_more=False,
    )
    return replace(made, **changes)


def typed_event(
    event_type: str,
    subject: EventSubject,
    *,
    previous: EventSubject | None = None,
    changed: Iterable[ChangedField] = (),
    made_by_portalql: bool = False,
    created: int = 100,
    event_id: str = "evt_1",
    customer_id: str | None = None,
) -> Event:
    """An event about `subject`; `previous` and `changed` as an `*.updated` event reports them. The event's
    customer is the subject's, unless `customer_id` names another."""
    owner = customer_id
    if owner is None:
        owner = subject.id if isinstance(subject, Customer) else getattr(subject, "customer_id", None)
    return Event(
        id=event_id,
        type=event_type,
        created=created,
        object_id=subject.id,
        customer_id=owner,
        subject=subject,
        previous=previous,
        changed=frozenset(changed),
        made_by_portalql=made_by_portalql,
        payload={"id": event_id, "type": event_type},
    )


def bare_event(event_type: str, object_id: str | None, *, customer_id: str | None = None) -> Event:
    """An event about an object portalql keeps no record of (a tax id, a product): only its ids."""
    return Event(
        id="evt_1",
        type=event_type,
        created=100,
        object_id=object_id,
        customer_id=customer_id,
        subject=None,
        previous=None,
        changed=frozenset(),
        made_by_portalql=False,
        payload={"id": "evt_1", "type": event_type},
    )
