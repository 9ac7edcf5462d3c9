"""Subscriptions: `/v1/subscriptions` and `/v1/subscription_items`. Creating one (its first invoice charged
at once), changing it (worked out in `subscription_changes`), canceling now or at period end, and what falls
due on it as the clock moves: renewals, trial ends and scheduled cancellations."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stripe_sandbox import clock
from stripe_sandbox.resources import coupons, invoice_items, invoices, meters
from stripe_sandbox.resources.subscription_changes import (
    PAYMENT_BEHAVIORS,
    PRORATION_BEHAVIORS,
    Change,
    ItemChange,
    apply_change,
    apply_pending_update,
    cycle,
    cycle_line,
    first_period,
    items_of,
    new_item,
    parse_change,
    period_end,
    plan_change,
    recurring_price,
    trial_line,
    unused_time,
    usage_line,
)
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    Params,
    StripeError,
    StripeObject,
    get_bool,
    get_dict,
    get_int,
    get_range,
    get_str,
    invalid,
    list_object,
    missing_param,
    reject_unknown,
    updated_metadata,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from stripe_sandbox.store import Store

# Statuses whose subscriptions renew and end as time passes.
LIVE_STATUSES = ("active", "past_due", "trialing", "unpaid")
ENDED_STATUSES = ("canceled", "incomplete_expired")
LIST_STATUSES = (
    "active",
    "all",
    "canceled",
    "ended",
    "incomplete",
    "incomplete_expired",
    "past_due",
    "paused",
    "trialing",
    "unpaid",
)
FEEDBACK = (
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
)
_NO_CANCELLATION = {"comment": None, "feedback": None, "reason": None}


@dataclass(frozen=True)
class ItemSpec:
    price: StripeObject
    quantity: int = 1
    metadata: dict[str, str] = field(default_factory=dict)


def _shape(
    store: Store, *, customer: str, currency: str, at: int, anchor: int, default_payment_method: str | None
) -> StripeObject:
    subscription_id = store.new_id("sub", 24)
    return {
        "id": subscription_id,
        "object": "subscription",
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": anchor,
        "billing_cycle_anchor_config": None,
        "billing_mode": {"flexible": {"proration_discounts": "included"}, "type": "flexible"},
        "billing_schedules": [],
        "billing_thresholds": None,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": dict(_NO_CANCELLATION),
        "collection_method": "charge_automatically",
        "created": at,
        "currency": currency,
        "customer": customer,
        "customer_account": None,
        "days_until_due": None,
        "default_payment_method": default_payment_method,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "ended_at": None,
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={subscription_id}",
        },
        "latest_invoice": None,
        "livemode": False,
        "managed_payments": {"enabled": False},
        "metadata": {},
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": None,
        "pause_collection": None,
        "payment_settings": {
            "payment_method_options": None,
            "payment_method_types": None,
            "save_default_payment_method": "off",
        },
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "schedule": None,
        "start_date": at,
        "status": "incomplete",
        "test_clock": None,
        "transfer_data": None,
        "trial_end": None,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": None,
    }


def new_subscription(
    store: Store,
    *,
    customer: str,
    items: list[ItemSpec],
    created: int | None = None,
    trial_end: int | None = None,
    default_payment_method: str | None = None,
    metadata: dict[str, str] | None = None,
    description: str | None = None,
    payment_behavior: str = "allow_incomplete",
    billing_mode: str = "flexible",
) -> StripeObject:
    """Start a subscription at `created` (default now) and charge its first invoice, as Stripe does on
    create: `active` once paid, `incomplete` when not, `trialing` with a free first invoice."""
    owner = store.get(customer, "customer", param="customer")
    at = created if created is not None else store.now()
    currency = _currency(owner, items)
    _check_new_items(items)
    if billing_mode == "classic" and len({_interval_of(spec.price) for spec in items}) > 1:
        raise invalid(
            "Currency and interval fields must match across all plans on this subscription. "
            "Use `billing_mode[type]=flexible` to mix intervals.",
            param="items",
        )
    trial = trial_end if trial_end is not None and trial_end > at else None
    subscription = _shape(
        store,
        customer=customer,
        currency=currency,
        at=at,
        anchor=at if trial is None else trial,
        default_payment_method=default_payment_method,
    )
    subscription["billing_mode"]["type"] = billing_mode
    subscription["metadata"] = dict(metadata or {})
    subscription["description"] = description
    if trial is not None:
        subscription.update(status="trialing", trial_start=at, trial_end=trial)
    subscription["items"]["data"] = [
        new_item(
            store,
            subscription=subscription["id"],
            price=spec.price,
            quantity=spec.quantity,
            period=first_period(spec.price, at) if trial is None else (at, trial),
            created=at,
            metadata=spec.metadata,
        )
        for spec in items
    ]
    line_for = cycle_line if trial is None else trial_line
    pending = invoice_items.pending(
        store, customer=customer, currency=currency, subscription=subscription["id"]
    )
    invoice = invoices.draft(
        store,
        customer=owner,
        currency=currency,
        lines=[invoice_items.as_line(store, item) for item in pending]
        + [line_for(store, subscription, item) for item in items_of(subscription)],
        at=at,
        billing_reason="subscription_create",
        subscription=subscription,
    )
    attempt = invoices.attempt(
        store,
        invoice,
        at,
        collect=payment_behavior != "default_incomplete",
        raise_on_decline=payment_behavior == "error_if_incomplete",
    )
    if owner["currency"] is None:
        before = copy.deepcopy(owner)
        owner["currency"] = currency
        store.emit_changes("customer.updated", before, owner)
    store.add(subscription)
    for item in items_of(subscription):
        store.add(item)
    store.emit("customer.subscription.created", subscription)
    before = copy.deepcopy(subscription)
    invoices.issue(store, invoice, items=pending, at=at, attempt=attempt)
    subscription["latest_invoice"] = invoice["id"]
    if invoice["status"] == "paid" and trial is None:
        subscription["status"] = "active"
    store.emit_changes("customer.subscription.updated", before, subscription)
    return subscription


def _currency(customer: StripeObject, items: list[ItemSpec]) -> str:
    currencies = {spec.price["currency"] for spec in items}
    if len(currencies) > 1:
        raise invalid("All prices on a subscription must use the same currency.", param="items")
    currency = str(currencies.pop())
    if customer["currency"] not in {None, currency}:
        raise invalid(
            "You cannot combine currencies on a single customer. This customer has an active subscription, "
            f"subscription schedule, discount, quote, or invoice item with currency {customer['currency']}.",
            param="items",
        )
    return currency


def _interval_of(price: StripeObject) -> tuple[str, int]:
    return price["recurring"]["interval"], price["recurring"]["interval_count"]


def _check_new_items(items: list[ItemSpec]) -> None:
    prices = [spec.price["id"] for spec in items]
    duplicate = next((price for price in prices if prices.count(price) > 1), None)
    if duplicate is not None:
        raise invalid(
            f"Cannot add multiple subscription items with the same price: {duplicate}.", param="items"
        )


def change_subscription(
    store: Store,
    subscription: StripeObject,
    change: Change,
    *,
    at: int,
    payment_behavior: str = "allow_incomplete",
) -> None:
    """Apply a parsed change at `at`: items with their prorations, a new billing cycle, the end of a trial,
    a scheduled cancellation or its removal. A decline under `error_if_incomplete` raises before any of it."""
    if not (change.items or change.reset_anchor or change.end_trial or change.cancel is not None):
        return
    plan = plan_change(store, subscription, change, at=at)
    apply_change(store, subscription, plan, at=at, payment_behavior=payment_behavior)
    if change.cancel is not None:
        _schedule_cancel(subscription, plan.cancel_at, at_period_end=change.cancel.at_period_end, at=at)
    if change.end_trial:
        subscription["trial_end"] = at
        if subscription["status"] == "trialing":
            subscription["status"] = "active"


def cancel_now(
    store: Store,
    subscription: StripeObject,
    *,
    at: int,
    prorate: bool = False,
    invoice_now: bool = False,
    details: dict[str, Any] | None = None,
) -> None:
    """End the subscription at `at`: `prorate` credits the unused time, `invoice_now` bills what is pending
    on it in a final invoice (a credit it leaves goes to the customer's balance)."""
    customer = subscription["customer"]
    credits = []
    if prorate and subscription["status"] != "trialing":
        credits = [
            invoice_items.build(
                store, customer=customer, line=unused_time(store, subscription, item, at), at=at
            )
            for item in items_of(subscription)
            if item["current_period_start"] <= at < item["current_period_end"]
        ]
    if invoice_now:
        pending = invoice_items.pending(
            store, customer=customer, currency=subscription["currency"], subscription=subscription["id"]
        )
        if pending or credits:
            invoice = invoices.draft(
                store,
                customer=store.get(customer, "customer"),
                currency=subscription["currency"],
                lines=[invoice_items.as_line(store, item) for item in pending + credits],
                at=at,
                billing_reason="subscription_update",
                subscription=subscription,
            )
            attempt = invoices.attempt(store, invoice, at)
            invoices.issue(store, invoice, items=pending + credits, at=at, attempt=attempt)
            subscription["latest_invoice"] = invoice["id"]
    else:
        for item in credits:
            invoice_items.save(store, item)
    subscription.update(status="canceled", canceled_at=at, ended_at=at, cancel_at_period_end=False)
    subscription["cancellation_details"] = {
        **subscription["cancellation_details"],
        **(details or {}),
        "reason": "cancellation_requested",
    }
    store.emit("customer.subscription.deleted", subscription)


def _end(store: Store, subscription: StripeObject, at: int) -> None:
    """A scheduled cancellation (`cancel_at`, or the end of the period) comes due."""
    subscription.update(status="canceled", ended_at=at)
    if subscription["canceled_at"] is None:
        subscription["canceled_at"] = at
    if subscription["cancellation_details"]["reason"] is None:
        subscription["cancellation_details"]["reason"] = "cancellation_requested"
    store.emit("customer.subscription.deleted", subscription)


# What happens to a subscription at a renewal before it is billed (a schedule's next phase begins).
RENEWAL_HOOKS: list[Callable[[Store, StripeObject, int], None]] = []


def _renew(store: Store, subscription: StripeObject, at: int) -> None:
    """Items whose period ends at `at` start the next one, billed in advance on a renewal invoice that
    also carries pending prorations; a trial ending is the same moment for a trialing subscription."""
    before = copy.deepcopy(subscription)
    for hook in RENEWAL_HOOKS:
        hook(store, subscription, at)
    due = [item for item in items_of(subscription) if item["current_period_end"] <= at]
    previous_start = min(item["current_period_start"] for item in due)
    # Metered items bill the period that ends now, in arrears; the others the next one, in advance.
    usage = [usage_line(store, subscription, item) for item in due if meters.is_metered(item["price"])]
    for item in due:
        item["current_period_start"], item["current_period_end"] = cycle(subscription, item["price"], at)
    customer = subscription["customer"]
    pending = invoice_items.pending(
        store, customer=customer, currency=subscription["currency"], subscription=subscription["id"]
    )
    invoice = invoices.draft(
        store,
        customer=store.get(customer, "customer"),
        currency=subscription["currency"],
        lines=[invoice_items.as_line(store, item) for item in pending]
        + usage
        + [cycle_line(store, subscription, item) for item in due if not meters.is_metered(item["price"])],
        at=at,
        billing_reason="subscription_cycle",
        subscription=subscription,
        period=(previous_start, at),
    )
    pause = subscription["pause_collection"]
    if pause is not None:
        # Collection is paused: the period renews, its invoice is made and left uncharged as `behavior` says.
        invoices.hold(store, invoice, items=pending, at=at, behavior=pause["behavior"])
        subscription["latest_invoice"] = invoice["id"]
        store.emit_changes("customer.subscription.updated", before, subscription)
        return
    invoices.issue(store, invoice, items=pending, at=at, attempt=invoices.attempt(store, invoice, at))
    subscription["latest_invoice"] = invoice["id"]
    subscription["status"] = "active" if invoice["status"] == "paid" else "past_due"
    store.emit_changes("customer.subscription.updated", before, subscription)


def _resume_collection(store: Store, subscription: StripeObject) -> None:
    """`pause_collection.resumes_at` comes: Stripe collects payments again from the next invoice on."""
    before = copy.deepcopy(subscription)
    subscription["pause_collection"] = None
    store.emit_changes("customer.subscription.updated", before, subscription)


@clock.scheduler
def _resumption_due(store: Store, to: int) -> clock.Task | None:
    """The earliest paused collection that resumes by itself at or before `to` (before a renewal due at the
    same instant, which is then charged)."""
    due = [
        (pause["resumes_at"], subscription)
        for subscription in store.iter_type("subscription")
        if subscription["status"] in LIVE_STATUSES
        and (pause := subscription["pause_collection"]) is not None
        and pause["resumes_at"] is not None
        and pause["resumes_at"] <= to
    ]
    if not due:
        return None
    at, subscription = min(due, key=lambda entry: entry[0])
    return (at, -1, functools.partial(_resume_collection, store, subscription))


@clock.scheduler
def _due(store: Store, to: int) -> clock.Task | None:
    """Each live subscription's next moment: its cancellation, or else the earliest item period end."""
    earliest: clock.Task | None = None
    for subscription in store.iter_type("subscription"):
        if subscription["status"] not in LIVE_STATUSES:
            continue
        renewal, cancel_at = period_end(subscription), subscription["cancel_at"]
        task: clock.Task
        if cancel_at is not None and cancel_at <= renewal:
            task = (cancel_at, 0, functools.partial(_end, store, subscription, cancel_at))
        else:
            task = (renewal, 1, functools.partial(_renew, store, subscription, renewal))
        if task[0] <= to and (earliest is None or (task[0], task[1]) < (earliest[0], earliest[1])):
            earliest = task
    return earliest


def _on_invoice_paid(store: Store, invoice: StripeObject) -> None:
    """Paying a subscription's latest invoice brings it back to `active` and applies a pending update."""
    subscription_id = invoices.subscription_of(invoice)
    subscription = store.find(subscription_id) if subscription_id else None
    if subscription is None or subscription["latest_invoice"] != invoice["id"]:
        return
    before = copy.deepcopy(subscription)
    if subscription["pending_update"] is not None:
        apply_pending_update(store, subscription)
    if subscription["status"] in {"incomplete", "past_due", "unpaid"}:
        subscription["status"] = "active"
    store.emit_changes("customer.subscription.updated", before, subscription)


invoices.PAID_HOOKS.append(_on_invoice_paid)


# -- parameters -----------------------------------------------------------------------------------------


def _cancellation_details(params: Params) -> dict[str, Any] | None:
    details = get_dict(params, "cancellation_details")
    if details is None:
        return None
    reject_unknown(details, ("comment", "feedback"), prefix="cancellation_details")
    parsed: dict[str, Any] = {}
    if "comment" in details:
        parsed["comment"] = get_str(details, "comment", param="cancellation_details[comment]") or None
    if "feedback" in details:
        feedback = get_str(details, "feedback", param="cancellation_details[feedback]")
        if feedback:
            get_str(details, "feedback", choices=FEEDBACK, param="cancellation_details[feedback]")
        parsed["feedback"] = feedback or None
    return parsed


def _payment_method(store: Store, customer: str, payment_method: str | None) -> str | None:
    if payment_method is None:
        return None
    found = store.get(payment_method, "payment_method", param="default_payment_method")
    if found["customer"] != customer:
        raise invalid(
            f"The customer does not have a payment method with the ID {payment_method}. The payment method "
            "must be attached to the customer.",
            param="default_payment_method",
        )
    return payment_method


def _live(call: Call, object_type: str = "subscription") -> StripeObject:
    clock.catch_up(call.store)
    return call.store.get(call["id"], object_type)


# -- /v1/subscriptions ----------------------------------------------------------------------------------

_CREATE = (
    "customer",
    "items",
    "default_payment_method",
    "trial_end",
    "trial_period_days",
    "metadata",
    "description",
    "payment_behavior",
    "cancel_at_period_end",
    "billing_mode",
    "collection_method",
    "off_session",
)
_EDITABLE_WHEN_ENDED = {"cancellation_details", "metadata", "expand"}
_UPDATE = (
    "items",
    "proration_behavior",
    "proration_date",
    "payment_behavior",
    "cancel_at_period_end",
    "cancel_at",
    "cancellation_details",
    "billing_cycle_anchor",
    "default_payment_method",
    "metadata",
    "trial_end",
    "description",
    "off_session",
    "pause_collection",
    "discounts",
)
PAUSE_BEHAVIORS = ("keep_as_draft", "mark_uncollectible", "void")


def _pause_collection(params: Params, now: int) -> tuple[bool, StripeObject | None]:
    """`pause_collection` on an update: whether it was given, and the pause (None: `""` resumes)."""
    if "pause_collection" not in params:
        return False, None
    raw = params["pause_collection"]
    if raw == "":
        return True, None
    given = get_dict(params, "pause_collection") or {}
    reject_unknown(given, ("behavior", "resumes_at"), prefix="pause_collection")
    behavior = get_str(
        given, "behavior", required=True, choices=PAUSE_BEHAVIORS, param="pause_collection[behavior]"
    )
    resumes_at = get_int(given, "resumes_at", param="pause_collection[resumes_at]")
    if resumes_at is not None and resumes_at <= now:
        raise invalid(
            "Invalid timestamp: must be an integer Unix timestamp in the future.",
            param="pause_collection[resumes_at]",
        )
    return True, {"behavior": behavior, "resumes_at": resumes_at}


@router.post("/v1/subscriptions")
def create_subscription(call: Call) -> StripeObject:
    store, params = call.store, call.params
    clock.catch_up(store)
    reject_unknown(params, _CREATE)
    customer = get_str(params, "customer", required=True) or ""
    store.get(customer, "customer", param="customer")
    entries = params.get("items")
    if not isinstance(entries, list) or not entries:
        raise missing_param("items")
    specs = []
    for index, entry in enumerate(entries):
        param = f"items[{index}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid object: {param}", param=param)
        reject_unknown(entry, ("price", "quantity", "metadata"), prefix=param)
        price_id = get_str(entry, "price", required=True, param=f"{param}[price]") or ""
        quantity = get_int(entry, "quantity", minimum=0, param=f"{param}[quantity]")
        specs.append(
            ItemSpec(
                price=recurring_price(store, price_id, param=f"{param}[price]", currency=None),
                quantity=1 if quantity is None else quantity,
                metadata=updated_metadata({}, entry),
            )
        )
    now = store.now()
    trial_end = _trial_end(params, now)
    # Validated as Stripe does; only automatic collection, always on session, is modelled.
    get_str(params, "collection_method", choices=("charge_automatically",))
    get_bool(params, "off_session")
    mode = get_dict(params, "billing_mode") or {}
    reject_unknown(mode, ("type",), prefix="billing_mode")
    subscription = new_subscription(
        store,
        customer=customer,
        items=specs,
        created=now,
        trial_end=trial_end,
        default_payment_method=_payment_method(store, customer, get_str(params, "default_payment_method")),
        metadata=updated_metadata({}, params),
        description=get_str(params, "description"),
        payment_behavior=get_str(params, "payment_behavior", choices=PAYMENT_BEHAVIORS[:3])
        or "allow_incomplete",
        billing_mode=get_str(mode, "type", choices=("classic", "flexible"), param="billing_mode[type]")
        or "flexible",
    )
    if get_bool(params, "cancel_at_period_end"):
        before = copy.deepcopy(subscription)
        _schedule_cancel(subscription, period_end(subscription), at_period_end=True, at=now)
        store.emit_changes("customer.subscription.updated", before, subscription)
    return subscription


