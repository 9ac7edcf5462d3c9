"""What each Stripe event means for portalql: whose cached reads it makes stale, and what to audit.

Handlers are pure: they read the event (its object as a record, the fields that changed, whether portalql
made the change) and return a `Change`; `portalql.webhooks.inbox` applies it. Changes a portal shows that
were made outside portalql are audited: someone's (a cancel, a plan change, a refund, a new card) and how
payments went (an invoice paid, a payment declined or waiting for 3-D Secure, a card refused when saved);
the rest of billing's churn (a period rolling over, a draft invoice) only refreshes the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from resolvers.live import BillingTopic
from resolvers.ports import invoice_paid_key
from stripe_gateway.records import (
    ChangedField,
    Charge,
    CreditGrant,
    Customer,
    Invoice,
    InvoiceStatus,
    PaymentMethod,
    Refund,
    SetupIntent,
    Subscription,
)

if TYPE_CHECKING:
    from stripe_gateway.records import Address, Event, Shipping

T = TypeVar("T")


def _cancellation_summary(subscription: Subscription) -> dict[str, Any]:
    details = subscription.cancellation_details
    feedback = details.feedback.value if details.feedback is not None else None
    return {"feedback": feedback, "comment": details.comment}


def _asdict(record: Address | Shipping | None) -> dict[str, Any] | None:
    return asdict(record) if record is not None else None


# Fields worth an audit entry when they change, each as the audit log keeps it: a summary that ignores what
# the portal does not show (ids instead of nested objects, no period dates), named by the field's name.
_SUBSCRIPTION_FIELDS: Mapping[ChangedField, Callable[[Subscription], Any]] = {
    ChangedField.STATUS: lambda subscription: subscription.status.value,
    ChangedField.CANCEL_AT_PERIOD_END: lambda subscription: subscription.cancel_at_period_end,
    ChangedField.CANCEL_AT: lambda subscription: subscription.cancel_at,
    ChangedField.CANCELED_AT: lambda subscription: subscription.canceled_at,
    ChangedField.CANCELLATION_DETAILS: _cancellation_summary,
    ChangedField.ITEMS: lambda subscription: [
        {"price": item.price.id, "quantity": item.quantity} for item in subscription.items
    ],
    ChangedField.DEFAULT_PAYMENT_METHOD: lambda subscription: subscription.default_payment_method_id,
    ChangedField.PAUSE_COLLECTION: lambda subscription: (
        None if subscription.pause_collection is None else asdict(subscription.pause_collection)
    ),
}
_CUSTOMER_FIELDS: Mapping[ChangedField, Callable[[Customer], Any]] = {
    ChangedField.EMAIL: lambda customer: customer.email,
    ChangedField.NAME: lambda customer: customer.name,
    ChangedField.PHONE: lambda customer: customer.phone,
    ChangedField.ADDRESS: lambda customer: _asdict(customer.address),
    ChangedField.SHIPPING: lambda customer: _asdict(customer.shipping),
    ChangedField.INVOICE_SETTINGS: lambda customer: {
        "default_payment_method": customer.default_payment_method_id
    },
}


@dataclass(frozen=True)
class AuditEntry:
    """A change made outside portalql, as the audit log records it."""

    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    # One trail entry per key, shared with what portalql audits of the same change (`invoice_paid_key`).
    once_key: str | None = None


@dataclass(frozen=True)
class Change:
    """What one event means: the object it describes, whose reads are stale, and what to audit."""

    object_id: str
    customer_id: str | None
    audit: AuditEntry | None
    # The catalog changed (products, prices, portal configurations): reads every customer shares are stale.
    catalog: bool = False
    # For a subscription: whether it invoices again, which decides if its customer's dashboards preview it.
    invoices_again: bool | None = None
    # What the customer's watchers are told is stale (`resolvers.live`).
    topics: frozenset[BillingTopic] = frozenset()


Handler = Callable[["Event"], "Change | None"]

_INVOICES = frozenset({BillingTopic.INVOICES})
# A payment's outcome moves the invoice, and the subscription it leaves past due or active again.
_ALL_OWED = frozenset({BillingTopic.INVOICES, BillingTopic.SUBSCRIPTIONS})
_PAYMENT_METHODS = frozenset({BillingTopic.PAYMENT_METHODS})


def on_subscription_created(event: Event) -> Change | None:
    subscription = event.subject
    if not isinstance(subscription, Subscription):
        return None
    after = _summary(_SUBSCRIPTION_FIELDS, subscription)
    return _subscription_change(event, subscription, "subscription.create", None, after)


def on_subscription_updated(event: Event) -> Change | None:
    subscription, previous = event.subject, event.previous
    if not isinstance(subscription, Subscription):
        return None
    action: str | None = None
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if isinstance(previous, Subscription):
        before, after = _changed(
            _summary(_SUBSCRIPTION_FIELDS, previous, event.changed),
            _summary(_SUBSCRIPTION_FIELDS, subscription, event.changed),
        )
        # None when no audited field changed, e.g. at a renewal.
        action = _subscription_update_action(previous, subscription, after) if after else None
    return _subscription_change(event, subscription, action, before, after)


def on_subscription_deleted(event: Event) -> Change | None:
    subscription = event.subject
    if not isinstance(subscription, Subscription):
        return None
    after = _summary(_SUBSCRIPTION_FIELDS, subscription)
    return _subscription_change(event, subscription, "subscription.cancel", None, after)


def on_invoice_changed(event: Event) -> Change | None:
    """New, finalized or updated invoices: billing's own doing, never audited."""
    if event.object_id is None:
        return None
    return Change(object_id=event.object_id, customer_id=event.customer_id, audit=None, topics=_INVOICES)


