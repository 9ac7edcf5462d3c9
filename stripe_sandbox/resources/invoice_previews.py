"""`POST /v1/invoices/create_preview`: the invoice a subscription would produce next, or at once for a change
billed now. It runs the same plan as the change itself and stores nothing, so previewing and then making the
change with the returned proration date charges exactly what was shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_sandbox import clock
from stripe_sandbox.resources import invoice_items, invoices, meters
from stripe_sandbox.resources.subscription_changes import (
    cycle,
    cycle_line,
    first_period,
    items_of,
    new_item,
    parse_change,
    plan_change,
    recurring_price,
    unused_time,
    usage_line,
)
from stripe_sandbox.resources.subscriptions import ENDED_STATUSES
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    Params,
    StripeError,
    StripeObject,
    get_bool,
    get_dict,
    get_int,
    get_list,
    get_str,
    invalid,
    missing_param,
    reject_unknown,
)

if TYPE_CHECKING:
    from stripe_sandbox.resources.invoice_lines import Line
    from stripe_sandbox.store import Store

_DETAILS = (
    "items",
    "proration_behavior",
    "proration_date",
    "cancel_at_period_end",
    "cancel_at",
    "cancel_now",
    "billing_cycle_anchor",
    "trial_end",
)


def _nothing_upcoming(customer: str) -> StripeError:
    return StripeError(404, f"No upcoming invoices for customer: {customer}", code="invoice_upcoming_none")


@router.post("/v1/invoices/create_preview")
def create_preview(call: Call) -> StripeObject:
    store, params = call.store, call.params
    clock.catch_up(store)
    reject_unknown(params, ("customer", "subscription", "subscription_details", "preview_mode", "currency"))
    mode = get_str(params, "preview_mode", choices=("next", "recurring")) or "next"
    details = get_dict(params, "subscription_details") or {}
    reject_unknown(details, _DETAILS, prefix="subscription_details")
    customer_id = get_str(params, "customer")
    subscription_id = get_str(params, "subscription")
    at = store.now()
    if subscription_id is not None:
        subscription = store.get(subscription_id, "subscription", param="subscription")
        if customer_id not in {None, subscription["customer"]}:
            raise invalid(
                f"The subscription {subscription_id} does not belong to customer {customer_id}.",
                param="subscription",
            )
        return _preview_subscription(store, subscription, details, at=at, mode=mode)
    if customer_id is None:
        raise missing_param("customer")
    customer = store.get(customer_id, "customer", param="customer")
    if details.get("items"):
        return _preview_new_subscription(store, customer, details, at=at)
    # Since API version 2025-03-31 Stripe no longer previews a customer's next invoice across subscriptions.
    raise invalid(
        "You must pass one of `subscription`, `subscription_details.items`, `schedule`, "
        "`schedule_details.phases` or `invoice_items` along with `customer` to preview an invoice."
    )


def _preview_subscription(
    store: Store, subscription: StripeObject, details: Params, *, at: int, mode: str
) -> StripeObject:
    customer = store.get(subscription["customer"], "customer")
    if subscription["status"] in ENDED_STATUSES:
        raise _nothing_upcoming(customer["id"])
    change = parse_change(store, subscription, details, prefix="subscription_details", now=at)
    plan = plan_change(store, subscription, change, at=at, prefix="subscription_details")
    pending = [
        invoice_items.as_line(store, item)
        for item in invoice_items.pending(
            store, customer=customer["id"], currency=subscription["currency"], subscription=subscription["id"]
        )
    ]
    period = None
    if get_bool(details, "cancel_now", param="subscription_details[cancel_now]"):
        credits = []
        if change.proration_behavior != "none" and subscription["status"] != "trialing":
            credits = [
                unused_time(store, subscription, item, plan.proration_date) for item in items_of(subscription)
            ]
        lines, created, reason = pending + credits, at, "subscription_update"
    elif plan.invoice_now and mode == "next":
        lines, created, reason = pending + plan.prorations + plan.period_lines, at, "subscription_update"
    else:
        renewal = min(item["current_period_end"] for item in plan.after)
        if plan.cancel_at is not None and plan.cancel_at <= renewal:
            raise _nothing_upcoming(customer["id"])
        upcoming = {
            **subscription,
            "billing_cycle_anchor": plan.anchor or subscription["billing_cycle_anchor"],
            "cancel_at": plan.cancel_at,
        }
        due = [item for item in plan.after if item["current_period_end"] == renewal]
        # Metered items bill the current period's usage so far; the others the next period in advance.
        usage = [usage_line(store, upcoming, item) for item in due if meters.is_metered(item["price"])]
        rolled = [_rolled(upcoming, item, renewal) for item in due if not meters.is_metered(item["price"])]
        lines = usage + [cycle_line(store, upcoming, item) for item in rolled]
        if mode == "next":
            lines = pending + plan.prorations + lines
        created, reason = renewal, "subscription_cycle"
        period = (min(item["current_period_start"] for item in due), renewal)
    invoice = invoices.draft(
        store,
        customer=customer,
        currency=subscription["currency"],
        lines=lines,
        at=created,
        billing_reason=reason,
        subscription=subscription,
        period=period,
        preview=True,
    )
    if plan.prorations:
        invoice["parent"]["subscription_details"]["subscription_proration_date"] = plan.proration_date
    return invoice


def _rolled(subscription: StripeObject, item: StripeObject, renewal: int) -> StripeObject:
    start, end = cycle(subscription, item["price"], renewal)
    return {**item, "current_period_start": start, "current_period_end": end}


def _preview_new_subscription(
    store: Store, customer: StripeObject, details: Params, *, at: int
) -> StripeObject:
    """The first invoice of a subscription that does not exist yet."""
    entries = get_list(details, "items", param="subscription_details[items]") or []
    shadow: StripeObject = {"id": None, "cancel_at": None, "metadata": {}}
    lines: list[Line] = []
    for index, entry in enumerate(entries):
        param = f"subscription_details[items][{index}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid object: {param}", param=param)
        reject_unknown(entry, ("price", "quantity"), prefix=param)
        price = recurring_price(
            store,
            get_str(entry, "price", required=True, param=f"{param}[price]") or "",
            param=f"{param}[price]",
            currency=customer["currency"],
        )
        quantity = get_int(entry, "quantity", minimum=0, param=f"{param}[quantity]")
        item = new_item(
            store,
            subscription="",
            price=price,
            quantity=1 if quantity is None else quantity,
            period=first_period(price, at),
            created=at,
        )
        lines.append(cycle_line(store, shadow, item))
    currencies = {line.currency for line in lines}
    if len(currencies) != 1:
        raise invalid(
            "All prices on a subscription must use the same currency.", param="subscription_details[items]"
        )
    return invoices.draft(
        store,
        customer=customer,
        currency=currencies.pop(),
        lines=lines,
        at=at,
        billing_reason="subscription_create",
        preview=True,
    )