def _trial_end(params: Params, now: int) -> int | None:
    days = get_int(params, "trial_period_days", minimum=0)
    raw = params.get("trial_end")
    if days is not None and raw is not None:
        raise invalid("You may only specify one of these parameters: trial_end, trial_period_days.")
    if days:
        return now + days * 86_400
    if raw is None or raw == "now":
        return None
    trial_end = get_int(params, "trial_end")
    if trial_end is None or trial_end <= now:
        raise invalid(
            "Invalid timestamp: must be an integer Unix timestamp in the future.", param="trial_end"
        )
    return trial_end


def _schedule_cancel(
    subscription: StripeObject, cancel_at: int | None, *, at_period_end: bool, at: int
) -> None:
    was_scheduled = subscription["cancel_at"] is not None
    subscription["cancel_at"] = cancel_at
    subscription["cancel_at_period_end"] = at_period_end and cancel_at is not None
    if cancel_at is None:
        subscription["canceled_at"] = None
        subscription["cancellation_details"] = dict(_NO_CANCELLATION)
    elif not was_scheduled:
        subscription["canceled_at"] = at
        subscription["cancellation_details"]["reason"] = "cancellation_requested"


@router.get("/v1/subscriptions/{id}")
def retrieve_subscription(call: Call) -> StripeObject:
    return _live(call)