def on_invoice_paid(event: Event) -> Change | None:
    """Audited once per invoice, under the key `payInvoice` writes its entry with: paid elsewhere (a renewal
    charged, Stripe's invoice page, 3-D Secure completed in the browser), or by `payInvoice` when its answer
    was lost and no retry has seen the payment yet. An invoice with nothing to pay (a trial's, one settled by
    credit) is no payment, and not audited."""
    invoice = event.subject
    if not isinstance(invoice, Invoice):
        return None
    audit = None
    if invoice.amount_paid > 0:
        audit = AuditEntry(
            "invoice.pay",
            "invoice",
            invoice.id,
            before={"status": InvoiceStatus.OPEN.value, "amountRemaining": invoice.amount_due},
            after={"status": _status(invoice), "amountPaid": invoice.amount_paid},
            once_key=invoice_paid_key(invoice.id),
        )
    return Change(object_id=invoice.id, customer_id=event.customer_id, audit=audit, topics=_ALL_OWED)


def on_invoice_payment_attempted(event: Event) -> Change | None:
    """A payment declined, or waiting for the customer's 3-D Secure: audited when Stripe attempted it (a
    renewal, a retry), not when `payInvoice` did, whose caller was answered with the outcome."""
    invoice = event.subject
    if not isinstance(invoice, Invoice):
        return None
    audit = None
    if not event.made_by_portalql:
        audit = AuditEntry(
            event.type,
            "invoice",
            invoice.id,
            before=None,
            after={
                "status": _status(invoice),
                "amountRemaining": invoice.amount_remaining,
                "currency": invoice.currency,
            },
        )
    return Change(object_id=invoice.id, customer_id=event.customer_id, audit=audit, topics=_ALL_OWED)


def on_invoice_voided(event: Event) -> Change | None:
    """A void is someone's decision worth auditing, unless it was portalql's."""
    invoice = event.subject
    if not isinstance(invoice, Invoice):
        return None
    audit = None
    if not event.made_by_portalql:
        audit = AuditEntry(
            "invoice.void",
            "invoice",
            invoice.id,
            before=None,
            after={"status": _status(invoice), "total": invoice.total},
        )
    return Change(object_id=invoice.id, customer_id=event.customer_id, audit=audit, topics=_INVOICES)


def on_charge_refunded(event: Event) -> Change | None:
    charge, previous = event.subject, event.previous
    if not isinstance(charge, Charge):
        return None
    audit = None
    if not event.made_by_portalql:
        refunded_before = (
            previous.amount_refunded
            if isinstance(previous, Charge) and ChangedField.AMOUNT_REFUNDED in event.changed
            else None
        )
        audit = AuditEntry(
            "payment.refund",
            "charge",
            charge.id,
            before={"amount_refunded": refunded_before},
            after={"amount_refunded": charge.amount_refunded, "currency": charge.currency},
        )
    return Change(object_id=charge.id, customer_id=event.customer_id, audit=audit, topics=_INVOICES)


def on_refund_changed(event: Event) -> Change | None:
    """A refund created, or its status changed (`refund.updated`, `refund.failed`).

    The charge is the object made stale: a cached refund is grouped under its charge, so dropping the charge
    drops the refund along with the charge and payment intent whose refunded amount it moves. Never audited:
    Stripe reports every refund with `charge.refunded` too, and that is the audited event, because a charge
    names the customer whose trail the refund belongs in, where a refund may not.
    """
    refund = event.subject
    if not isinstance(refund, Refund):
        return None
    return Change(
        object_id=refund.charge_id or refund.id, customer_id=event.customer_id, audit=None, topics=_INVOICES
    )


