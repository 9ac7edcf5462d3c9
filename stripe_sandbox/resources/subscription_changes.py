"""Changing a subscription: validating `items[]` and the proration parameters, working out the prorations
and invoice Stripe would create, and applying them. `create_preview` runs the same plan without applying
it, so a preview and the change it previews always agree to the cent."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stripe_sandbox.billing import period_containing, portion, shift
from stripe_sandbox.resources import invoice_items, invoices, meters
from stripe_sandbox.resources.invoice_lines import (
    Line,
    period_description,
    proration_description,
    trial_description,
    usage_description,
)
from stripe_sandbox.wire import (
    Params,
    StripeObject,
    get_bool,
    get_dict,
    get_int,
    get_list,
    get_str,
    invalid,
    missing_param,
    reject_unknown,
    updated_metadata,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stripe_sandbox.store import Store

PRORATION_BEHAVIORS = ("always_invoice", "create_prorations", "none")
PAYMENT_BEHAVIORS = ("allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete")
PENDING_UPDATE_TTL = 23 * 3600
_ITEM_PARAMS = ("id", "price", "quantity", "deleted", "metadata", "clear_usage")


# -- subscription items -----------------------------------------------------------------------------------


def plan_of(price: StripeObject) -> StripeObject:
    """The legacy `plan` Stripe still mirrors from a recurring price."""
    recurring = price["recurring"]
    return {
        "id": price["id"],
        "object": "plan",
        "active": price["active"],
        "amount": price["unit_amount"],
        "amount_decimal": price["unit_amount_decimal"],
        "billing_scheme": price["billing_scheme"],
        "created": price["created"],
        "currency": price["currency"],
        "interval": recurring["interval"],
        "interval_count": recurring["interval_count"],
        "livemode": False,
        "metadata": dict(price["metadata"]),
        "meter": None,
        "nickname": price["nickname"],
        "product": price["product"],
        "tiers_mode": price["tiers_mode"],
        "transform_usage": None,
        "trial_period_days": recurring["trial_period_days"],
        "usage_type": recurring["usage_type"],
    }


def new_item(
    store: Store,
    *,
    subscription: str,
    price: StripeObject,
    quantity: int,
    period: tuple[int, int],
    created: int,
    metadata: dict[str, str] | None = None,
    item_id: str | None = None,
) -> StripeObject:
    """A `subscription_item`; its `price` is the stored price itself, so it never goes stale."""
    return {
        "id": item_id or store.new_id("si"),
        "object": "subscription_item",
        "billing_thresholds": None,
        "created": created,
        "current_period_end": period[1],
        "current_period_start": period[0],
        "discounts": [],
        "metadata": dict(metadata or {}),
        "plan": plan_of(price),
        "price": price,
        "quantity": quantity,
        "subscription": subscription,
        "tax_rates": [],
    }


def items_of(subscription: StripeObject) -> list[StripeObject]:
    items: list[StripeObject] = subscription["items"]["data"]
    return items


def set_items(store: Store, subscription: StripeObject, after: list[StripeObject]) -> None:
    """Make `after` the subscription's items; items left out are deleted, as Stripe deletes them."""
    kept = {item["id"] for item in after}
    for item in items_of(subscription):
        if item["id"] not in kept:
            store.objects.pop(item["id"], None)
    for item in after:
        store.add(item)
    subscription["items"]["data"] = list(after)


def first_period(price: StripeObject, start: int) -> tuple[int, int]:
    recurring = price["recurring"]
    return start, shift(start, recurring["interval"], recurring["interval_count"])


def cycle(subscription: StripeObject, price: StripeObject, at: int) -> tuple[int, int]:
    """The period containing `at` on the subscription's billing cycle, for a price's interval."""
    recurring = price["recurring"]
    anchor = subscription["billing_cycle_anchor"]
    return period_containing(anchor, recurring["interval"], recurring["interval_count"], at)


def _amount(item: StripeObject) -> int:
    """What the item bills in advance for a whole period; a metered item bills its usage in arrears."""
    if meters.is_metered(item["price"]):
        return 0
    return int(item["price"]["unit_amount"]) * int(item["quantity"])


def _interval(price: StripeObject) -> tuple[str, int]:
    return price["recurring"]["interval"], price["recurring"]["interval_count"]


# -- lines ----------------------------------------------------------------------------------------------


