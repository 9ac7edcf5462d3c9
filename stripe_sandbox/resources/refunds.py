"""Refunds: `/v1/refunds`, limited to what is left on the charge, and `/v1/charges/{id}/refunds`."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from stripe_sandbox.billing import format_amount
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeObject,
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

REASONS = ("duplicate", "fraudulent", "requested_by_customer")


@router.post("/v1/refunds")
def create_refund(call: Call) -> StripeObject:
    store, params = call.store, call.params
    reject_unknown(params, ("amount", "charge", "metadata", "payment_intent", "reason"))
    charge = _refundable_charge(store, get_str(params, "charge"), get_str(params, "payment_intent"))
    left = charge["amount_captured"] - charge["amount_refunded"]
    if left <= 0:
        raise invalid(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
    amount = get_int(params, "amount", minimum=1)
    if amount is None:
        amount = left
    elif amount > left:
        currency = charge["currency"]
        refunded_before = "unrefunded amount on charge" if charge["amount_refunded"] else "charge amount"
        raise invalid(
            f"Refund amount ({format_amount(amount, currency)}) is greater than {refunded_before} "
            f"({format_amount(left, currency)})",
            param="amount",
            code="amount_too_large",
        )
    refund = _refund(store, charge, amount, get_str(params, "reason", choices=REASONS))
    refund["metadata"] = updated_metadata({}, params)
    store.add(refund)
    before = copy.deepcopy(charge)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    charge["refunds"] = _refunds_of(store, charge["id"])
    store.emit("charge.refunded", charge, {k: before[k] for k in ("amount_refunded", "refunded", "refunds")})
    store.emit("refund.created", refund)
    return refund


@router.get("/v1/refunds/{id}")
def retrieve_refund(call: Call) -> StripeObject:
    return call.store.get(call["id"], "refund", param="refund")


@router.post("/v1/refunds/{id}")
def update_refund(call: Call) -> StripeObject:
    reject_unknown(call.params, ("metadata",))
    refund = call.store.get(call["id"], "refund", param="refund")
    draft = copy.deepcopy(refund)
    draft["metadata"] = updated_metadata(refund["metadata"], call.params)
    return call.store.save_changes("refund.updated", refund, draft)


@router.get("/v1/refunds")
def list_refunds(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(
        params, ("charge", "created", "ending_before", "limit", "payment_intent", "starting_after")
    )
    charge = get_str(params, "charge")
    intent = get_str(params, "payment_intent")
    created = get_range(params, "created")
    return list_object(
        call.store.all("refund"),
        params,
        "/v1/refunds",
        where=lambda r: (
            (charge is None or r["charge"] == charge)
            and (intent is None or r["payment_intent"] == intent)
            and (created is None or created(r["created"]))
        ),
    )


@router.get("/v1/charges/{id}/refunds")
def list_charge_refunds(call: Call) -> StripeObject:
    reject_unknown(call.params, ("ending_before", "limit", "starting_after"))
    charge = call.store.get(call["id"], "charge", param="charge")
    refunds = [r for r in call.store.all("refund") if r["charge"] == charge["id"]]
    return list_object(refunds, call.params, f"/v1/charges/{charge['id']}/refunds")


def _refundable_charge(store: Store, charge_id: str | None, intent_id: str | None) -> StripeObject:
    if charge_id is None and intent_id is None:
        raise invalid(
            "One of the following params should be provided for this request: payment_intent or charge."
        )
    if charge_id is not None and intent_id is not None:
        raise invalid("You cannot specify both `charge` and `payment_intent`.", param="payment_intent")
    if intent_id is not None:
        intent = store.get(intent_id, "payment_intent", param="payment_intent")
        if intent["status"] != "succeeded" or intent["latest_charge"] is None:
            raise invalid(
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                param="payment_intent",
                code="charge_not_refundable",
            )
        charge_id = intent["latest_charge"]
    charge = store.get(str(charge_id), "charge", param="charge")
    if charge["status"] != "succeeded":
        raise invalid(
            f"Charge {charge_id} has not succeeded and cannot be refunded.",
            param="charge",
            code="charge_not_refundable",
        )
    return charge


def _refund(store: Store, charge: StripeObject, amount: int, reason: str | None) -> StripeObject:
    return {
        "id": store.new_id("re", 24),
        "object": "refund",
        "amount": amount,
        "balance_transaction": store.new_id("txn", 24),
        "charge": charge["id"],
        "created": store.now(),
        "currency": charge["currency"],
        "customer": charge["customer"],
        "customer_account": None,
        "destination_details": {
            "card": {
                "reference": store.random_secret(23),
                "reference_status": "available",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
            "type": "card",
        },
        "metadata": {},
        "payment_intent": charge["payment_intent"],
        "payment_method": charge["payment_method"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def _refunds_of(store: Store, charge_id: str) -> StripeObject:
    refunds = [r for r in store.all("refund") if r["charge"] == charge_id]
    return list_object(refunds, {}, f"/v1/charges/{charge_id}/refunds")