@router.get("/v1/subscriptions")
def list_subscriptions(call: Call) -> StripeObject:
    store, params = call.store, call.params
    clock.catch_up(store)
    reject_unknown(
        params,
        (
            *("customer", "price", "plan", "status", "created", "current_period_start", "current_period_end"),
            *("collection_method", "limit", "starting_after", "ending_before"),
        ),
    )
    customer = get_str(params, "customer")
    price = get_str(params, "price") or get_str(params, "plan")
    status = get_str(params, "status", choices=LIST_STATUSES)
    created = get_range(params, "created")
    period_start = get_range(params, "current_period_start")
    period_ends = get_range(params, "current_period_end")
    collection = get_str(params, "collection_method", choices=invoices.COLLECTION_METHODS)

    def status_matches(subscription: StripeObject) -> bool:
        if status is None:
            return subscription["status"] not in ENDED_STATUSES
        if status == "ended":
            return subscription["status"] in ENDED_STATUSES
        return status in {"all", subscription["status"]}

    def wanted(subscription: StripeObject) -> bool:
        items = items_of(subscription)
        return (
            status_matches(subscription)
            and (customer is None or subscription["customer"] == customer)
            and (collection is None or subscription["collection_method"] == collection)
            and (price is None or any(item["price"]["id"] == price for item in items))
            and (created is None or created(subscription["created"]))
            and (period_start is None or period_start(min(i["current_period_start"] for i in items)))
            and (period_ends is None or period_ends(period_end(subscription)))
        )

    return list_object(store.all("subscription"), params, "/v1/subscriptions", where=wanted)