def cycle_line(store: Store, subscription: StripeObject, item: StripeObject) -> Line:
    """The item's current period billed in advance; a cancellation inside the period bills only up to it."""
    start, end = item["current_period_start"], item["current_period_end"]
    cancel_at = subscription["cancel_at"]
    billed_end = cancel_at if cancel_at is not None and start < cancel_at < end else end
    # A metered item bills nothing ahead: its usage comes on the next invoice.
    quantity = 0 if meters.is_metered(item["price"]) else item["quantity"]
    return Line(
        amount=portion(_amount(item), start, end, start, billed_end),
        currency=item["price"]["currency"],
        description=period_description(store, item["price"], quantity),
        price=item["price"],
        quantity=quantity,
        start=start,
        end=billed_end,
        subscription=subscription["id"],
        subscription_item=item["id"],
    )


def usage_line(store: Store, subscription: StripeObject, item: StripeObject) -> Line:
    """A metered item's usage in its current period as reported so far (all of it at a renewal), priced by
    its price's units or tiers."""
    start, end = item["current_period_start"], item["current_period_end"]
    price = item["price"]
    quantity = meters.metered_line_quantity(store, price, subscription["customer"], start, end)
    return Line(
        amount=meters.amount_for(store, price, quantity),
        currency=price["currency"],
        description=usage_description(store, price, quantity),
        price=price,
        quantity=quantity,
        start=start,
        end=end,
        subscription=subscription["id"],
        subscription_item=item["id"],
    )


def trial_line(store: Store, subscription: StripeObject, item: StripeObject) -> Line:
    return Line(
        amount=0,
        currency=item["price"]["currency"],
        description=trial_description(store, item["price"], item["quantity"]),
        price=item["price"],
        quantity=item["quantity"],
        start=item["current_period_start"],
        end=item["current_period_end"],
        subscription=subscription["id"],
        subscription_item=item["id"],
    )


def proration_line(
    store: Store, subscription: StripeObject, item: StripeObject, start: int, end: int, *, credit: bool
) -> Line:
    """Credit for the item's unused time from `start` to `end`, or a charge for it."""
    amount = portion(_amount(item), item["current_period_start"], item["current_period_end"], start, end)
    return Line(
        amount=-amount if credit else amount,
        currency=item["price"]["currency"],
        description=proration_description(store, item["price"], item["quantity"], start, credit=credit),
        price=item["price"],
        quantity=item["quantity"],
        start=start,
        end=end,
        subscription=subscription["id"],
        subscription_item=item["id"],
        proration=True,
    )


def unused_time(store: Store, subscription: StripeObject, item: StripeObject, at: int) -> Line:
    return proration_line(store, subscription, item, at, item["current_period_end"], credit=True)


def remaining_time(store: Store, subscription: StripeObject, item: StripeObject, at: int) -> Line:
    return proration_line(store, subscription, item, at, item["current_period_end"], credit=False)


# -- parsing a change -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemChange:
    item: StripeObject | None  # None when the change adds an item
    price: StripeObject
    quantity: int
    deleted: bool
    metadata: dict[str, str]


@dataclass(frozen=True)
class Cancel:
    at: int | None  # None un-cancels
    at_period_end: bool


@dataclass(frozen=True)
class Change:
    items: list[ItemChange]
    proration_behavior: str
    proration_date: int | None
    reset_anchor: bool
    end_trial: bool
    cancel: Cancel | None  # None leaves the cancellation as it is


def _name(prefix: str, name: str) -> str:
    return f"{prefix}[{name}]" if prefix else name


def recurring_price(store: Store, price_id: str, *, param: str, currency: str | None) -> StripeObject:
    price = store.get(price_id, "price", param=param)
    if price["type"] != "recurring":
        raise invalid(
            "The price specified is set to `type=one_time` but this field only accepts prices with "
            "`type=recurring`.",
            param=param,
        )
    if not price["active"]:
        raise invalid("The price specified is inactive. This field only accepts active prices.", param=param)
    if currency is not None and price["currency"] != currency:
        raise invalid(
            f"The price specified uses currency `{price['currency']}`, but this subscription is billed in "
            f"`{currency}`. All prices on a subscription must use the same currency.",
            param=param,
        )
    return price


