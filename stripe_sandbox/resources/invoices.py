"""Invoices: `/v1/invoices` (create, retrieve, list, finalize, pay, void, mark_uncollectible, lines), and how
an invoice is issued: finalized, charged to the default payment method, and marked paid or left open."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stripe_sandbox import clock
from stripe_sandbox.resources import coupons, credits, invoice_items, invoice_payments, payments
from stripe_sandbox.resources.invoice_lines import Line, render
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeError,
    StripeObject,
    get_bool,
    get_int,
    get_range,
    get_str,
    invalid,
    list_object,
    reject_unknown,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

ACCOUNT = "acct_1PortalQLSandbox0"
DAY = 24 * 3600
STATUSES = ("draft", "open", "paid", "uncollectible", "void")
COLLECTION_METHODS = ("charge_automatically", "send_invoice")
_PAYMENT_DESCRIPTIONS = {
    "subscription_create": "Subscription creation",
    "subscription_cycle": "Subscription cycle",
    "subscription_update": "Subscription update",
}

# Run when an open invoice is paid later, so its subscription can leave `past_due` or `incomplete`.
PaidHook = Callable[["Store", StripeObject], None]
PAID_HOOKS: list[PaidHook] = []


def subscription_of(invoice: StripeObject) -> str | None:
    parent = invoice["parent"]
    if parent is None or parent["type"] != "subscription_details":
        return None
    return str(parent["subscription_details"]["subscription"])


def draft(
    store: Store,
    *,
    customer: StripeObject,
    currency: str,
    lines: list[Line],
    at: int,
    billing_reason: str,
    subscription: StripeObject | None = None,
    period: tuple[int, int] | None = None,
    preview: bool = False,
) -> StripeObject:
    """A draft invoice over `lines`, not stored: the caller issues it, stores it, or shows it as a preview."""
    invoice_id = store.new_id("upcoming_in" if preview else "in", 24)
    line_prefix = "il_tmp" if preview else "il"
    rendered = [
        render(store, line, line_id=store.new_id(line_prefix, 24), invoice_id=invoice_id) for line in lines
    ]
    parent = None
    if subscription is not None:
        parent = {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "metadata": dict(subscription["metadata"]),
                "subscription": subscription["id"],
                "subscription_proration_date": None,
            },
        }
    start, end = period or (at, at)
    invoice: StripeObject = {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "US",
        "account_name": None,
        "account_tax_ids": None,
        "amount_due": 0,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_remaining": 0,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": 0,
        "attempted": False,
        "auto_advance": not preview,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        "automatically_finalizes_at": None,
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": at,
        "currency": currency,
        "custom_fields": None,
        "customer": customer["id"],
        "customer_account": None,
        "customer_address": copy.deepcopy(customer["address"]),
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "customer_phone": customer["phone"],
        "customer_shipping": copy.deepcopy(customer["shipping"]),
        "customer_tax_exempt": customer["tax_exempt"],
        "customer_tax_ids": [],
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "due_date": None,
        "effective_at": None,
        "ending_balance": None,
        "footer": None,
        "from_invoice": None,
        "hosted_invoice_url": None,
        "invoice_pdf": None,
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "latest_revision": None,
        "lines": {
            "object": "list",
            "data": rendered,
            "has_more": False,
            "url": f"/v1/invoices/{invoice_id}/lines",
        },
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None,
        "number": None,
        "on_behalf_of": None,
        "parent": parent,
        "payment_settings": {
            "default_mandate": None,
            "payment_method_options": None,
            "payment_method_types": None,
        },
        "period_end": end,
        "period_start": start,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": 0,
        "statement_descriptor": None,
        "status": "draft",
        "status_transitions": {
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        "subscription": None,  # superseded by `parent.subscription_details`; Stripe sends it empty
        "subtotal": 0,
        "subtotal_excluding_tax": 0,
        "test_clock": None,
        "total": 0,
        "total_discount_amounts": [],
        "total_excluding_tax": 0,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": None,
    }
    if subscription is not None and subscription["id"] is not None:
        coupons.apply(store, invoice, subscription, at=at, preview=preview)
    credits.apply_to_invoice(store, invoice, at=at, record=not preview)
    apply_balance(invoice, customer["balance"])
    return invoice


def apply_balance(invoice: StripeObject, balance: int) -> None:
    """Totals: discounts and billing credits come off the subtotal, then the customer's balance (negative:
    credit it holds) off what is due."""
    subtotal = sum(line["amount"] for line in invoice["lines"]["data"])
    discounted = sum(entry["amount"] for entry in invoice.get("total_discount_amounts") or ())
    total = subtotal - discounted - credits.credited(invoice)
    due = max(0, total + balance)
    invoice.update(
        subtotal=subtotal,
        subtotal_excluding_tax=subtotal,
        total=total,
        total_excluding_tax=total,
        starting_balance=balance,
        amount_due=due,
        amount_remaining=due - invoice["amount_paid"],
    )


@dataclass(frozen=True)
class Attempt:
    """The outcome of charging a draft before it is stored: a PaymentIntent, a decline, or neither."""

    intent: StripeObject | None = None
    failure: StripeError | None = None


def attempt(
    store: Store, invoice: StripeObject, at: int, *, collect: bool = True, raise_on_decline: bool = False
) -> Attempt:
    """Charge what the drafted invoice will be due, before anything else is stored: with
    `raise_on_decline` a decline leaves only the failed PaymentIntent behind, as Stripe's
    `error_if_incomplete` does."""
    if not collect or invoice["amount_due"] <= 0:
        return Attempt()
    try:
        return Attempt(intent=_charge(store, invoice, at, None))
    except StripeError as error:
        if raise_on_decline:
            raise
        return Attempt(failure=error)


def issue(
    store: Store, invoice: StripeObject, *, items: list[StripeObject], at: int, attempt: Attempt
) -> None:
    """Store a drafted invoice with the invoice `items` it bills, finalize it and settle it as attempted;
    without a payment it stays open."""
    store.add(invoice)
    for item in items:
        item["invoice"] = invoice["id"]
        if store.find(item["id"]) is None:
            invoice_items.save(store, item)
    store.emit("invoice.created", invoice)
    finalize(store, invoice, at)
    if attempt.intent is not None:
        _mark_paid(store, invoice, at, attempt.intent)
    elif attempt.failure is not None:
        _failed_attempt(store, invoice, attempt.failure, at)


def hold(store: Store, invoice: StripeObject, *, items: list[StripeObject], at: int, behavior: str) -> None:
    """Store a drafted invoice of a subscription whose collection is paused, charging nothing: left a draft
    (`keep_as_draft`), or finalized and at once voided or marked uncollectible."""
    store.add(invoice)
    for item in items:
        item["invoice"] = invoice["id"]
        if store.find(item["id"]) is None:
            invoice_items.save(store, item)
    store.emit("invoice.created", invoice)
    if behavior == "keep_as_draft":
        invoice["auto_advance"] = False
        return
    before = copy.deepcopy(invoice)
    status, transition = (
        ("void", "voided_at") if behavior == "void" else ("uncollectible", "marked_uncollectible_at")
    )
    invoice.update(status=status, auto_advance=False, effective_at=at)
    invoice["status_transitions"]["finalized_at"] = at
    invoice["status_transitions"][transition] = at
    if status == "void":
        invoice["amount_remaining"] = 0
    store.emit_changes("invoice.updated", before, invoice)
    store.emit("invoice.voided" if status == "void" else "invoice.marked_uncollectible", invoice)


def finalize(store: Store, invoice: StripeObject, at: int) -> None:
    customer = store.get(invoice["customer"], "customer")
    apply_balance(invoice, customer["balance"])
    ending_balance = invoice["total"] + invoice["starting_balance"] - invoice["amount_due"]
    if customer["balance"] != ending_balance:
        credits.record_cash(
            store,
            customer,
            amount=ending_balance - customer["balance"],
            currency=invoice["currency"],
            kind="applied_to_invoice",
            invoice=invoice["id"],
        )
    invoice["number"] = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
    customer["next_invoice_sequence"] += 1
    token = invoice["id"].removeprefix("in_")
    invoice.update(
        status="open",
        ending_balance=ending_balance,
        effective_at=at,
        webhooks_delivered_at=at,
        hosted_invoice_url=f"https://invoice.stripe.com/i/{ACCOUNT}/test_{token}",
        invoice_pdf=f"https://pay.stripe.com/invoice/{ACCOUNT}/test_{token}/pdf",
    )
    invoice["status_transitions"]["finalized_at"] = at
    store.emit("invoice.finalized", invoice)
    if invoice["amount_due"] == 0:
        _mark_paid(store, invoice, at, None)


def pay(store: Store, invoice: StripeObject, at: int, payment_method: str | None) -> None:
    """Charge an open invoice now; a decline is recorded on the invoice and raised (Stripe's 402), as is a
    card that needs 3-D Secure: the customer completes the invoice's PaymentIntent in the browser."""
    try:
        intent = _charge(store, invoice, at, payment_method)
    except payments.RequiresAction as action:
        _failed_attempt(store, invoice, action, at)
        raise StripeError(
            402,
            "This payment requires additional user action before it can be completed successfully. Payment "
            "can be completed using the PaymentIntent associated with the invoice. For more details see: "
            "https://stripe.com/docs/billing/subscriptions/overview#requires-action",
            type_="card_error",
            code="invoice_payment_intent_requires_action",
            payment_intent=copy.deepcopy(action.intent),
        ) from None
    except StripeError as error:
        _failed_attempt(store, invoice, error, at)
        raise
    _mark_paid(store, invoice, at, intent)


def paid_later(store: Store, invoice: StripeObject, intent: StripeObject) -> None:
    """The invoice's PaymentIntent succeeded outside `pay` (confirmed or authenticated in the browser)."""
    if invoice["status"] != "open":
        return
    _mark_paid(store, invoice, store.now(), intent)
    for hook in PAID_HOOKS:
        hook(store, invoice)


def _failed_attempt(store: Store, invoice: StripeObject, error: StripeError, at: int) -> None:
    """Record an attempt that did not pay: on the invoice's open payment, and in the events Stripe sends."""
    intent = error.extra.get("payment_intent")
    stored = store.find(intent["id"]) if isinstance(intent, dict) else None
    if stored is not None:
        invoice_payments.record_attempt(store, invoice=invoice, payment_intent=stored, at=at)
    payment_failed(store, invoice, action_required=isinstance(error, payments.RequiresAction))


def _payment_method(store: Store, invoice: StripeObject, given: str | None) -> str:
    customer = store.get(invoice["customer"], "customer")
    subscription_id = subscription_of(invoice)
    subscription = store.find(subscription_id) if subscription_id else None
    candidates = (
        given,
        invoice["default_payment_method"],
        subscription["default_payment_method"] if subscription else None,
        customer["invoice_settings"]["default_payment_method"],
    )
    chosen = next((candidate for candidate in candidates if candidate), None)
    if chosen is None:
        raise invalid(
            "This customer has no attached payment source or default payment method. Please consider adding "
            "a default payment method. For more information, visit "
            "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority."
        )
    return str(chosen)


def _charge(store: Store, invoice: StripeObject, at: int, payment_method: str | None) -> StripeObject:
    intent, _ = payments.charge(
        store,
        customer=invoice["customer"],
        amount=invoice["amount_due"],
        currency=invoice["currency"],
        payment_method=_payment_method(store, invoice, payment_method),
        description=_PAYMENT_DESCRIPTIONS.get(invoice["billing_reason"]),
        created=at,
    )
    return intent


def _mark_paid(store: Store, invoice: StripeObject, at: int, intent: StripeObject | None) -> None:
    before = copy.deepcopy(invoice)
    if intent is not None:
        invoice["amount_paid"] += intent["amount_received"]
        invoice["attempt_count"] += 1
        invoice["attempted"] = True
        invoice_payments.record(store, invoice=invoice, payment_intent=intent, at=at)
    invoice.update(status="paid", amount_remaining=0, auto_advance=False, next_payment_attempt=None)
    invoice["status_transitions"]["paid_at"] = at
    store.emit_changes("invoice.updated", before, invoice)
    store.emit("invoice.paid", invoice)
    store.emit("invoice.payment_succeeded", invoice)
    set_delinquent(store, invoice["customer"], delinquent=False)


def payment_failed(store: Store, invoice: StripeObject, *, action_required: bool = False) -> None:
    """An attempt to pay the invoice failed (or waits for the customer's 3-D Secure)."""
    before = copy.deepcopy(invoice)
    invoice["attempt_count"] += 1
    invoice["attempted"] = True
    store.emit_changes("invoice.updated", before, invoice)
    store.emit("invoice.payment_action_required" if action_required else "invoice.payment_failed", invoice)
    if not action_required:
        set_delinquent(store, invoice["customer"], delinquent=True)


def set_delinquent(store: Store, customer_id: str, *, delinquent: bool) -> None:
    """Stripe's `customer.delinquent` follows the latest change of any of the customer's invoices: a failed
    payment or a passed due date sets it, paying an invoice or marking it uncollectible clears it."""
    customer = store.find(customer_id)
    if customer is None or customer.get("deleted") or customer["delinquent"] == delinquent:
        return
    before = copy.deepcopy(customer)
    customer["delinquent"] = delinquent
    store.emit_changes("customer.updated", before, customer)


@clock.scheduler
def _overdue(store: Store, to: int) -> clock.Task | None:
    """The earliest open invoice whose due date has passed by `to`, making its customer delinquent: unless
    they are already, or an invoice of theirs was paid or marked uncollectible since (a later change)."""
    earliest: clock.Task | None = None
    for invoice in store.iter_type("invoice"):
        due = invoice["due_date"]
        if invoice["status"] != "open" or due is None or due > to:
            continue
        customer = store.find(invoice["customer"])
        if customer is None or customer["delinquent"] or _cleared_since(store, invoice["customer"], due):
            continue
        if earliest is None or due < earliest[0]:
            earliest = (due, 3, functools.partial(set_delinquent, store, customer["id"], delinquent=True))
    return earliest


def _cleared_since(store: Store, customer_id: str, at: int) -> bool:
    return any(
        (transitions["paid_at"] or 0) >= at or (transitions["marked_uncollectible_at"] or 0) >= at
        for invoice in store.iter_type("invoice")
        if invoice["customer"] == customer_id and (transitions := invoice["status_transitions"])
    )


# -- endpoints ------------------------------------------------------------------------------------------


def _stored(call: Call) -> StripeObject:
    clock.catch_up(call.store)
    return call.store.get(call["id"], "invoice")


@router.post("/v1/invoices")
def create_invoice(call: Call) -> StripeObject:
    """A one-off draft for a customer, optionally picking up their pending invoice items."""
    store, params = call.store, call.params
    reject_unknown(
        params,
        (
            *("customer", "currency", "description", "metadata", "auto_advance"),
            *("pending_invoice_items_behavior", "collection_method", "days_until_due", "due_date"),
        ),
    )
    customer = store.get(get_str(params, "customer", required=True) or "", "customer", param="customer")
    currency = (get_str(params, "currency") or customer["currency"] or "usd").lower()
    behavior = get_str(params, "pending_invoice_items_behavior", choices=("exclude", "include")) or "exclude"
    collection = get_str(params, "collection_method", choices=COLLECTION_METHODS) or "charge_automatically"
    at = store.now()
    due_date = _due_date(params, collection, at)
    items = []
    if behavior == "include":
        items = invoice_items.pending(store, customer=customer["id"], currency=currency, subscription=None)
    lines = [invoice_items.as_line(store, item) for item in items]
    invoice = draft(store, customer=customer, currency=currency, lines=lines, at=at, billing_reason="manual")
    invoice["description"] = get_str(params, "description")
    invoice["metadata"] = updated_metadata({}, params)
    invoice["auto_advance"] = bool(get_bool(params, "auto_advance"))
    invoice["collection_method"] = collection
    invoice["due_date"] = due_date
    store.add(invoice)
    for item in items:
        item["invoice"] = invoice["id"]
    store.emit("invoice.created", invoice)
    return invoice


def _due_date(params: StripeObject, collection: str, at: int) -> int | None:
    """Stripe's rule: an invoice sent for payment is due on a date, given or `days_until_due` after it is
    created; one charged automatically has no due date."""
    days = get_int(params, "days_until_due", minimum=0)
    due_date = get_int(params, "due_date", minimum=0)
    if collection == "charge_automatically":
        if days is not None or due_date is not None:
            field = "days_until_due" if days is not None else "due_date"
            raise invalid(
                f"You can only set `{field}` when `collection_method` is `send_invoice`.", param=field
            )
        return None
    if days is not None and due_date is not None:
        raise invalid("You may only specify one of `days_until_due` and `due_date`.", param="due_date")
    if days is None and due_date is None:
        raise invalid(
            "Missing required param: days_until_due. Either `days_until_due` or `due_date` is required when "
            "`collection_method` is `send_invoice`.",
            param="days_until_due",
        )
    return due_date if due_date is not None else at + (days or 0) * DAY


def add_item(store: Store, invoice: StripeObject, item: StripeObject) -> None:
    """Bill `item` on the draft `invoice`: a line of its own, and the totals again."""
    if invoice["status"] != "draft":
        raise invalid(
            f"You can only add invoice items to draft invoices; {invoice['id']} is {invoice['status']}.",
            param="invoice",
        )
    if item["customer"] != invoice["customer"]:
        raise invalid("The invoice item's customer must be the invoice's customer.", param="invoice")
    if item["currency"] != invoice["currency"]:
        raise invalid(
            f"The item's currency ({item['currency']}) must be the invoice's ({invoice['currency']}).",
            param="currency",
        )
    item["invoice"] = invoice["id"]
    line = render(
        store, invoice_items.as_line(store, item), line_id=store.new_id("il", 24), invoice_id=invoice["id"]
    )
    invoice["lines"]["data"].append(line)
    customer = store.get(invoice["customer"], "customer")
    apply_balance(invoice, customer["balance"])


@router.get("/v1/invoices/{id}")
def retrieve_invoice(call: Call) -> StripeObject:
    return _stored(call)


@router.get("/v1/invoices")
def list_invoices(call: Call) -> StripeObject:
    store, params = call.store, call.params
    clock.catch_up(store)
    reject_unknown(
        params,
        (
            *("customer", "subscription", "status", "created", "collection_method"),
            *("limit", "starting_after", "ending_before"),
        ),
    )
    customer = get_str(params, "customer")
    subscription = get_str(params, "subscription")
    status = get_str(params, "status", choices=STATUSES)
    created = get_range(params, "created")
    collection = get_str(params, "collection_method", choices=COLLECTION_METHODS)

    def wanted(invoice: StripeObject) -> bool:
        return (
            (customer is None or invoice["customer"] == customer)
            and (collection is None or invoice["collection_method"] == collection)
            and (subscription is None or subscription_of(invoice) == subscription)
            and (status is None or invoice["status"] == status)
            and (created is None or created(invoice["created"]))
        )

    return list_object(store.all("invoice"), params, "/v1/invoices", where=wanted)


@router.get("/v1/invoices/{id}/lines")
def list_invoice_lines(call: Call) -> StripeObject:
    invoice = _stored(call)
    reject_unknown(call.params, ("limit", "starting_after", "ending_before"))
    # `list_object` pages newest first; lines keep the invoice's own order.
    lines = list(reversed(invoice["lines"]["data"]))
    return list_object(lines, call.params, f"/v1/invoices/{invoice['id']}/lines")


@router.post("/v1/invoices/{id}/finalize")
def finalize_invoice(call: Call) -> StripeObject:
    invoice = _stored(call)
    reject_unknown(call.params, ("auto_advance",))
    if invoice["status"] != "draft":
        raise invalid("This invoice is already finalized, you can't re-finalize a non-draft invoice.")
    auto_advance = get_bool(call.params, "auto_advance")
    if auto_advance is not None:
        invoice["auto_advance"] = auto_advance
    finalize(call.store, invoice, call.store.now())
    return invoice


@router.post("/v1/invoices/{id}/pay")
def pay_invoice(call: Call) -> StripeObject:
    store, params = call.store, call.params
    invoice = _stored(call)
    reject_unknown(params, ("payment_method", "paid_out_of_band", "off_session"))
    payment_method = get_str(params, "payment_method")
    out_of_band = get_bool(params, "paid_out_of_band")
    get_bool(params, "off_session")
    if payment_method is not None:
        store.get(payment_method, "payment_method", param="payment_method")
    if invoice["status"] == "paid":
        raise invalid("Invoice is already paid")
    if invoice["status"] == "void":
        raise invalid("This invoice is void and cannot be paid.")
    at = store.now()
    if invoice["status"] == "draft":
        finalize(store, invoice, at)
    if invoice["status"] != "paid":
        if out_of_band:
            _mark_paid(store, invoice, at, None)
        else:
            pay(store, invoice, at, payment_method)
    for hook in PAID_HOOKS:
        hook(store, invoice)
    return invoice


@router.post("/v1/invoices/{id}/send")
def send_invoice(call: Call) -> StripeObject:
    """Email the invoice to its customer: in test mode no email leaves, only the `invoice.sent` event."""
    invoice = _stored(call)
    reject_unknown(call.params, ())
    if invoice["collection_method"] != "send_invoice":
        raise invalid("You can only manually send an invoice if its collection method is 'send_invoice'.")
    if invoice["status"] not in ("open", "paid", "uncollectible"):
        raise invalid(f"You can't send an invoice with the status '{invoice['status']}'.")
    call.store.emit("invoice.sent", invoice)
    return invoice


@router.post("/v1/invoices/{id}/void")
def void_invoice(call: Call) -> StripeObject:
    return _close(call, "void", "voided_at", "invoice.voided")


@router.post("/v1/invoices/{id}/mark_uncollectible")
def mark_invoice_uncollectible(call: Call) -> StripeObject:
    return _close(call, "uncollectible", "marked_uncollectible_at", "invoice.marked_uncollectible")


def _close(call: Call, status: str, transition: str, event_type: str) -> StripeObject:
    invoice = _stored(call)
    reject_unknown(call.params, ())
    allowed = ("open", "uncollectible") if status == "void" else ("open",)
    if invoice["status"] not in allowed:
        raise invalid(f"You can only {status.replace('uncollectible', 'mark uncollectible')} open invoices.")
    before = copy.deepcopy(invoice)
    invoice["status"] = status
    invoice["status_transitions"][transition] = call.store.now()
    invoice["auto_advance"] = False
    if status == "void":
        invoice["amount_remaining"] = 0
    call.store.emit_changes("invoice.updated", before, invoice)
    call.store.emit(event_type, invoice)
    if status == "uncollectible":
        set_delinquent(call.store, invoice["customer"], delinquent=False)
    return invoice