def on_payment_method_attached(event: Event) -> Change | None:
    payment_method = event.subject
    if not isinstance(payment_method, PaymentMethod):
        return None
    audit = None
    if not event.made_by_portalql:
        card = _card_summary(payment_method)
        audit = AuditEntry("payment_method.attach", "payment_method", payment_method.id, None, card)
    return Change(
        object_id=payment_method.id,
        customer_id=payment_method.customer_id,
        audit=audit,
        topics=_PAYMENT_METHODS,
    )


def on_payment_method_detached(event: Event) -> Change | None:
    payment_method, previous = event.subject, event.previous
    if not isinstance(payment_method, PaymentMethod):
        return None
    # A detached method no longer names its customer; the method as it was before still does.
    owner = payment_method.customer_id
    if owner is None and isinstance(previous, PaymentMethod) and ChangedField.CUSTOMER in event.changed:
        owner = previous.customer_id
    audit = None
    if not event.made_by_portalql:
        card = _card_summary(payment_method)
        audit = AuditEntry("payment_method.detach", "payment_method", payment_method.id, card, None)
    return Change(object_id=payment_method.id, customer_id=owner, audit=audit, topics=_PAYMENT_METHODS)


def on_setup_intent_succeeded(event: Event) -> Change | None:
    """A card saved in the customer's browser: their cards are stale. Not audited itself: the card it adds
    is, once, through `payment_method.attached`."""
    setup_intent = event.subject
    if not isinstance(setup_intent, SetupIntent):
        return None
    return Change(
        object_id=setup_intent.id, customer_id=setup_intent.customer_id, audit=None, topics=_PAYMENT_METHODS
    )


def on_setup_intent_failed(event: Event) -> Change | None:
    """A card the issuer refused to save (declined, or 3-D Secure failed): audited with the reason."""
    setup_intent = event.subject
    if not isinstance(setup_intent, SetupIntent):
        return None
    audit = None
    if not event.made_by_portalql:
        error = setup_intent.last_setup_error
        audit = AuditEntry(
            "setup_intent.setup_failed",
            "setup_intent",
            setup_intent.id,
            before=None,
            after={
                "code": error.code if error is not None else None,
                "declineCode": error.decline_code if error is not None else None,
            },
        )
    return Change(
        object_id=setup_intent.id,
        customer_id=setup_intent.customer_id,
        audit=audit,
        topics=_PAYMENT_METHODS,
    )


def on_customer_updated(event: Event) -> Change | None:
    customer, previous = event.subject, event.previous
    if not isinstance(customer, Customer):
        return None
    audit = None
    if isinstance(previous, Customer) and not event.made_by_portalql:
        before, after = _changed(
            _summary(_CUSTOMER_FIELDS, previous, event.changed),
            _summary(_CUSTOMER_FIELDS, customer, event.changed),
        )
        if after:
            audit = AuditEntry("customer.update", "customer", customer.id, before, after)
    # The default card is one of the customer's settings.
    topics = frozenset({BillingTopic.DETAILS, BillingTopic.PAYMENT_METHODS})
    return Change(object_id=customer.id, customer_id=customer.id, audit=audit, topics=topics)


def on_tax_id_changed(event: Event) -> Change | None:
    """A customer's tax id added, removed, or verified by the tax authority: the customer's reads (which
    carry the tax ids) are stale. Not audited: portalql's own adds and removals are, when made."""
    if event.object_id is None or event.customer_id is None:
        return None
    return Change(
        object_id=event.object_id,
        customer_id=event.customer_id,
        audit=None,
        topics=frozenset({BillingTopic.DETAILS}),
    )


def on_credit_grant_changed(event: Event) -> Change | None:
    """Credit given, changed, voided or expired: the customer's credit reads are stale (otherwise kept for a
    minute). Never audited: credit is the merchant's to give."""
    grant = event.subject
    if not isinstance(grant, CreditGrant):
        return None
    return Change(
        object_id=grant.id,
        customer_id=grant.customer_id,
        audit=None,
        topics=frozenset({BillingTopic.CREDITS}),
    )


