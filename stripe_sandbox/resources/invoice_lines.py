"""Invoice lines: what an invoice (or a pending invoice item) charges for, and the `line_item` objects they
render to. Lines are values until an invoice or a preview renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from stripe_sandbox.billing import describe_date, format_amount

if TYPE_CHECKING:
    from stripe_sandbox.store import Store
    from stripe_sandbox.wire import StripeObject

_TWELVE_PLACES = Decimal("0.000000000001")
TIMES = "\u00d7"  # Stripe writes quantities with the multiplication sign


@dataclass(frozen=True)
class Line:
    amount: int
    currency: str
    description: str
    price: StripeObject | None
    quantity: int
    start: int
    end: int
    subscription: str | None = None
    subscription_item: str | None = None
    proration: bool = False
    invoice_item: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


def product_name(store: Store, price: StripeObject) -> str:
    return str(store.get(price["product"], "product")["name"])


def _quantity_prefix(quantity: int) -> str:
    return f"{quantity} {TIMES} " if quantity != 1 else ""


def _every(price: StripeObject) -> str:
    recurring = price["recurring"]
    count, interval = recurring["interval_count"], recurring["interval"]
    return interval if count == 1 else f"every {count} {interval}s"


def period_description(store: Store, price: StripeObject, quantity: int) -> str:
    """`1 x Pro (at $10.00 / month)`, with Stripe's multiplication sign."""
    if price["unit_amount"] is None:  # tiered: billed by its tiers in arrears
        return usage_description(store, price, quantity)
    at = format_amount(price["unit_amount"], price["currency"])
    return f"{quantity} {TIMES} {product_name(store, price)} (at {at} / {_every(price)})"


def usage_description(store: Store, price: StripeObject, quantity: int) -> str:
    """`1,234 x API calls (metered usage)`, written with the multiplication sign."""
    return f"{quantity:,} {TIMES} {product_name(store, price)} (metered usage)"


def trial_description(store: Store, price: StripeObject, quantity: int) -> str:
    return f"Trial period for {_quantity_prefix(quantity)}{product_name(store, price)}"


def proration_description(store: Store, price: StripeObject, quantity: int, at: int, *, credit: bool) -> str:
    """`Unused time on Pro after 15 Jan 2026` (a credit) or `Remaining time on ...` (a charge)."""
    kind = "Unused" if credit else "Remaining"
    return (
        f"{kind} time on {_quantity_prefix(quantity)}{product_name(store, price)} after {describe_date(at)}"
    )


def unit_amount_decimal(line: Line) -> str:
    if line.quantity == 0 or line.price is None:
        return str(line.price["unit_amount"] or 0 if line.price else line.amount)
    exact = (Decimal(line.amount) / line.quantity).quantize(_TWELVE_PLACES).normalize()
    return format(exact, "f")


def credited_items(store: Store, line: Line) -> StripeObject | None:
    """For a proration credit: the invoice line that billed the time being given back."""
    if not line.proration or line.amount >= 0 or line.subscription_item is None:
        return None
    for invoice in reversed(store.all("invoice")):
        for billed in invoice["lines"]["data"]:
            details = billed["parent"]["subscription_item_details"]
            if (
                details is not None
                and details["subscription_item"] == line.subscription_item
                and not details["proration"]
                and billed["period"]["start"] <= line.start < billed["period"]["end"]
            ):
                return {"invoice": invoice["id"], "invoice_line_items": [billed["id"]]}
    return None


def render(store: Store, line: Line, *, line_id: str, invoice_id: str | None) -> StripeObject:
    """The `line_item` object, shaped like Stripe's (`pricing.price_details`, `parent.*_details`)."""
    proration_details = {"credited_items": credited_items(store, line)}
    if line.subscription is not None:
        parent: StripeObject = {
            "type": "subscription_item_details",
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": line.invoice_item,
                "proration": line.proration,
                "proration_details": proration_details,
                "subscription": line.subscription,
                "subscription_item": line.subscription_item,
            },
        }
    else:
        parent = {
            "type": "invoice_item_details",
            "invoice_item_details": {
                "invoice_item": line.invoice_item,
                "proration": line.proration,
                "proration_details": proration_details,
                "subscription": None,
            },
            "subscription_item_details": None,
        }
    return {
        "id": line_id,
        "object": "line_item",
        "amount": line.amount,
        "currency": line.currency,
        "description": line.description,
        "discount_amounts": [],
        "discountable": not line.proration,
        "discounts": [],
        "invoice": invoice_id,
        "livemode": False,
        "metadata": dict(line.metadata),
        "parent": parent,
        "period": {"end": line.end, "start": line.start},
        "pretax_credit_amounts": [],
        "pricing": pricing(line),
        "quantity": line.quantity,
        "quantity_decimal": str(line.quantity),
        "subscription": line.subscription,
        "subtotal": line.amount,
        "taxes": [],
    }


def pricing(line: Line) -> StripeObject:
    details = None if line.price is None else {"price": line.price["id"], "product": line.price["product"]}
    return {
        "type": "price_details",
        "price_details": details,
        "unit_amount_decimal": unit_amount_decimal(line),
    }