@router.post("/v1/subscriptions/{id}")
def update_subscription(call: Call) -> StripeObject:
    store, params = call.store, call.params
    subscription = _live(call)
    reject_unknown(params, _UPDATE)
    if subscription["status"] in ENDED_STATUSES and set(params) - _EDITABLE_WHEN_ENDED:
        raise invalid("A canceled subscription can only update its cancellation_details and metadata.")
    at = store.now()
    change = parse_change(store, subscription, params, prefix="", now=at)
    payment_behavior = get_str(params, "payment_behavior", choices=PAYMENT_BEHAVIORS) or "allow_incomplete"
    details = _cancellation_details(params)
    default_payment_method = _payment_method(
        store, subscription["customer"], get_str(params, "default_payment_method")
    )
    extended_trial = _extended_trial(params, subscription, at)
    description = get_str(params, "description")
    get_bool(params, "off_session")
    pause_given, pause = _pause_collection(params, at)
    before = copy.deepcopy(subscription)
    if "discounts" in params:
        subscription["discounts"] = coupons.discounts_param(store, subscription, params["discounts"], at=at)
    if pause_given:
        subscription["pause_collection"] = pause
    if default_payment_method is not None:
        subscription["default_payment_method"] = default_payment_method
    try:
        change_subscription(store, subscription, change, at=at, payment_behavior=payment_behavior)
    except StripeError:  # a decline under `error_if_incomplete`: nothing of the update stands
        subscription["default_payment_method"] = before["default_payment_method"]
        raise
    if extended_trial is not None:
        _extend_trial(subscription, extended_trial)
    if details is not None:
        subscription["cancellation_details"].update(details)
    subscription["metadata"] = updated_metadata(subscription["metadata"], params)
    if "description" in params:
        subscription["description"] = description or None
    store.emit_changes("customer.subscription.updated", before, subscription)
    return subscription