def parse_items(
    store: Store, subscription: StripeObject, entries: list[Any], *, prefix: str
) -> list[ItemChange]:
    current = {item["id"]: item for item in items_of(subscription)}
    changes = []
    for index, entry in enumerate(entries):
        param = f"{_name(prefix, 'items')}[{index}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid object: {param}", param=param)
        reject_unknown(entry, _ITEM_PARAMS, prefix=param)
        item_id = get_str(entry, "id", param=f"{param}[id]")
        item = None
        if item_id is not None:
            item = current.get(item_id)
            if item is None:
                raise invalid(
                    f"Subscription item {item_id} does not belong to subscription {subscription['id']}.",
                    param=f"{param}[id]",
                )
        price_id = get_str(entry, "price", param=f"{param}[price]")
        if price_id is not None:
            price = recurring_price(
                store, price_id, param=f"{param}[price]", currency=subscription["currency"]
            )
        elif item is not None:
            price = item["price"]
        else:
            raise missing_param(f"{param}[price]")
        deleted = bool(get_bool(entry, "deleted", param=f"{param}[deleted]"))
        if deleted and item is None:
            raise missing_param(f"{param}[id]")
        quantity = get_int(entry, "quantity", minimum=0, param=f"{param}[quantity]")
        changes.append(
            ItemChange(
                item=item,
                price=price,
                quantity=quantity if quantity is not None else (item["quantity"] if item else 1),
                deleted=deleted,
                metadata=updated_metadata(item["metadata"] if item else {}, entry),
            )
        )
    return changes


def parse_cancel(params: Params, subscription: StripeObject, *, prefix: str, now: int) -> Cancel | None:
    at_period_end = get_bool(params, "cancel_at_period_end", param=_name(prefix, "cancel_at_period_end"))
    raw = params.get("cancel_at")
    if at_period_end is not None and raw is not None:
        raise invalid("You may only specify one of these parameters: cancel_at, cancel_at_period_end.")
    if at_period_end is not None:
        return Cancel(at=period_end(subscription) if at_period_end else None, at_period_end=at_period_end)
    if raw is None:
        return None
    ends = [item["current_period_end"] for item in items_of(subscription)]
    named = {
        "": None,
        "min_period_end": min(ends),
        "max_period_end": max(ends),
        "max_billed_until": max(ends),
    }
    if raw in named:
        return Cancel(at=named[raw], at_period_end=False)
    at = get_int(params, "cancel_at", param=_name(prefix, "cancel_at"))
    if at is None or at <= now:
        raise invalid("`cancel_at` must be a timestamp in the future.", param=_name(prefix, "cancel_at"))
    return Cancel(at=at, at_period_end=False)


def period_end(subscription: StripeObject) -> int:
    """Where `cancel_at_period_end` cancels: the earliest item period end (mixed intervals included)."""
    return min(int(item["current_period_end"]) for item in items_of(subscription))


def parse_change(
    store: Store, subscription: StripeObject, params: Params, *, prefix: str, now: int
) -> Change:
    items = parse_items(
        store, subscription, get_list(params, "items", param=_name(prefix, "items")) or [], prefix=prefix
    )
    anchor = get_dict(params, "billing_cycle_anchor", param=_name(prefix, "billing_cycle_anchor"))
    anchor_type = None
    if anchor is not None:
        reject_unknown(anchor, ("type",), prefix=_name(prefix, "billing_cycle_anchor"))
        anchor_type = get_str(
            anchor,
            "type",
            required=True,
            choices=("now", "unchanged"),
            param=f"{_name(prefix, 'billing_cycle_anchor')}[type]",
        )
    behavior = get_str(
        params, "proration_behavior", choices=PRORATION_BEHAVIORS, param=_name(prefix, "proration_behavior")
    )
    return Change(
        items=items,
        proration_behavior=behavior or "create_prorations",
        proration_date=get_int(params, "proration_date", param=_name(prefix, "proration_date")),
        reset_anchor=anchor_type == "now",
        end_trial=params.get("trial_end") == "now",
        cancel=parse_cancel(params, subscription, prefix=prefix, now=now),
    )


# -- planning a change ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    after: list[StripeObject]  # the items as they will be
    prorations: list[Line]  # pending invoice items to create
    period_lines: list[Line]  # a new billing cycle charged now (anchor reset, trial ended)
    invoice_now: bool
    anchor: int | None  # the new billing cycle anchor, when it moves
    cancel_at: int | None
    proration_date: int


