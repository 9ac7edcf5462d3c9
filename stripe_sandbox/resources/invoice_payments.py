"""Invoice payments: `/v1/invoice_payments`, the link from an invoice to the PaymentIntent that paid it,
and the invoice's includable `payments` list."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from stripe_sandbox.routing import Call, router
from stripe_sandbox.store import includable
from stripe_sandbox.wire import StripeObject, get_dict, get_str, list_object, reject_unknown

if TYPE_CHECKING:
    from stripe_sandbox.store import Store


def record(store: Store, *, invoice: StripeObject, payment_intent: StripeObject, at: int) -> StripeObject:
    """The invoice paid by `payment_intent`: its open payment (an earlier attempt) becomes this one."""
    payment = open_payment(store, invoice["id"])
    if payment is not None:
        payment.update(
            amount_paid=payment_intent["amount_received"],
            payment={"type": "payment_intent", "payment_intent": payment_intent["id"]},
            status="paid",
        )
        payment["status_transitions"]["paid_at"] = at
        store.emit("invoice_payment.paid", payment)
        return payment
    payment = _payment(store, invoice=invoice, payment_intent=payment_intent, at=at)
    payment.update(status="paid", amount_paid=payment_intent["amount_received"])
    payment["status_transitions"]["paid_at"] = at
    store.add(payment)
    store.emit("invoice_payment.paid", payment)
    return payment


def record_attempt(store: Store, *, invoice: StripeObject, payment_intent: StripeObject, at: int) -> None:
    """An attempt that did not pay (declined, or waiting for 3-D Secure): the invoice's open payment, which
    says which PaymentIntent to complete and why the last attempt failed."""
    payment = open_payment(store, invoice["id"])
    if payment is None:
        store.add(_payment(store, invoice=invoice, payment_intent=payment_intent, at=at))
    else:
        payment["payment"] = {"type": "payment_intent", "payment_intent": payment_intent["id"]}


def open_payment(store: Store, invoice_id: str) -> StripeObject | None:
    return next((p for p in of_invoice(store, invoice_id) if p["status"] == "open"), None)


def invoice_paid_by(store: Store, payment_intent_id: str) -> StripeObject | None:
    """The invoice whose open payment is `payment_intent_id`, if any."""
    for payment in store.iter_type("invoice_payment"):
        if payment["status"] == "open" and payment["payment"]["payment_intent"] == payment_intent_id:
            return store.find(payment["invoice"])
    return None


def _payment(store: Store, *, invoice: StripeObject, payment_intent: StripeObject, at: int) -> StripeObject:
    return {
        "id": store.new_id("inpay", 24),
        "object": "invoice_payment",
        "amount_paid": None,
        "amount_requested": payment_intent["amount"],
        "created": at,
        "currency": payment_intent["currency"],
        "invoice": invoice["id"],
        "is_default": True,
        "livemode": False,
        "payment": {"type": "payment_intent", "payment_intent": payment_intent["id"]},
        "status": "open",
        "status_transitions": {"canceled_at": None, "paid_at": None},
    }


def of_invoice(store: Store, invoice_id: str) -> list[StripeObject]:
    return [payment for payment in store.all("invoice_payment") if payment["invoice"] == invoice_id]


@includable("invoice", "payments")
def _invoice_payments(store: Store, invoice: StripeObject) -> StripeObject:
    payments = of_invoice(store, invoice["id"])
    return {
        "object": "list",
        # Copies: expanding inside the list (`payments.data.payment.payment_intent`) must not touch the store.
        "data": copy.deepcopy(list(reversed(payments))),
        "has_more": False,
        "url": f"/v1/invoice_payments?invoice={invoice['id']}",
    }


@router.get("/v1/invoice_payments")
def list_invoice_payments(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("invoice", "payment", "status", "limit", "starting_after", "ending_before"))
    invoice = get_str(params, "invoice")
    payment = get_dict(params, "payment") or {}
    reject_unknown(payment, ("type", "payment_intent"), prefix="payment")
    intent = get_str(payment, "payment_intent", param="payment[payment_intent]")
    status = get_str(params, "status", choices=("canceled", "open", "paid"))

    def wanted(item: StripeObject) -> bool:
        return (
            (invoice is None or item["invoice"] == invoice)
            and (intent is None or item["payment"]["payment_intent"] == intent)
            and (status is None or item["status"] == status)
        )

    return list_object(call.store.all("invoice_payment"), params, "/v1/invoice_payments", where=wanted)


@router.get("/v1/invoice_payments/{id}")
def retrieve_invoice_payment(call: Call) -> StripeObject:
    return call.store.get(call["id"], "invoice_payment")
