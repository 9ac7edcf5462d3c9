"""What each Stripe event means for portalql: whose cached reads it makes stale, and what to audit.

Handlers are pure: they read the event and return a `Change`; `portalql.webhooks` applies it. Only changes a
portal shows and someone made (a cancel, a plan change, a refund, a new card) are audited; billing's own
churn (a period rolling over, an invoice being paid) only refreshes the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stripe_gateway.records import invoices_again

if TYPE_CHECKING:
    from stripe_gateway.records import Event

# The gateway sends `portalql:<operation>:<key>` as the idempotency key of every write, and Stripe echoes
# the key of the request behind an event in `event.request.idempotency_key`.
PORTALQL_IDEMPOTENCY_PREFIX = "portalql:"

# Fields worth an audit entry when they change, as a summary that ignores what the portal does not show.
_SUBSCRIPTION_FIELDS = (
    "status",
    "cancel_at_period_end",
    "cancel_at",
    "canceled_at",
    "cancellation_details",
    "items",
    "default_payment_method",
)
_CUSTOMER_FIELDS = ("email", "name", "phone", "address", "shipping", "invoice_settings")


@dataclass(frozen=True)
class AuditEntry:
    """A change made outside portalql, as the audit log records it."""

    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


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


Handler = Callable[["Event"], "Change | None"]


def made_by_portalql(event: Event) -> bool:
    """Whether the change behind `event` was a write portalql made (and audited itself)."""
    request = event.payload.get("request")
    key = request.get("idempotency_key") if isinstance(request, Mapping) else None
    return isinstance(key, str) and key.startswith(PORTALQL_IDEMPOTENCY_PREFIX)


def on_subscription_changed(event: Event) -> Change | None:
    if event.object_id is None:
        return None
    subscription = event.data_object
    if event.type == "customer.subscription.updated":
        before, after = _changed(_SUBSCRIPTION_FIELDS, event.previous_attributes or {}, subscription)
        action = _subscription_update_action(before, after)
    else:  # created or deleted: the whole subscription is the change
        before, after = None, _summary(_SUBSCRIPTION_FIELDS, subscription)
        action = "subscription.create" if event.type.endswith("created") else "subscription.cancel"
    audited = action is not None and not made_by_portalql(event)
    return Change(
        object_id=event.object_id,
        customer_id=event.customer_id,
        audit=AuditEntry(action, "subscription", event.object_id, before, after)
        if audited and action is not None
        else None,
        invoices_again=event.type != "customer.subscription.deleted"
        and invoices_again(str(subscription.get("status")), subscription.get("cancel_at_period_end") is True),
    )


def on_invoice_changed(event: Event) -> Change | None:
    """New, finalized, paid, failed or voided invoices: only a void is someone's decision worth auditing."""
    if event.object_id is None:
        return None
    audit = None
    if event.type == "invoice.voided" and not made_by_portalql(event):
        audit = AuditEntry(
            "invoice.void",
            "invoice",
            event.object_id,
            before=None,
            after={"status": event.data_object.get("status"), "total": event.data_object.get("total")},
        )
    return Change(object_id=event.object_id, customer_id=event.customer_id, audit=audit)


def on_charge_refunded(event: Event) -> Change | None:
    if event.object_id is None:
        return None
    charge = event.data_object
    previous = event.previous_attributes or {}
    audit = None
    if not made_by_portalql(event):
        audit = AuditEntry(
            "payment.refund",
            "charge",
            event.object_id,
            before={"amount_refunded": previous.get("amount_refunded")},
            after={"amount_refunded": charge.get("amount_refunded"), "currency": charge.get("currency")},
        )
    return Change(object_id=event.object_id, customer_id=event.customer_id, audit=audit)


def on_refund_changed(event: Event) -> Change | None:
    """A refund created, or its status changed (`refund.updated`, `refund.failed`).

    The charge is the object made stale: a cached refund is grouped under its charge, so dropping the charge
    drops the refund along with the charge and payment intent whose refunded amount it moves. Never audited:
    Stripe reports every refund with `charge.refunded` too, and that is the audited event, because a charge
    names the customer whose trail the refund belongs in, where a refund may not.
    """
    if event.object_id is None:
        return None
    charge_id = _id_of(event.data_object.get("charge"))
    return Change(object_id=charge_id or event.object_id, customer_id=event.customer_id, audit=None)


def on_payment_method_changed(event: Event) -> Change | None:
    if event.object_id is None:
        return None
    attached = event.type == "payment_method.attached"
    # A detached method no longer names its customer; the event's previous attributes still do.
    owner = event.customer_id
    if owner is None and event.previous_attributes is not None:
        previous_owner = event.previous_attributes.get("customer")
        owner = previous_owner if isinstance(previous_owner, str) else None
    audit = None
    if not made_by_portalql(event):
        card = _card_summary(event.data_object)
        audit = AuditEntry(
            "payment_method.attach" if attached else "payment_method.detach",
            "payment_method",
            event.object_id,
            before=None if attached else card,
            after=card if attached else None,
        )
    return Change(object_id=event.object_id, customer_id=owner, audit=audit)