def plan_change(
    store: Store, subscription: StripeObject, change: Change, *, at: int, prefix: str = ""
) -> Plan:
    """What `change` would do at `at`, without doing it."""
    trialing = subscription["status"] == "trialing"
    _check_trial(change, trialing=trialing, prefix=prefix)
    changed = {c.item["id"]: c for c in change.items if c.item is not None}
    switches_interval = any(
        c.item is not None and not c.deleted and _interval(c.price) != _interval(c.item["price"])
        for c in change.items
    )
    # Like Stripe, a new interval restarts the billing cycle, as `billing_cycle_anchor=now` does.
    reset = change.reset_anchor or change.end_trial or (switches_interval and not trialing)
    touched = items_of(subscription) if reset else [c.item for c in changed.values()]
    _check_proration_date(change, touched, prefix=prefix)
    context = _Context(
        store=store,
        subscription=subscription,
        at=at,
        when=at if change.proration_date is None else change.proration_date,
        reset=reset,
        prorating=change.proration_behavior != "none" and not trialing,
    )
    after: list[StripeObject] = []
    lines: list[Line] = []
    for item in items_of(subscription):
        kept, item_lines = context.existing(item, changed.get(item["id"]))
        after += kept
        lines += item_lines
    for item_change in (c for c in change.items if c.item is None):
        added, item_lines = context.added(item_change)
        after.append(added)
        lines += item_lines
    _check_items(after, prefix=prefix)

    cancel_at = subscription["cancel_at"]
    if change.cancel is not None:
        cancel_at = change.cancel.at
        if change.cancel.at_period_end:
            cancel_at = min(item["current_period_end"] for item in after)
        if context.prorating and not reset:
            lines += _coverage_changes(store, subscription, after, subscription["cancel_at"], cancel_at)
    period_lines = []
    if reset:
        upcoming = {**subscription, "cancel_at": cancel_at}
        period_lines = [cycle_line(store, upcoming, item) for item in after]
    return Plan(
        after=after,
        prorations=lines,
        period_lines=period_lines,
        invoice_now=reset or (change.proration_behavior == "always_invoice" and bool(lines)),
        anchor=at if reset else None,
        cancel_at=cancel_at,
        proration_date=context.when,
    )


@dataclass(frozen=True)
class _Context:
    store: Store
    subscription: StripeObject
    at: int
    when: int  # the proration date
    reset: bool  # the billing cycle restarts at `at`
    prorating: bool

    def existing(
        self, item: StripeObject, change: ItemChange | None
    ) -> tuple[list[StripeObject], list[Line]]:
        """An item as it will be (none when deleted), with the prorations its change causes."""
        store, subscription = self.store, self.subscription
        if change is not None and change.deleted:
            return [], [unused_time(store, subscription, item, self.when)] if self.prorating else []
        if change is None and not self.reset:
            return [item], []
        price = change.price if change else item["price"]
        quantity = change.quantity if change else item["quantity"]
        period = (
            first_period(price, self.at)
            if self.reset
            else (item["current_period_start"], item["current_period_end"])
        )
        updated = new_item(
            store,
            subscription=subscription["id"],
            price=price,
            quantity=quantity,
            period=period,
            created=item["created"],
            metadata=change.metadata if change else item["metadata"],
            item_id=item["id"],
        )
        differs = price["id"] != item["price"]["id"] or quantity != item["quantity"]
        if not self.prorating or not (self.reset or differs):
            return [updated], []
        lines = [unused_time(store, subscription, item, self.when)]
        if not self.reset:
            lines.append(remaining_time(store, subscription, updated, self.when))
        return [updated], lines

    def added(self, change: ItemChange) -> tuple[StripeObject, list[Line]]:
        """A new item, on the subscription's cycle (its trial, or a fresh cycle on reset)."""
        subscription = self.subscription
        if self.reset:
            period = first_period(change.price, self.at)
        elif subscription["status"] == "trialing":
            current = items_of(subscription)[0]
            period = (current["current_period_start"], current["current_period_end"])
        else:
            period = cycle(subscription, change.price, self.at)
        added = new_item(
            self.store,
            subscription=subscription["id"],
            price=change.price,
            quantity=change.quantity,
            period=period,
            created=self.at,
            metadata=change.metadata,
        )
        charge = self.prorating and not self.reset
        return added, [remaining_time(self.store, subscription, added, self.when)] if charge else []


def _check_trial(change: Change, *, trialing: bool, prefix: str) -> None:
    if change.end_trial and not trialing:
        raise invalid(
            "This subscription is not trialing; `trial_end=now` ends only a trial.",
            param=_name(prefix, "trial_end"),
        )
    if change.reset_anchor and trialing and not change.end_trial:
        raise invalid(
            "A trialing subscription's billing cycle anchor moves with its trial; use `trial_end` instead.",
            param=_name(prefix, "billing_cycle_anchor"),
        )


