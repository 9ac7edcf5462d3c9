"""Publishable keys (`pk_test_…`): what Stripe.js may call with one, and nothing else.

A browser holds only the publishable key and an intent's `client_secret`. As on Stripe, such a key creates
payment methods and retrieves and confirms the intent whose client secret it presents; every other call is
refused, and an intent asked for without its secret (or with another's) is not handed out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_sandbox.wire import StripeError, get_str, invalid

if TYPE_CHECKING:
    from stripe_sandbox.store import Store
    from stripe_sandbox.wire import Params

PREFIX = "pk_test_"

# Each endpoint Stripe.js calls, by its call name, and the intent type whose client secret it must present.
ENDPOINTS: dict[str, str | None] = {
    "POST /v1/payment_methods": None,
    "GET /v1/setup_intents/{id}": "setup_intent",
    "POST /v1/setup_intents/{id}/confirm": "setup_intent",
    "GET /v1/payment_intents/{id}": "payment_intent",
    "POST /v1/payment_intents/{id}/confirm": "payment_intent",
}


def check(store: Store, call_name: str, path_params: dict[str, str], params: Params) -> None:
    """Raise Stripe's error unless a publishable key may make this call."""
    if call_name not in ENDPOINTS:
        raise StripeError(
            401,
            "This API call cannot be made with a publishable API key. Please use a secret API key. You can "
            "find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
        )
    intent_type = ENDPOINTS[call_name]
    if intent_type is None:
        return
    intent = store.find(path_params["id"])
    presented = get_str(params, "client_secret")
    if intent is None or intent.get("object") != intent_type or presented != intent["client_secret"]:
        name = "SetupIntent" if intent_type == "setup_intent" else "PaymentIntent"
        raise invalid(
            f"The client_secret provided does not match any associated {name} on this account. Ensure the "
            f"publishable key used belongs to the same account that created the {name}.",
            param="client_secret",
        )
