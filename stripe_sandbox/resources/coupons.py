"""Coupons (`/v1/coupons`) and the discounts a subscription redeems them into, applied to its invoices as
Stripe applies them: `percent_off` of each discountable line, or `amount_off` (in the coupon's currency)
off the invoice, on invoices made while the discount lasts: `once` ends after the first invoice, `repeating`
after `duration_in_months`, `forever` never."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from stripe_sandbox import billing
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    Params,
    StripeObject,
    get_int,
    get_str,
    invalid,
    missing,
    missing_param,
    reject_unknown,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

DURATIONS = ("forever", "once", "repeating")


@router.post("/v1/coupons")
def create_coupon(call: Call) -> StripeObject:
    store, params = call.store, call.params
    reject_unknown(
        params,
        ("id", "name", "percent_off", "amount_off", "currency", "duration", "duration_in_months", "metadata"),
    )
    duration = get_str(params, "duration", choices=DURATIONS) or "once"
    months = get_int(params, "duration_in_months", minimum=1)
    if duration == "repeating" and months is None:
        raise missing_param("duration_in_months")
    if duration != "repeating" and months is not None:
        raise invalid(
            "You can only set duration_in_months when duration is `repeating`.", param="duration_in_months"
        )
    percent = _percent(params)
    amount = get_int(params, "amount_off", minimum=1)
    currency = get_str(params, "currency")
    if (percent is None) == (amount is None):
        raise invalid("You must pass exactly one of `amount_off` or `percent_off`.", param="percent_off")
    if amount is not None and currency is None:
        raise missing_param("currency")
    coupon_id = get_str(params, "id")
    if coupon_id is not None and store.find(coupon_id) is not None:
        raise invalid("Coupon already exists.", param="id", code="resource_already_exists")
    return new_coupon(
        store,
        coupon_id=coupon_id,
        name=get_str(params, "name"),
        percent_off=float(percent) if percent is not None else None,
        amount_off=amount,
        currency=currency,
        duration=duration,
        duration_in_months=months,
        metadata=updated_metadata({}, params),
    )


def new_coupon(
    store: Store,
    *,
    coupon_id: str | None = None,
    name: str | None,
    percent_off: float | None = None,
    amount_off: int | None = None,
    currency: str | None = None,
    duration: str,
    duration_in_months: int | None = None,
    metadata: dict[str, str] | None = None,
) -> StripeObject:
    """Store a coupon (its id given, else Stripe's eight random characters) and emit `coupon.created`."""
    coupon: StripeObject = {
        "id": coupon_id or store.new_id("", 8).lstrip("_"),
        "object": "coupon",
        "amount_off": amount_off,
        "created": store.now(),
        "currency": currency.lower() if currency else None,
        "duration": duration,
        "duration_in_months": duration_in_months,
        "livemode": False,
        "max_redemptions": None,
        "metadata": dict(metadata or {}),
        "name": name,
        "percent_off": percent_off,
        "redeem_by": None,
        "times_redeemed": 0,
        "valid": True,
    }
    store.add(coupon)
    store.emit("coupon.created", coupon)
    return coupon


def _percent(params: Params) -> Decimal | None:
    raw = params.get("percent_off")
    if raw is None or raw == "":
        return None
    try:
        percent = Decimal(str(raw))
    except InvalidOperation:
        raise invalid(f"Invalid decimal: {raw}", param="percent_off") from None
    if not Decimal(0) < percent <= Decimal(100):
        raise invalid("percent_off must be greater than 0 and at most 100.", param="percent_off")
    return percent


@router.get("/v1/coupons/{id}")
def retrieve_coupon(call: Call) -> StripeObject:
    return call.store.get(call["id"], "coupon")


def redeem(store: Store, subscription: StripeObject, coupon_id: str, *, at: int, param: str) -> str:
    """A discount of the coupon on the subscription from `at`; its id."""
    coupon = store.find(coupon_id)
    if coupon is None or coupon["object"] != "coupon":
        raise missing("coupon", coupon_id, param=param)
    amount_currency = coupon["currency"]
    if coupon["amount_off"] is not None and amount_currency != subscription["currency"]:
        raise invalid(
            f"The coupon {coupon_id} is in {amount_currency}, but the subscription is in "
            f"{subscription['currency']}.",
            param=param,
        )
    months = coupon["duration_in_months"]
    end = billing.shift(at, "month", months) if coupon["duration"] == "repeating" else None
    discount: StripeObject = {
        "id": store.new_id("di", 24),
        "object": "discount",
        "checkout_session": None,
        "customer": subscription["customer"],
        "customer_account": None,
        "end": end,
        "invoice": None,
        "invoice_item": None,
        "promotion_code": None,
        "source": {"coupon": coupon_id, "type": "coupon"},
        "start": at,
        "subscription": subscription["id"],
        "subscription_item": None,
    }
    store.add(discount)
    coupon["times_redeemed"] += 1
    return str(discount["id"])


def discounts_param(store: Store, subscription: StripeObject, given: Any, *, at: int) -> list[str]:
    """`discounts` on a subscription update: `""` clears them; a list keeps the discounts it names by id
    and redeems the coupons it names."""
    if given == "":
        return []
    if not isinstance(given, list):
        raise invalid("Invalid array", param="discounts")
    result = []
    for index, entry in enumerate(given):
        param = f"discounts[{index}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid object: {param}", param=param)
        reject_unknown(entry, ("coupon", "discount", "promotion_code"), prefix=param)
        discount_id = get_str(entry, "discount", param=f"{param}[discount]")
        coupon_id = get_str(entry, "coupon", param=f"{param}[coupon]")
        if discount_id is not None:
            if discount_id not in subscription["discounts"]:
                raise missing("discount", discount_id, param=f"{param}[discount]")
            result.append(discount_id)
        elif coupon_id is not None:
            result.append(redeem(store, subscription, coupon_id, at=at, param=f"{param}[coupon]"))
        else:
            raise missing_param(f"{param}[coupon]")
    return result


