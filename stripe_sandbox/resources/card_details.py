"""Cards from their details: `POST /v1/payment_methods` (what Stripe.js sends when a customer types a card)
and the `payment_method_data` of a confirmation. The number decides the brand and, as with Stripe's test
cards, how charges on the card go (`payment_methods.DECLINES_BY_LAST4`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_sandbox.resources.payment_methods import TEST_TOKENS, card_object
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    Params,
    StripeError,
    StripeObject,
    get_dict,
    get_int,
    get_str,
    reject_unknown,
    require_dict,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

# What Stripe.js adds to the requests it makes besides the card itself.
STRIPE_JS_PARAMS = ("key", "guid", "muid", "sid", "payment_user_agent", "time_on_page", "referrer")
_CARD_PARAMS = ("number", "exp_month", "exp_year", "cvc")
_BILLING_PARAMS = ("address", "email", "name", "phone")


def _brand(number: str) -> str:
    if number.startswith(("34", "37")):
        return "amex"
    if number.startswith(("51", "52", "53", "54", "55", "2")):
        return "mastercard"
    return "visa"


def _luhn_valid(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def _card_error(message: str, code: str, param: str) -> StripeError:
    return StripeError(402, message, type_="card_error", code=code, param=param)


def card_from_details(store: Store, data: Params, *, prefix: str | None = None) -> StripeObject:
    """A stored card, attached to nobody, from `type=card&card[number]=…` parameters (nested under
    `prefix`, such as `payment_method_data`, when given)."""

    def name(path: str) -> str:
        return f"{prefix}[{path}]" if prefix else path

    reject_unknown(data, ("type", "card", "billing_details", "allow_redisplay", "metadata"), prefix=prefix)
    get_str(data, "type", required=True, choices=("card",), param=name("type"))
    details = require_dict(data, "card", param=name("card"))
    reject_unknown(details, _CARD_PARAMS, prefix=name("card"))
    number = (get_str(details, "number", required=True, param=name("card][number")) or "").replace(" ", "")
    if not (number.isdigit() and 12 <= len(number) <= 19 and _luhn_valid(number)):
        raise _card_error("Your card number is incorrect.", "incorrect_number", "number")
    exp_month = get_int(details, "exp_month", required=True, param=name("card][exp_month")) or 0
    exp_year = get_int(details, "exp_year", required=True, param=name("card][exp_year")) or 0
    if exp_year < 100:
        exp_year += 2000
    if not 1 <= exp_month <= 12:
        raise _card_error("Your card's expiration month is invalid.", "invalid_expiry_month", "exp_month")
    if exp_year < 2026:
        raise _card_error("Your card's expiration year is in the past.", "invalid_expiry_year", "exp_year")
    card = card_object(
        store, customer=None, brand=_brand(number), last4=number[-4:], exp_month=exp_month, exp_year=exp_year
    )
    billing = get_dict(data, "billing_details", param=name("billing_details")) or {}
    reject_unknown(billing, _BILLING_PARAMS, prefix=name("billing_details"))
    for field in ("email", "name", "phone"):
        if field in billing:
            card["billing_details"][field] = get_str(billing, field, param=name(f"billing_details][{field}"))
    address = get_dict(billing, "address", param=name("billing_details][address")) or {}
    for field, value in address.items():
        if field in card["billing_details"]["address"]:
            card["billing_details"]["address"][field] = value or None
    return store.add(card)


def unattached_card(store: Store, payment_method: str, *, param: str) -> StripeObject:
    """A stored card for `payment_method`: a test token makes a fresh one, attached to nobody."""
    token = TEST_TOKENS.get(payment_method)
    if token is None:
        return store.get(payment_method, "payment_method", param=param)
    return store.add(
        card_object(store, customer=None, brand=token.brand, last4=token.last4, exp_month=12, exp_year=2030)
    )


@router.post("/v1/payment_methods")
def create_payment_method(call: Call) -> StripeObject:
    params = {k: v for k, v in call.params.items() if k not in (*STRIPE_JS_PARAMS, "expand")}
    return card_from_details(call.store, params)