def on_catalog_changed(event: Event) -> Change | None:
    """A product, price, meter, portal configuration or the account itself created, changed or deleted.

    The whole catalog is dropped, not only the object: a new or reactivated price belongs in the cached read
    of active prices (the plans on offer, and the products dashboards show) that does not hold it yet.
    Catalog changes are rare, and never audited: they are the merchant's, not a customer's.
    """
    if event.object_id is None:
        return None
    return Change(object_id=event.object_id, customer_id=None, audit=None, catalog=True)


HANDLERS: Mapping[str, Handler] = {
    "customer.subscription.created": on_subscription_created,
    "customer.subscription.updated": on_subscription_updated,
    "customer.subscription.deleted": on_subscription_deleted,
    "invoice.created": on_invoice_changed,
    "invoice.finalized": on_invoice_changed,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_invoice_payment_attempted,
    "invoice.payment_action_required": on_invoice_payment_attempted,
    "invoice.updated": on_invoice_changed,
    "invoice.voided": on_invoice_voided,
    "charge.refunded": on_charge_refunded,
    "refund.created": on_refund_changed,
    "refund.updated": on_refund_changed,
    "refund.failed": on_refund_changed,
    "payment_method.attached": on_payment_method_attached,
    "payment_method.detached": on_payment_method_detached,
    "setup_intent.succeeded": on_setup_intent_succeeded,
    "setup_intent.setup_failed": on_setup_intent_failed,
    "customer.updated": on_customer_updated,
    "customer.tax_id.created": on_tax_id_changed,
    "customer.tax_id.updated": on_tax_id_changed,
    "customer.tax_id.deleted": on_tax_id_changed,
    "product.created": on_catalog_changed,
    "product.updated": on_catalog_changed,
    "product.deleted": on_catalog_changed,
    "price.created": on_catalog_changed,
    "price.updated": on_catalog_changed,
    "price.deleted": on_catalog_changed,
    "billing_portal.configuration.created": on_catalog_changed,
    "billing_portal.configuration.updated": on_catalog_changed,
    # The meters are read with the catalog (a metered price names its meter).
    "billing.meter.created": on_catalog_changed,
    "billing.meter.updated": on_catalog_changed,
    "billing.meter.deactivated": on_catalog_changed,
    "billing.meter.reactivated": on_catalog_changed,
    "billing.credit_grant.created": on_credit_grant_changed,
    "billing.credit_grant.updated": on_credit_grant_changed,
    # The account's branding (the hosted page's logo and colours) is cached with the catalog.
    "account.updated": on_catalog_changed,
}


def _subscription_change(
    event: Event,
    subscription: Subscription,
    action: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> Change:
    audit = None
    if action is not None and not event.made_by_portalql:
        audit = AuditEntry(action, "subscription", subscription.id, before, after)
    return Change(
        object_id=subscription.id,
        customer_id=event.customer_id,
        audit=audit,
        # A deleted subscription has ended, so it never invoices again.
        invoices_again=subscription.invoices_again,
        # Its upcoming invoice moves with it.
        topics=frozenset({BillingTopic.SUBSCRIPTIONS, BillingTopic.INVOICES}),
    )


def _subscription_update_action(
    previous: Subscription, subscription: Subscription, after: Mapping[str, Any]
) -> str:
    """What an update that changed the audited fields in `after` did."""
    if ChangedField.STATUS in after and subscription.has_ended:
        return "subscription.cancel"
    if ChangedField.CANCEL_AT_PERIOD_END in after or ChangedField.CANCEL_AT in after:
        scheduled = subscription.is_scheduled_to_cancel
        unscheduled = previous.is_scheduled_to_cancel
        if scheduled and not unscheduled:
            return "subscription.cancel"
        if unscheduled and not scheduled:
            return "subscription.reactivate"
    if ChangedField.ITEMS in after:
        return "subscription.change_plan"
    return "subscription.update"


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The summaries, before and after, of the fields whose summaries differ."""
    differ = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in differ}, {name: after[name] for name in differ}


def _summary(
    fields: Mapping[ChangedField, Callable[[T], Any]], record: T, only: Collection[ChangedField] | None = None
) -> dict[str, Any]:
    """The audit log's summary of `record`: its `fields`, or those of them in `only`."""
    return {
        field.value: summarise(record) for field, summarise in fields.items() if only is None or field in only
    }


def _status(invoice: Invoice) -> str | None:
    return invoice.status.value if invoice.status is not None else None


def _card_summary(payment_method: PaymentMethod) -> dict[str, Any]:
    card = payment_method.card
    return {
        "type": payment_method.type.value,
        "brand": card.brand if card is not None else None,
        "last4": card.last4 if card is not None else None,
    }
