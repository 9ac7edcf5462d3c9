"""Payments: `/v1/payment_intents` and `/v1/charges`, and the `charge` builder that moves money."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from stripe_sandbox.resources.card_details import STRIPE_JS_PARAMS
from stripe_sandbox.resources.payment_methods import (
    DECLINE_MESSAGES,
    card_declined,
    decline_code,
    declined_error,
    needs_authentication,
)
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import StripeError, StripeObject, get_range, get_str, list_object, reject_unknown

if TYPE_CHECKING:
    from collections.abc import Callable

    from stripe_sandbox.store import Store

AUTHENTICATION_FAILED = (
    "We are unable to authenticate your payment method. Please choose a different payment method and try "
    "again."
)


def authentication_action(intent: StripeObject) -> StripeObject:
    """The `next_action` of an intent waiting for 3-D Secure, as Stripe.js reads it. `stripe_js` is the
    sandbox's test page (relative to the sandbox's origin), where the customer completes or fails it."""
    return {
        "type": "use_stripe_sdk",
        "use_stripe_sdk": {
            "type": "three_d_secure_redirect",
            "stripe_js": f"/_sandbox/authenticate?intent={intent['id']}",
            "source": f"src_{intent['id'].split('_', 1)[1]}",
        },
    }


def charge(
    store: Store,
    *,
    customer: str,
    amount: int,
    currency: str,
    payment_method: str,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    created: int | None = None,
) -> tuple[StripeObject, StripeObject]:
    """Confirm a new PaymentIntent for `amount` on a card: returns (payment_intent, charge) or raises the 402
    card error Stripe answers with, after recording the failed attempt as Stripe does."""
    store.get(customer, "customer", param="customer")
    store.get(payment_method, "payment_method", param="payment_method")
    at = created if created is not None else store.now()
    intent = _payment_intent(
        store,
        customer=customer,
        amount=amount,
        currency=currency,
        payment_method=payment_method,
        description=description,
        metadata=metadata,
        at=at,
    )
    store.add(intent)
    store.emit("payment_intent.created", intent)
    return confirm(store, intent, payment_method, at, off_session=True)


def confirm(
    store: Store, intent: StripeObject, payment_method: str, at: int, *, off_session: bool
) -> tuple[StripeObject, StripeObject]:
    """Confirm `intent` with a card: (payment_intent, charge) when it goes through. A card that needs
    3-D Secure leaves the intent in `requires_action` (raising `authentication_required` off session, as
    Stripe does; on session the caller answers with the intent); a decline raises Stripe's 402."""
    card = store.get(payment_method, "payment_method", param="payment_method")
    intent["payment_method"] = payment_method
    if needs_authentication(card):
        intent.update(
            status="requires_action", next_action=authentication_action(intent), last_payment_error=None
        )
        store.emit("payment_intent.requires_action", intent)
        raise RequiresAction(intent, card, off_session=off_session)
    return settle(store, intent, card, at)


def settle(
    store: Store, intent: StripeObject, card: StripeObject, at: int
) -> tuple[StripeObject, StripeObject]:
    """Charge the card for the intent (after any authentication): the charge, or the decline raised."""
    declined = decline_code(card)
    result = _charge(store, intent, card, at, declined)
    store.add(result)
    intent.update(latest_charge=result["id"], next_action=None)
    if declined is None:
        intent.update(status="succeeded", amount_received=intent["amount"], last_payment_error=None)
        store.emit("charge.succeeded", result)
        store.emit("payment_intent.succeeded", intent)
        return intent, result
    error = {"charge": result["id"], **declined_error(declined, card)}
    # A declined confirmation leaves the intent waiting for another payment method.
    intent.update(status="requires_payment_method", payment_method=None, last_payment_error=error)
    store.emit("charge.failed", result)
    store.emit("payment_intent.payment_failed", intent)
    raise card_declined(
        declined,
        charge=result["id"],
        payment_intent=copy.deepcopy(intent),
        payment_method=copy.deepcopy(card),
    )


def fail_authentication(store: Store, intent: StripeObject) -> None:
    """The customer failed (or abandoned) 3-D Secure: the intent waits for another payment method."""
    card = store.find(intent["payment_method"] or "")
    intent.update(
        status="requires_payment_method",
        payment_method=None,
        next_action=None,
        last_payment_error={
            "code": "payment_intent_authentication_failure",
            "doc_url": "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
            "message": AUTHENTICATION_FAILED,
            "payment_method": copy.deepcopy(card),
            "type": "invalid_request_error",
        },
    )
    store.emit("payment_intent.payment_failed", intent)


class RequiresAction(StripeError):  # noqa: N818 - named as Stripe names the status
    """A card that needs 3-D Secure: off session the 402 Stripe answers; on session the caller catches it
    and answers with the intent in `requires_action`."""

    def __init__(self, intent: StripeObject, card: StripeObject, *, off_session: bool) -> None:
        super().__init__(
            402,
            "Your card was declined. This transaction requires authentication.",
            type_="card_error",
            code="authentication_required",
            decline_code="authentication_required",
            payment_intent=copy.deepcopy(intent),
            payment_method=copy.deepcopy(card),
        )
        self.intent = intent
        self.off_session = off_session