def _extended_trial(params: Params, subscription: StripeObject, now: int) -> int | None:
    raw = params.get("trial_end")
    if raw is None or raw == "now":
        return None
    trial_end = get_int(params, "trial_end")
    if trial_end is None or trial_end <= now:
        raise invalid(
            "Invalid timestamp: must be an integer Unix timestamp in the future.", param="trial_end"
        )
    if subscription["status"] != "trialing":
        raise invalid("Only a trialing subscription's `trial_end` can be moved.", param="trial_end")
    return trial_end


def _extend_trial(subscription: StripeObject, trial_end: int) -> None:
    subscription.update(trial_end=trial_end, billing_cycle_anchor=trial_end)
    for item in items_of(subscription):
        item["current_period_end"] = trial_end
    if subscription["cancel_at_period_end"]:
        subscription["cancel_at"] = trial_end


@router.delete("/v1/subscriptions/{id}")
def cancel_subscription(call: Call) -> StripeObject:
    store, params = call.store, call.params
    subscription = _live(call)
    reject_unknown(params, ("cancellation_details", "invoice_now", "prorate"))
    if subscription["status"] in ENDED_STATUSES:
        raise invalid(f"The subscription {subscription['id']} has already been canceled.")
    cancel_now(
        store,
        subscription,
        at=store.now(),
        prorate=bool(get_bool(params, "prorate")),
        invoice_now=bool(get_bool(params, "invoice_now")),
        details=_cancellation_details(params),
    )
    return subscription