def _check_proration_date(change: Change, touched: Sequence[StripeObject | None], *, prefix: str) -> None:
    date = change.proration_date
    if date is None:
        return
    param = _name(prefix, "proration_date")
    if change.proration_behavior == "none":
        raise invalid("`proration_date` cannot be used when `proration_behavior` is `none`.", param=param)
    for item in touched:
        if item is not None and not item["current_period_start"] <= date <= item["current_period_end"]:
            raise invalid(
                f"`proration_date` must be within the current period of subscription item {item['id']} "
                f"({item['current_period_start']} to {item['current_period_end']}).",
                param=param,
            )


def _check_items(after: list[StripeObject], *, prefix: str) -> None:
    param = _name(prefix, "items")
    if not after:
        raise invalid("A subscription must have at least one item.", param=param)
    seen: set[str] = set()
    for item in after:
        if item["price"]["id"] in seen:
            raise invalid(
                f"Cannot add multiple subscription items with the same price: {item['price']['id']}.",
                param=param,
            )
        seen.add(item["price"]["id"])


def _coverage_changes(
    store: Store,
    subscription: StripeObject,
    after: list[StripeObject],
    before: int | None,
    cancel_at: int | None,
) -> list[Line]:
    """Moving `cancel_at` inside a period credits the time given up, or charges back the time restored."""
    lines = []
    for item in after:
        start, end = item["current_period_start"], item["current_period_end"]
        was = before if before is not None and start < before < end else end
        now = cancel_at if cancel_at is not None and start < cancel_at < end else end
        if now < was:
            lines.append(proration_line(store, subscription, item, now, was, credit=True))
        elif now > was:
            lines.append(proration_line(store, subscription, item, was, now, credit=False))
    return lines


# -- applying a change ----------------------------------------------------------------------------------


def apply_change(
    store: Store, subscription: StripeObject, plan: Plan, *, at: int, payment_behavior: str
) -> None:
    """Carry out a planned change: prorations become pending invoice items, or an invoice charged now.

    With `error_if_incomplete` a decline raises before anything changes; with `pending_if_incomplete` the
    items wait in `pending_update` until the invoice is paid; otherwise the change stands and the
    subscription goes `past_due` until it is."""
    customer = subscription["customer"]
    fresh = [invoice_items.build(store, customer=customer, line=line, at=at) for line in plan.prorations]
    if plan.invoice_now:
        pending = invoice_items.pending(
            store, customer=customer, currency=subscription["currency"], subscription=subscription["id"]
        )
        invoice = invoices.draft(
            store,
            customer=store.get(customer, "customer"),
            currency=subscription["currency"],
            lines=[invoice_items.as_line(store, item) for item in pending + fresh] + plan.period_lines,
            at=at,
            billing_reason="subscription_update",
            subscription=subscription,
        )
        attempt = invoices.attempt(
            store,
            invoice,
            at,
            collect=payment_behavior != "default_incomplete",
            raise_on_decline=payment_behavior == "error_if_incomplete",
        )
        invoices.issue(store, invoice, items=pending + fresh, at=at, attempt=attempt)
        subscription["latest_invoice"] = invoice["id"]
        if invoice["status"] != "paid":
            if payment_behavior == "pending_if_incomplete":
                subscription["pending_update"] = {
                    "billing_cycle_anchor": plan.anchor,
                    "discounts": None,
                    "expires_at": at + PENDING_UPDATE_TTL,
                    "subscription_items": copy.deepcopy(plan.after),
                    "trial_end": None,
                    "trial_from_plan": None,
                }
                return
            subscription["status"] = "past_due"
    else:
        for item in fresh:
            invoice_items.save(store, item)
    set_items(store, subscription, plan.after)
    if plan.anchor is not None:
        subscription["billing_cycle_anchor"] = plan.anchor


def apply_pending_update(store: Store, subscription: StripeObject) -> None:
    """The invoice behind a `pending_if_incomplete` change was paid: the change takes effect."""
    pending = subscription["pending_update"]
    items = [
        {**item, "price": store.get(item["price"]["id"], "price")} for item in pending["subscription_items"]
    ]
    set_items(store, subscription, items)
    if pending["billing_cycle_anchor"] is not None:
        subscription["billing_cycle_anchor"] = pending["billing_cycle_anchor"]
    subscription["pending_update"] = None
