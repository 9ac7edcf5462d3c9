"""SetupIntents: `/v1/setup_intents` (create, retrieve, confirm, cancel), saving a card for later payments.

Confirming checks the card as Stripe's test cards do: most are saved (and attached to the intent's
customer), 4000 0000 0000 0002 and …9995 are declined, 4000 0027 6000 3184 first needs 3-D Secure
(`authentication.py` completes or fails it).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from stripe_sandbox.resources.card_details import STRIPE_JS_PARAMS, card_from_details, unattached_card
from stripe_sandbox.resources.payment_methods import (
    attach_card,
    card_declined,
    declined_error,
    needs_authentication,
    setup_decline_code,
)
from stripe_sandbox.resources.payments import AUTHENTICATION_FAILED, authentication_action
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeError,
    StripeObject,
    get_dict,
    get_enum_list,
    get_str,
    invalid,
    reject_unknown,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

USAGES = ("off_session", "on_session")
_CONFIRMABLE = ("requires_payment_method", "requires_confirmation")
_CANCELABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CANCELLATION_REASONS = ("abandoned", "duplicate", "requested_by_customer")


def new_setup_intent(
    store: Store, *, customer: str | None, usage: str = "off_session", metadata: dict[str, str] | None = None
) -> StripeObject:
    """A SetupIntent waiting for a card, not stored."""
    intent_id = store.new_id("seti", 24)
    return {
        "id": intent_id,
        "object": "setup_intent",
        "application": None,
        "automatic_payment_methods": None,
        "cancellation_reason": None,
        "client_secret": f"{intent_id}_secret_{store.random_secret(32)}",
        "created": store.now(),
        "customer": customer,
        "description": None,
        "excluded_payment_method_types": None,
        "flow_directions": None,
        "last_setup_error": None,
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": dict(metadata or {}),
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {"mandate_options": None, "network": None, "request_three_d_secure": "automatic"}
        },
        "payment_method_types": ["card"],
        "single_use_mandate": None,
        "status": "requires_payment_method",
        "usage": usage,
    }


def _unexpected_state(intent: StripeObject, action: str) -> StripeError:
    return invalid(
        f"You cannot {action} this SetupIntent because it has a status of {intent['status']}.",
        code="setup_intent_unexpected_state",
    )


def succeed(store: Store, intent: StripeObject) -> None:
    """The card is saved: attached to the intent's customer, and the intent succeeded."""
    if intent["customer"] is not None:
        card = attach_card(store, intent["payment_method"], intent["customer"], param="payment_method")
        store.emit("payment_method.attached", card)
    intent.update(status="succeeded", next_action=None, last_setup_error=None)
    store.emit("setup_intent.succeeded", intent)


def fail(store: Store, intent: StripeObject, error: StripeObject) -> None:
    """Setting up the card failed: the intent waits for another payment method."""
    intent.update(
        status="requires_payment_method", payment_method=None, next_action=None, last_setup_error=error
    )
    store.emit("setup_intent.setup_failed", intent)


def authentication_failure(card: StripeObject | None) -> StripeObject:
    return {
        "code": "setup_intent_authentication_failure",
        "doc_url": "https://stripe.com/docs/error-codes/setup-intent-authentication-failure",
        "message": AUTHENTICATION_FAILED,
        "payment_method": copy.deepcopy(card),
        "type": "invalid_request_error",
    }


def _confirm(store: Store, intent: StripeObject, card: StripeObject) -> None:
    intent["payment_method"] = card["id"]
    declined = setup_decline_code(card)
    if declined is not None:
        fail(store, intent, declined_error(declined, card))
        raise card_declined(declined, payment_method=copy.deepcopy(card), setup_intent=copy.deepcopy(intent))
    if needs_authentication(card):
        intent.update(status="requires_action", next_action=authentication_action(intent))
        store.emit("setup_intent.requires_action", intent)
        return
    succeed(store, intent)


# -- endpoints ------------------------------------------------------------------------------------------


@router.post("/v1/setup_intents")
def create_setup_intent(call: Call) -> StripeObject:
    store, params = call.store, call.params
    reject_unknown(
        params,
        ("customer", "usage", "payment_method_types", "metadata", "description", "automatic_payment_methods"),
    )
    customer = get_str(params, "customer")
    if customer is not None:
        store.get(customer, "customer", param="customer")
    usage = get_str(params, "usage", choices=USAGES) or "off_session"
    get_enum_list(params, "payment_method_types", ("card",))
    intent = new_setup_intent(store, customer=customer, usage=usage, metadata=updated_metadata({}, params))
    intent["description"] = get_str(params, "description")
    automatic = get_dict(params, "automatic_payment_methods")
    if automatic is not None:
        reject_unknown(automatic, ("enabled", "allow_redirects"), prefix="automatic_payment_methods")
        intent["automatic_payment_methods"] = {"allow_redirects": "always", "enabled": True}
    store.add(intent)
    store.emit("setup_intent.created", intent)
    return intent


@router.get("/v1/setup_intents/{id}")
def retrieve_setup_intent(call: Call) -> StripeObject:
    reject_unknown(call.params, ("client_secret", *STRIPE_JS_PARAMS))
    return call.store.get(call["id"], "setup_intent", param="intent")


@router.post("/v1/setup_intents/{id}/confirm")
def confirm_setup_intent(call: Call) -> StripeObject:
    store, params = call.store, call.params
    reject_unknown(
        params,
        (
            *("payment_method", "payment_method_data", "return_url", "use_stripe_sdk", "mandate_data"),
            *("client_secret", *STRIPE_JS_PARAMS),
        ),
    )
    intent = store.get(call["id"], "setup_intent", param="intent")
    if intent["status"] not in _CONFIRMABLE:
        raise _unexpected_state(intent, "confirm")
    payment_method = get_str(params, "payment_method")
    data = get_dict(params, "payment_method_data")
    if (payment_method is None) == (data is None):
        raise invalid(
            "You must provide exactly one of `payment_method` or `payment_method_data`.",
            param="payment_method",
        )
    if data is not None:
        card = card_from_details(store, data, prefix="payment_method_data")
    else:
        card = unattached_card(store, payment_method or "", param="payment_method")
    _confirm(store, intent, card)
    return intent


@router.post("/v1/setup_intents/{id}/cancel")
def cancel_setup_intent(call: Call) -> StripeObject:
    store = call.store
    reject_unknown(call.params, ("cancellation_reason",))
    intent = store.get(call["id"], "setup_intent", param="intent")
    if intent["status"] not in _CANCELABLE:
        raise _unexpected_state(intent, "cancel")
    reason = get_str(call.params, "cancellation_reason", choices=CANCELLATION_REASONS)
    intent.update(status="canceled", cancellation_reason=reason, next_action=None)
    store.emit("setup_intent.canceled", intent)
    return intent