# -- /v1/subscription_items -----------------------------------------------------------------------------


def _item_change(
    call: Call, subscription: StripeObject, item_change: ItemChange, *, allowed: tuple[str, ...]
) -> None:
    """Run one item's change through the subscription's change, with the item endpoint's parameters."""
    store, params = call.store, call.params
    reject_unknown(params, allowed)
    at = store.now()
    change = Change(
        items=[item_change],
        proration_behavior=get_str(params, "proration_behavior", choices=PRORATION_BEHAVIORS)
        or "create_prorations",
        proration_date=get_int(params, "proration_date"),
        reset_anchor=False,
        end_trial=False,
        cancel=None,
    )
    payment_behavior = get_str(params, "payment_behavior", choices=PAYMENT_BEHAVIORS) or "allow_incomplete"
    get_bool(params, "off_session")
    if subscription["status"] in ENDED_STATUSES:
        raise invalid("A canceled subscription can only update its cancellation_details and metadata.")
    before = copy.deepcopy(subscription)
    change_subscription(store, subscription, change, at=at, payment_behavior=payment_behavior)
    store.emit_changes("customer.subscription.updated", before, subscription)


_ITEM_CHANGE = ("proration_behavior", "proration_date", "payment_behavior", "off_session")


@router.get("/v1/subscription_items")
def list_subscription_items(call: Call) -> StripeObject:
    store, params = call.store, call.params
    clock.catch_up(store)
    reject_unknown(params, ("subscription", "limit", "starting_after", "ending_before"))
    subscription_id = get_str(params, "subscription", required=True) or ""
    subscription = store.get(subscription_id, "subscription", param="subscription")
    # `list_object` pages newest first; items keep the subscription's own order.
    items = list(reversed(items_of(subscription)))
    return list_object(items, params, f"/v1/subscription_items?subscription={subscription_id}")


