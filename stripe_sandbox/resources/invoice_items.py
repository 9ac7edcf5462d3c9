"""Invoice items: `/v1/invoiceitems`. A pending item (no invoice yet) waits for the customer's next invoice;
subscription changes leave their prorations here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_sandbox.resources.invoice_lines import Line, pricing, product_name
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeObject,
    get_bool,
    get_dict,
    get_int,
    get_str,
    invalid,
    list_object,
    reject_unknown,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store


def build(store: Store, *, customer: str, line: Line, at: int) -> StripeObject:
    """An invoice item for `line`, not stored yet (an invoice that may still be refused carries it)."""
    item_id = store.new_id("ii", 24)
    parent = None
    if line.subscription is not None:
        parent = {
            "type": "subscription_details",
            "subscription_details": {
                "subscription": line.subscription,
                "subscription_item": line.subscription_item,
            },
        }
    return {
        "id": item_id,
        "object": "invoiceitem",
        "amount": line.amount,
        "currency": line.currency,
        "customer": customer,
        "customer_account": None,
        "date": at,
        "description": line.description,
        "discountable": not line.proration,
        "discounts": [],
        "invoice": None,
        "livemode": False,
        "metadata": dict(line.metadata),
        "net_amount": line.amount,
        "parent": parent,
        "period": {"end": line.end, "start": line.start},
        "pricing": pricing(line),
        "proration": line.proration,
        "quantity": line.quantity,
        "quantity_decimal": str(line.quantity),
        "tax_rates": [],
        "test_clock": None,
    }


def save(store: Store, item: StripeObject) -> StripeObject:
    store.add(item)
    store.emit("invoiceitem.created", item)
    return item


def subscription_of(item: StripeObject) -> str | None:
    parent = item["parent"]
    return None if parent is None else str(parent["subscription_details"]["subscription"])


def as_line(store: Store, item: StripeObject) -> Line:
    details = item["pricing"]["price_details"]
    parent = item["parent"]
    return Line(
        amount=item["amount"],
        currency=item["currency"],
        description=item["description"],
        price=None if details is None else store.get(details["price"], "price"),
        quantity=item["quantity"],
        start=item["period"]["start"],
        end=item["period"]["end"],
        subscription=subscription_of(item),
        subscription_item=None if parent is None else parent["subscription_details"]["subscription_item"],
        proration=item["proration"],
        invoice_item=item["id"],
        metadata=dict(item["metadata"]),
    )


def pending(store: Store, *, customer: str, currency: str, subscription: str | None) -> list[StripeObject]:
    """What the customer's next invoice picks up: items not invoiced yet, in its currency, either tied to
    this subscription or to none (a subscription's items wait for that subscription's invoices)."""
    return [
        item
        for item in store.all("invoiceitem")
        if item["customer"] == customer
        and item["invoice"] is None
        and item["currency"] == currency
        and subscription_of(item) in {None, subscription}
    ]


# -- endpoints ------------------------------------------------------------------------------------------

_CREATE = (
    *("customer", "amount", "currency", "description", "pricing", "quantity", "period", "metadata"),
    "invoice",
)


@router.post("/v1/invoiceitems")
def create_invoice_item(call: Call) -> StripeObject:
    store, params = call.store, call.params
    reject_unknown(params, _CREATE)
    customer = store.get(get_str(params, "customer", required=True) or "", "customer", param="customer")
    invoice_id = get_str(params, "invoice")
    # Stripe checks the invoice before it makes the item: a refused item leaves nothing behind.
    invoice = None if invoice_id is None else store.get(invoice_id, "invoice", param="invoice")
    quantity = get_int(params, "quantity", minimum=0)
    price_id = get_str(get_dict(params, "pricing") or {}, "price", param="pricing[price]")
    at = store.now()
    period = get_dict(params, "period") or {}
    start = get_int(period, "start", param="period[start]") or at
    end = get_int(period, "end", param="period[end]") or at
    if price_id is not None:
        price = store.get(price_id, "price", param="pricing[price]")
        count = 1 if quantity is None else quantity
        amount, currency = price["unit_amount"] * count, price["currency"]
        description = get_str(params, "description") or product_name(store, price)
    else:
        if quantity is not None:
            raise invalid("You may only specify `quantity` together with a price.", param="quantity")
        price, count = None, 1
        amount = get_int(params, "amount", required=True) or 0
        currency = (get_str(params, "currency", required=True) or "").lower()
        description = get_str(params, "description") or "Invoice item"
    line = Line(
        amount=amount,
        currency=currency,
        description=description,
        price=price,
        quantity=count,
        start=start,
        end=end,
        metadata=updated_metadata({}, params),
    )
    item = build(store, customer=customer["id"], line=line, at=at)
    if invoice is not None:
        # Late import: invoices import this module to pick up pending items.
        from stripe_sandbox.resources.invoices import add_item  # noqa: PLC0415

        add_item(store, invoice, item)
    return save(store, item)


@router.get("/v1/invoiceitems")
def list_invoice_items(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("customer", "invoice", "pending", "limit", "starting_after", "ending_before"))
    customer = get_str(params, "customer")
    invoice = get_str(params, "invoice")
    only_pending = get_bool(params, "pending")

    def wanted(item: StripeObject) -> bool:
        return (
            (customer is None or item["customer"] == customer)
            and (invoice is None or item["invoice"] == invoice)
            and (only_pending is None or (item["invoice"] is None) == only_pending)
        )

    return list_object(call.store.all("invoiceitem"), params, "/v1/invoiceitems", where=wanted)


@router.get("/v1/invoiceitems/{id}")
def retrieve_invoice_item(call: Call) -> StripeObject:
    return call.store.get(call["id"], "invoiceitem")