def _payment_intent(
    store: Store,
    *,
    customer: str,
    amount: int,
    currency: str,
    payment_method: str,
    description: str | None,
    metadata: dict[str, str] | None,
    at: int,
) -> StripeObject:
    intent_id = store.new_id("pi", 24)
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_{store.random_secret(25)}",
        "confirmation_method": "automatic",
        "created": at,
        "currency": currency.lower(),
        "customer": customer,
        "customer_account": None,
        "description": description,
        "excluded_payment_method_types": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "managed_payments": None,
        "metadata": dict(metadata or {}),
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": payment_method,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        "payment_method_types": ["card"],
        "processing": None,
        "receipt_email": None,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "requires_confirmation",
        "transfer_data": None,
        "transfer_group": None,
    }


def _charge(
    store: Store, intent: StripeObject, card: StripeObject, at: int, declined: str | None
) -> StripeObject:
    charge_id = store.new_id("ch", 24)
    amount = intent["amount"]
    details = card["card"]
    succeeded = declined is None
    customer_message, seller_message = DECLINE_MESSAGES.get(declined or "", (None, "Payment complete."))
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount if succeeded else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": store.new_id("txn", 24) if succeeded else None,
        "billing_details": copy.deepcopy(card["billing_details"]),
        "calculated_statement_descriptor": "PORTALQL SANDBOX",
        "captured": succeeded,
        "created": at,
        "currency": intent["currency"],
        "customer": intent["customer"],
        "description": intent["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None if succeeded else "card_declined",
        "failure_message": customer_message,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "on_behalf_of": None,
        "outcome": {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "approved_by_network" if succeeded else "declined_by_network",
            "reason": declined,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": seller_message,
            "type": "authorized" if succeeded else "issuer_declined",
        },
        "paid": succeeded,
        "payment_intent": intent["id"],
        "payment_method": card["id"],
        "payment_method_details": {
            "card": {
                "amount_authorized": amount if succeeded else None,
                "authorization_code": store.random_secret(6).upper() if succeeded else None,
                "brand": details["brand"],
                "checks": copy.deepcopy(details["checks"]),
                "country": details["country"],
                "exp_month": details["exp_month"],
                "exp_year": details["exp_year"],
                "extended_authorization": {"status": "disabled"},
                "fingerprint": details["fingerprint"],
                "funding": details["funding"],
                "incremental_authorization": {"status": "unavailable"},
                "installments": None,
                "last4": details["last4"],
                "mandate": None,
                "multicapture": {"status": "unavailable"},
                "network": details["brand"],
                "network_token": {"used": False},
                "network_transaction_id": store.random_secret(15) if succeeded else None,
                "overcapture": {"maximum_amount_capturable": amount, "status": "unavailable"},
                "regulated_status": details["regulated_status"],
                "three_d_secure": None,
                "wallet": None,
            },
            "type": "card",
        },
        "receipt_email": None,
        "receipt_number": None,
        "receipt_url": f"https://pay.stripe.com/receipts/payment/{store.random_secret(48)}",
        "refunded": False,
        "refunds": {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/charges/{charge_id}/refunds",
        },
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "succeeded" if succeeded else "failed",
        "transfer_data": None,
        "transfer_group": None,
    }


# -- endpoints ------------------------------------------------------------------------------------------

_LIST_PARAMS = ("created", "customer", "ending_before", "limit", "starting_after")


@router.get("/v1/payment_intents/{id}")
def retrieve_payment_intent(call: Call) -> StripeObject:
    reject_unknown(call.params, ("client_secret", *STRIPE_JS_PARAMS))
    return call.store.get(call["id"], "payment_intent", param="intent")


@router.get("/v1/payment_intents")
def list_payment_intents(call: Call) -> StripeObject:
    reject_unknown(call.params, _LIST_PARAMS)
    return _list(call, "payment_intent", "/v1/payment_intents")


@router.get("/v1/charges/{id}")
def retrieve_charge(call: Call) -> StripeObject:
    return call.store.get(call["id"], "charge", param="charge")


@router.get("/v1/charges")
def list_charges(call: Call) -> StripeObject:
    reject_unknown(call.params, (*_LIST_PARAMS, "payment_intent", "transfer_group"))
    intent = get_str(call.params, "payment_intent")
    return _list(call, "charge", "/v1/charges", lambda c: intent is None or c["payment_intent"] == intent)


def _list(
    call: Call, object_type: str, url: str, also: Callable[[StripeObject], bool] | None = None
) -> StripeObject:
    customer = get_str(call.params, "customer")
    created = get_range(call.params, "created")
    return list_object(
        call.store.all(object_type),
        call.params,
        url,
        where=lambda o: (
            (customer is None or o["customer"] == customer)
            and (created is None or created(o["created"]))
            and (also is None or also(o))
        ),
    )
