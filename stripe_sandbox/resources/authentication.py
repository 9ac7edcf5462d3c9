"""3-D Secure and confirming a PaymentIntent in the browser: `POST /v1/payment_intents/{id}/confirm`, and
completing or failing the authentication an intent in `requires_action` waits for, as Stripe's test page
does (the sandbox's `/_sandbox/authenticate` knob). An invoice's PaymentIntent that succeeds pays it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_sandbox.resources import invoice_payments, invoices, payments, setup_intents
from stripe_sandbox.resources.card_details import STRIPE_JS_PARAMS, card_from_details, unattached_card
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeError,
    StripeObject,
    get_bool,
    get_dict,
    get_str,
    invalid,
    reject_unknown,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

_CONFIRMABLE = ("requires_payment_method", "requires_confirmation")


def _waiting(store: Store, intent_id: str) -> StripeObject:
    intent = store.find(intent_id)
    if intent is None or intent.get("object") not in ("setup_intent", "payment_intent"):
        raise invalid(f"No such intent: '{intent_id}'", param="intent", code="resource_missing")
    if intent["status"] != "requires_action":
        raise invalid(f"The intent '{intent_id}' is {intent['status']}, not waiting for authentication.")
    return intent


def complete_authentication(store: Store, intent_id: str) -> StripeObject:
    """The customer passed 3-D Secure: the card is saved, or charged (a decline stays a decline)."""
    intent = _waiting(store, intent_id)
    if intent["object"] == "setup_intent":
        setup_intents.succeed(store, intent)
        return intent
    card = store.get(intent["payment_method"], "payment_method", param="payment_method")
    try:
        payments.settle(store, intent, card, store.now())
    except StripeError:
        _invoice_failed(store, intent_id)
        return intent
    _invoice_paid(store, intent)
    return intent


def fail_authentication(store: Store, intent_id: str) -> StripeObject:
    """The customer failed (or closed) 3-D Secure: the intent waits for another payment method."""
    intent = _waiting(store, intent_id)
    if intent["object"] == "setup_intent":
        card = store.find(intent["payment_method"] or "")
        setup_intents.fail(store, intent, setup_intents.authentication_failure(card))
        return intent
    payments.fail_authentication(store, intent)
    _invoice_failed(store, intent_id)
    return intent


def _invoice_paid(store: Store, intent: StripeObject) -> None:
    invoice = invoice_payments.invoice_paid_by(store, intent["id"])
    if invoice is not None:
        invoices.paid_later(store, invoice, intent)


def _invoice_failed(store: Store, intent_id: str) -> None:
    invoice = invoice_payments.invoice_paid_by(store, intent_id)
    if invoice is not None:
        invoices.payment_failed(store, invoice)


@router.post("/v1/payment_intents/{id}/confirm")
def confirm_payment_intent(call: Call) -> StripeObject:
    store, params = call.store, call.params
    reject_unknown(
        params,
        (
            *("payment_method", "payment_method_data", "return_url", "use_stripe_sdk", "off_session"),
            *("setup_future_usage", "client_secret", *STRIPE_JS_PARAMS),
        ),
    )
    intent = store.get(call["id"], "payment_intent", param="intent")
    if intent["status"] not in _CONFIRMABLE:
        raise invalid(
            f"You cannot confirm this PaymentIntent because it has a status of {intent['status']}.",
            code="payment_intent_unexpected_state",
        )
    data = get_dict(params, "payment_method_data")
    if data is not None:
        card = card_from_details(store, data, prefix="payment_method_data")
    else:
        chosen = get_str(params, "payment_method") or intent["payment_method"]
        if chosen is None:
            raise invalid(
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                code="payment_intent_unexpected_state",
            )
        card = unattached_card(store, chosen, param="payment_method")
    off_session = bool(get_bool(params, "off_session"))
    try:
        payments.confirm(store, intent, card["id"], store.now(), off_session=off_session)
    except payments.RequiresAction as action:
        if action.off_session:
            raise
        return intent  # on session, Stripe.js runs the next action
    except StripeError:
        _invoice_failed(store, intent["id"])
        raise
    _invoice_paid(store, intent)
    return intent