def on_customer_updated(event: Event) -> Change | None:
    if event.object_id is None:
        return None
    before, after = _changed(_CUSTOMER_FIELDS, event.previous_attributes or {}, event.data_object)
    audit = None
    if after and not made_by_portalql(event):
        audit = AuditEntry("customer.update", "customer", event.object_id, before, after)
    return Change(object_id=event.object_id, customer_id=event.object_id, audit=audit)


def on_catalog_changed(event: Event) -> Change | None:
    """A product, price or portal configuration created, changed or deleted.

    The whole catalog is dropped, not only the object: a new or reactivated price belongs in the cached read
    of active prices (the plans on offer, and the products dashboards show) that does not hold it yet.
    Catalog changes are rare, and never audited: they are the merchant's, not a customer's.
    """
    if event.object_id is None:
        return None
    return Change(object_id=event.object_id, customer_id=None, audit=None, catalog=True)


HANDLERS: Mapping[str, Handler] = {
    "customer.subscription.created": on_subscription_changed,
    "customer.subscription.updated": on_subscription_changed,
    "customer.subscription.deleted": on_subscription_changed,
    "invoice.created": on_invoice_changed,
    "invoice.finalized": on_invoice_changed,
    "invoice.paid": on_invoice_changed,
    "invoice.payment_failed": on_invoice_changed,
    "invoice.updated": on_invoice_changed,
    "invoice.voided": on_invoice_changed,
    "charge.refunded": on_charge_refunded,
    "refund.created": on_refund_changed,
    "refund.updated": on_refund_changed,
    "refund.failed": on_refund_changed,
    "payment_method.attached": on_payment_method_changed,
    "payment_method.detached": on_payment_method_changed,
    "customer.updated": on_customer_updated,
    "product.created": on_catalog_changed,
    "product.updated": on_catalog_changed,
    "product.deleted": on_catalog_changed,
    "price.created": on_catalog_changed,
    "price.updated": on_catalog_changed,
    "price.deleted": on_catalog_changed,
    "billing_portal.configuration.created": on_catalog_changed,
    "billing_portal.configuration.updated": on_catalog_changed,
}


def _subscription_update_action(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    if not after:
        return None  # e.g. a renewal: only periods and the latest invoice moved
    if after.get("status") == "canceled":
        return "subscription.cancel"
    if "cancel_at_period_end" in after or "cancel_at" in after:
        scheduled = after.get("cancel_at_period_end") is True or after.get("cancel_at") is not None
        unscheduled = before.get("cancel_at_period_end") is True or before.get("cancel_at") is not None
        if scheduled and not unscheduled:
            return "subscription.cancel"
        if unscheduled and not scheduled:
            return "subscription.reactivate"
    if "items" in after:
        return "subscription.change_plan"
    return "subscription.update"


def _changed(
    fields: tuple[str, ...], previous: Mapping[str, object], current: Mapping[str, object]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The summaries, before and after, of the `fields` that `previous` reports and that really changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in fields:
        if name not in previous:
            continue
        old, new = _summarise(name, previous[name]), _summarise(name, current.get(name))
        if old != new:
            before[name], after[name] = old, new
    return before, after


def _summary(fields: tuple[str, ...], current: Mapping[str, object]) -> dict[str, Any]:
    return {name: _summarise(name, current.get(name)) for name in fields}


def _summarise(name: str, value: object) -> Any:
    """A field's value as the audit log keeps it: ids instead of nested objects, no period dates."""
    if name == "items" and isinstance(value, Mapping):
        return [
            {"price": _id_of(item.get("price")), "quantity": item.get("quantity")}
            for item in _list_data(value)
            if isinstance(item, Mapping)
        ]
    if name == "invoice_settings" and isinstance(value, Mapping):
        return {"default_payment_method": _id_of(value.get("default_payment_method"))}
    if name == "default_payment_method":
        return _id_of(value)
    if name == "cancellation_details" and isinstance(value, Mapping):
        return {key: value.get(key) for key in ("feedback", "comment")}
    return value


def _list_data(value: Mapping[str, Any]) -> list[Any]:
    data = value.get("data")
    return data if isinstance(data, list) else []


def _id_of(value: object) -> str | None:
    if isinstance(value, Mapping):
        found = value.get("id")
        return found if isinstance(found, str) else None
    return value if isinstance(value, str) else None


def _card_summary(payment_method: Mapping[str, object]) -> dict[str, Any]:
    card = payment_method.get("card")
    details = card if isinstance(card, Mapping) else {}
    return {"type": payment_method.get("type"), "brand": details.get("brand"), "last4": details.get("last4")}
