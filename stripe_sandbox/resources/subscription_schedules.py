"""`/v1/subscription_schedules`: the part of Stripe's schedules a change at the end of a period needs.

A schedule is made `from_subscription` (one phase: the subscription's items over its current period), then
updated with the phases to come. When the subscription renews at a phase's start, its items become that
phase's, billed by the renewal; when the last phase ends, a schedule whose `end_behavior` is `release` lets
the subscription go on as it is. Only what portalql uses is served; other parameters are refused.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from stripe_sandbox import clock
from stripe_sandbox.billing import shift
from stripe_sandbox.resources import subscriptions
from stripe_sandbox.resources.subscription_changes import (
    items_of,
    new_item,
    plan_of,
    recurring_price,
    set_items,
)
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    Params,
    StripeObject,
    get_dict,
    get_int,
    get_list,
    get_str,
    invalid,
    missing_param,
    reject_unknown,
    require_str,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

_PHASE_PARAMS = ("items", "start_date", "end_date", "duration", "proration_behavior", "metadata")
_PHASE_ITEM_PARAMS = ("price", "quantity", "metadata")
# A schedule that cancels its subscription at its end is not served here.
_END_BEHAVIORS = ("release",)
_MAX_PHASE_ITEMS = 20


def _phase_item(price: StripeObject, quantity: int, metadata: dict[str, str]) -> StripeObject:
    return {
        "billing_thresholds": None,
        "discounts": [],
        "metadata": dict(metadata),
        "plan": plan_of(price),
        "price": price["id"],
        "quantity": quantity,
        "tax_rates": [],
    }


def _phase(
    currency: str, items: list[StripeObject], start: int, end: int, proration_behavior: str
) -> StripeObject:
    return {
        "add_invoice_items": [],
        "application_fee_percent": None,
        "billing_cycle_anchor": None,
        "billing_thresholds": None,
        "collection_method": None,
        "currency": currency,
        "default_payment_method": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "end_date": end,
        "invoice_settings": None,
        "items": items,
        "metadata": {},
        "on_behalf_of": None,
        "proration_behavior": proration_behavior,
        "start_date": start,
        "transfer_data": None,
        "trial_end": None,
    }


def _new_schedule(store: Store, subscription: StripeObject, at: int) -> StripeObject:
    """A schedule taking over `subscription`: one phase, its items over its current period."""
    items = items_of(subscription)
    start = max(item["current_period_start"] for item in items)
    end = min(item["current_period_end"] for item in items)
    phase_items = [_phase_item(item["price"], item["quantity"], item["metadata"]) for item in items]
    schedule: StripeObject = {
        "id": store.new_id("sub_sched", 24),
        "object": "subscription_schedule",
        "application": None,
        "billing_mode": copy.deepcopy(subscription["billing_mode"]),
        "canceled_at": None,
        "completed_at": None,
        "created": at,
        "current_phase": {"end_date": end, "start_date": start},
        "customer": subscription["customer"],
        "customer_account": None,
        "default_settings": {
            "application_fee_percent": None,
            "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
            "billing_cycle_anchor": "automatic",
            "billing_thresholds": None,
            "collection_method": subscription["collection_method"],
            "default_payment_method": None,
            "description": None,
            "invoice_settings": {"account_tax_ids": None, "days_until_due": None, "issuer": {"type": "self"}},
            "on_behalf_of": None,
            "transfer_data": None,
        },
        "end_behavior": "release",
        "livemode": False,
        "metadata": {},
        "phases": [_phase(subscription["currency"], phase_items, start, end, "create_prorations")],
        "released_at": None,
        "released_subscription": None,
        "status": "active",
        "subscription": subscription["id"],
        "test_clock": None,
    }
    return schedule


@router.post("/v1/subscription_schedules")
def create_schedule(call: Call) -> StripeObject:
    store, params = call.store, call.params
    clock.catch_up(store)
    reject_unknown(params, ("from_subscription", "metadata"))
    subscription_id = get_str(params, "from_subscription")
    if subscription_id is None:
        # Schedules that start a new subscription (`customer` and `phases`) are not served here.
        raise missing_param("from_subscription")
    subscription = store.get(subscription_id, "subscription", param="from_subscription")
    if subscription["status"] in subscriptions.ENDED_STATUSES:
        raise invalid("You cannot migrate a canceled subscription to a schedule.", param="from_subscription")
    if subscription["schedule"] is not None:
        raise invalid(
            f"You cannot migrate a subscription that is already attached to a schedule: "
            f"`{subscription['schedule']}`.",
            param="from_subscription",
        )
    schedule = _new_schedule(store, subscription, store.now())
    schedule["metadata"] = updated_metadata({}, params)
    store.add(schedule)
    before = copy.deepcopy(subscription)
    subscription["schedule"] = schedule["id"]
    store.emit("subscription_schedule.created", schedule)
    store.emit_changes("customer.subscription.updated", before, subscription)
    return schedule


@router.get("/v1/subscription_schedules/{id}")
def retrieve_schedule(call: Call) -> StripeObject:
    clock.catch_up(call.store)
    return call.store.get(call["id"], "subscription_schedule")


@router.post("/v1/subscription_schedules/{id}")
def update_schedule(call: Call) -> StripeObject:
    store, params = call.store, call.params
    clock.catch_up(store)
    schedule = store.get(call["id"], "subscription_schedule")
    reject_unknown(params, ("phases", "end_behavior", "metadata", "proration_behavior"))
    if schedule["status"] not in {"active", "not_started"}:
        raise invalid(f"You cannot update a subscription schedule that is {schedule['status']}.")
    subscription = store.get(schedule["subscription"], "subscription")
    end_behavior = get_str(params, "end_behavior", choices=_END_BEHAVIORS)
    get_str(params, "proration_behavior", choices=("always_invoice", "create_prorations", "none"))
    entries = get_list(params, "phases")
    before = copy.deepcopy(schedule)
    if entries is not None:
        schedule["phases"] = _phases(store, schedule, subscription, entries)
    if end_behavior is not None:
        schedule["end_behavior"] = end_behavior
    schedule["metadata"] = updated_metadata(schedule["metadata"], params)
    store.emit_changes("subscription_schedule.updated", before, schedule)
    return schedule


def _phases(
    store: Store, schedule: StripeObject, subscription: StripeObject, entries: list[Any]
) -> list[StripeObject]:
    """The phases asked for, checked as Stripe checks them: the current phase keeps its start, each phase
    starts where the previous one ends, and only the last may leave its end to its `duration`."""
    if not entries:
        raise invalid("You must pass at least one phase.", param="phases")
    phases: list[StripeObject] = []
    start = schedule["current_phase"]["start_date"]
    for index, entry in enumerate(entries):
        param = f"phases[{index}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid object: {param}", param=param)
        reject_unknown(entry, _PHASE_PARAMS, prefix=param)
        given_start = get_int(entry, "start_date", param=f"{param}[start_date]")
        if index == 0 and given_start != schedule["current_phase"]["start_date"]:
            raise invalid(
                "You can not modify the start date of the current phase.", param=f"{param}[start_date]"
            )
        if given_start is not None and given_start != start:
            raise invalid(
                "The start date of a phase must be the end date of the phase before it.",
                param=f"{param}[start_date]",
            )
        items = _items(store, subscription, entry, param)
        end = _end(store, entry, items, start, param, last=index == len(entries) - 1)
        proration = get_str(
            entry,
            "proration_behavior",
            choices=("always_invoice", "create_prorations", "none"),
            param=f"{param}[proration_behavior]",
        )
        phases.append(_phase(subscription["currency"], items, start, end, proration or "create_prorations"))
        start = end
    return phases


def _items(store: Store, subscription: StripeObject, entry: Params, param: str) -> list[StripeObject]:
    given = get_list(entry, "items", param=f"{param}[items]")
    if not given:
        raise missing_param(f"{param}[items]")
    if len(given) > _MAX_PHASE_ITEMS:
        raise invalid(
            f"{param}[items] must contain at most {_MAX_PHASE_ITEMS} items.", param=f"{param}[items]"
        )
    items = []
    for index, item in enumerate(given):
        item_param = f"{param}[items][{index}]"
        if not isinstance(item, dict):
            raise invalid(f"Invalid object: {item_param}", param=item_param)
        reject_unknown(item, _PHASE_ITEM_PARAMS, prefix=item_param)
        price = recurring_price(
            store,
            require_str(item, "price", param=f"{item_param}[price]"),
            param=f"{item_param}[price]",
            currency=subscription["currency"],
        )
        quantity = get_int(item, "quantity", minimum=0, param=f"{item_param}[quantity]")
        items.append(_phase_item(price, 1 if quantity is None else quantity, updated_metadata({}, item)))
    return items


def _end(
    store: Store, entry: Params, items: list[StripeObject], start: int, param: str, *, last: bool
) -> int:
    end = get_int(entry, "end_date", param=f"{param}[end_date]")
    duration = get_dict(entry, "duration", param=f"{param}[duration]")
    if end is not None and duration is not None:
        raise invalid("You may only specify one of these parameters: duration, end_date.", param=param)
    if duration is not None:
        reject_unknown(duration, ("interval", "interval_count"), prefix=f"{param}[duration]")
        interval = get_str(
            duration,
            "interval",
            required=True,
            choices=("day", "week", "month", "year"),
            param=f"{param}[duration][interval]",
        )
        count = (
            get_int(duration, "interval_count", minimum=1, param=f"{param}[duration][interval_count]") or 1
        )
        return shift(start, interval or "month", count)
    if end is not None:
        if end <= start:
            raise invalid("A phase must end after it starts.", param=f"{param}[end_date]")
        return end
    if not last:
        raise missing_param(f"{param}[end_date]")
    # The last phase lasts one interval of its prices, as Stripe's default of one iteration.
    recurring = [store.get(item["price"], "price")["recurring"] for item in items]
    return max(shift(start, each["interval"], each["interval_count"]) for each in recurring)


def _enter_phase(store: Store, subscription: StripeObject, at: int) -> None:
    """At a renewal: a schedule's phase starting now gives the subscription its items (the renewal then
    bills them); the last phase ending releases the subscription, or cancels it."""
    schedule_id = subscription["schedule"]
    if schedule_id is None:
        return
    schedule = store.get(schedule_id, "subscription_schedule")
    before = copy.deepcopy(schedule)
    phases = schedule["phases"]
    if at >= phases[-1]["end_date"]:
        _finish(schedule, subscription, at)
        store.emit_changes("subscription_schedule.updated", before, schedule)
        return
    entering = next((phase for phase in phases if phase["start_date"] == at), None)
    if entering is None:
        return
    current = items_of(subscription)
    start = min(item["current_period_start"] for item in current)
    by_price = {item["price"]["id"]: item for item in current}
    after = []
    for phase_item in entering["items"]:
        price = store.get(phase_item["price"], "price")
        kept = by_price.get(price["id"])
        after.append(
            new_item(
                store,
                subscription=subscription["id"],
                price=price,
                quantity=phase_item["quantity"],
                # Due now: the renewal starts its next period and bills it.
                period=(start, at),
                created=kept["created"] if kept else at,
                metadata=phase_item["metadata"],
                item_id=kept["id"] if kept else None,
            )
        )
    set_items(store, subscription, after)
    schedule["current_phase"] = {"start_date": entering["start_date"], "end_date": entering["end_date"]}
    store.emit_changes("subscription_schedule.updated", before, schedule)


def _finish(schedule: StripeObject, subscription: StripeObject, at: int) -> None:
    """The last phase has ended: the subscription is released and goes on as it is."""
    schedule.update(
        status="released", released_at=at, released_subscription=subscription["id"], current_phase=None
    )
    subscription["schedule"] = None


subscriptions.RENEWAL_HOOKS.append(_enter_phase)