def _lasting(store: Store, subscription: StripeObject, at: int) -> list[tuple[StripeObject, StripeObject]]:
    """The subscription's discounts in force at `at`, each with its coupon."""
    found = []
    for discount_id in subscription.get("discounts") or ():
        discount = store.get(discount_id, "discount")
        if discount["start"] <= at and (discount["end"] is None or at < discount["end"]):
            found.append((discount, store.get(discount["source"]["coupon"], "coupon")))
    return found


def apply(store: Store, invoice: StripeObject, subscription: StripeObject, *, at: int, preview: bool) -> None:
    """Take the subscription's discounts in force off the invoice's charged lines (credits are not
    discounted); a `once` discount is used up by an invoice that is kept, not by a preview."""
    lines = [line for line in invoice["lines"]["data"] if line["amount"] > 0]
    totals: dict[str, int] = {}
    for discount, coupon in _lasting(store, subscription, at):
        if coupon["percent_off"] is not None:
            rate = Fraction(str(coupon["percent_off"])) / 100
            shares = {line["id"]: billing.round_minor(line["amount"] * rate) for line in lines}
        else:
            shares = _spread(coupon["amount_off"], lines)
        for line in lines:
            off = min(shares.get(line["id"], 0), line["amount"] - _taken(line))
            if off > 0:
                line["discount_amounts"].append({"amount": off, "discount": discount["id"]})
                line["discounts"].append(discount["id"])
                totals[discount["id"]] = totals.get(discount["id"], 0) + off
        if discount["id"] in totals and coupon["duration"] == "once" and not preview:
            discount["end"] = at
            subscription["discounts"] = [d for d in subscription["discounts"] if d != discount["id"]]
    invoice["discounts"] = list(totals)
    invoice["total_discount_amounts"] = [{"amount": amount, "discount": d} for d, amount in totals.items()]


def _taken(line: StripeObject) -> int:
    return sum(entry["amount"] for entry in line["discount_amounts"])


def _spread(amount_off: int, lines: list[StripeObject]) -> dict[str, int]:
    """An amount off the invoice, split over its lines in proportion to their amounts (the rest of the
    rounding on the last line), never more than they come to."""
    total = sum(line["amount"] for line in lines)
    left = min(amount_off, total)
    shares: dict[str, int] = {}
    for index, line in enumerate(lines):
        share = (
            left if index == len(lines) - 1 else billing.round_minor(Fraction(left * line["amount"], total))
        )
        shares[line["id"]] = share
        left, total = left - share, total - line["amount"]
    return shares
