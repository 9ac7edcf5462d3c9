"""Invoice payments: `/v1/invoice_payments`, the link from an invoice to the PaymentIntent that paid it,
and the invoice's includable `payments` list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_sandbox.routing import Call, router
from stripe_sandbox.store import includable
from stripe_sandbox.wire import StripeObject, get_dict, get_str, list_object, reject_unknown

if TYPE_CHECKING:
    from stripe_sandbox.store import Store


def record(store: Store, *, invoice: StripeObject, payment_intent: StripeObject, at: int) -> StripeObject:
    payment: StripeObject = {
        "id": store.new_id("inpay", 24),
        "object": "invoice_payment",
        "amount_paid": payment_intent["amount_received"],
        "amount_requested": payment_intent["amount"],
        "created": at,
        "currency": payment_intent["currency"],
        "invoice": invoice["id"],
        "is_default": True,
        "livemode": False,
        "payment": {"type": "payment_intent", "payment_intent": payment_intent["id"]},
        "status": "paid",
        "status_transitions": {"canceled_at": None, "paid_at": at},
    }
    store.add(payment)
    store.emit("invoice_payment.paid", payment)
    return payment


def of_invoice(store: Store, invoice_id: str) -> list[StripeObject]:
    return [payment for payment in store.all("invoice_payment") if payment["invoice"] == invoice_id]


@includable("invoice", "payments")
def _invoice_payments(store: Store, invoice: StripeObject) -> StripeObject:
    payments = of_invoice(store, invoice["id"])
    return {
        "object": "list",
        "data": list(reversed(payments)),
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