@router.get("/v1/subscription_items/{id}")
def retrieve_subscription_item(call: Call) -> StripeObject:
    return _live(call, "subscription_item")


@router.post("/v1/subscription_items")
def create_subscription_item(call: Call) -> StripeObject:
    store, params = call.store, call.params
    clock.catch_up(store)
    subscription_id = get_str(params, "subscription", required=True) or ""
    subscription = store.get(subscription_id, "subscription", param="subscription")
    price_id = get_str(params, "price", required=True) or ""
    quantity = get_int(params, "quantity", minimum=0)
    existing = {item["id"] for item in items_of(subscription)}
    item_change = ItemChange(
        item=None,
        price=recurring_price(store, price_id, param="price", currency=subscription["currency"]),
        quantity=1 if quantity is None else quantity,
        deleted=False,
        metadata=updated_metadata({}, params),
    )
    _item_change(
        call,
        subscription,
        item_change,
        allowed=("subscription", "price", "quantity", "metadata", *_ITEM_CHANGE),
    )
    return next(item for item in items_of(subscription) if item["id"] not in existing)


@router.post("/v1/subscription_items/{id}")
def update_subscription_item(call: Call) -> StripeObject:
    store, params = call.store, call.params
    item = _live(call, "subscription_item")
    subscription = store.get(item["subscription"], "subscription")
    price_id = get_str(params, "price")
    quantity = get_int(params, "quantity", minimum=0)
    item_change = ItemChange(
        item=item,
        price=item["price"]
        if price_id is None
        else recurring_price(store, price_id, param="price", currency=subscription["currency"]),
        quantity=item["quantity"] if quantity is None else quantity,
        deleted=False,
        metadata=updated_metadata(item["metadata"], params),
    )
    _item_change(call, subscription, item_change, allowed=("price", "quantity", "metadata", *_ITEM_CHANGE))
    return store.get(item["id"], "subscription_item")


@router.delete("/v1/subscription_items/{id}")
def delete_subscription_item(call: Call) -> StripeObject:
    store = call.store
    item = _live(call, "subscription_item")
    subscription = store.get(item["subscription"], "subscription")
    item_change = ItemChange(
        item=item, price=item["price"], quantity=item["quantity"], deleted=True, metadata=item["metadata"]
    )
    _item_change(call, subscription, item_change, allowed=("clear_usage", *_ITEM_CHANGE))
    return {"id": item["id"], "object": "subscription_item", "deleted": True}
