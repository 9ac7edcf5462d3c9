"""Card payment methods: `/v1/payment_methods` (attach, detach) and `/v1/customers/{id}/payment_methods`."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeError,
    StripeObject,
    get_str,
    invalid,
    list_object,
    missing,
    reject_unknown,
    require_str,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store


@dataclass(frozen=True)
class TestCard:
    brand: str
    last4: str


# Stripe's test payment method tokens; attaching one creates a fresh card for the customer.
TEST_TOKENS = {
    "pm_card_visa": TestCard("visa", "4242"),
    "pm_card_mastercard": TestCard("mastercard", "4444"),
    "pm_card_amex": TestCard("amex", "0005"),
    "pm_card_chargeCustomerFail": TestCard("visa", "0341"),
    "pm_card_visa_chargeDeclined": TestCard("visa", "0002"),
    "pm_card_chargeDeclined": TestCard("visa", "0002"),
    "pm_card_visa_chargeDeclinedInsufficientFunds": TestCard("visa", "9995"),
    "pm_card_chargeDeclinedInsufficientFunds": TestCard("visa", "9995"),
    "pm_card_authenticationRequired": TestCard("visa", "3184"),
}

# As with Stripe's test card numbers, the number decides what a charge does.
DECLINES_BY_LAST4 = {"0002": "generic_decline", "0341": "generic_decline", "9995": "insufficient_funds"}
# Saving a card for later (attaching it, or a SetupIntent) checks it with the issuer: these decline there
# already, while 0341 is saved and declines only when charged.
SETUP_DECLINES_BY_LAST4 = {"0002": "generic_decline", "9995": "insufficient_funds"}
# 4000 0027 6000 3184: 3-D Secure on every payment and setup, however it was saved.
AUTHENTICATION_REQUIRED_LAST4 = frozenset({"3184"})

_DISPLAY_BRAND = {"amex": "american_express"}

# What Stripe tells the customer and the merchant about each decline it simulates.
DECLINE_MESSAGES = {
    "generic_decline": (
        "Your card was declined.",
        "The bank did not return any further details with this decline.",
    ),
    "insufficient_funds": (
        "Your card has insufficient funds.",
        "The bank returned the decline code `insufficient_funds`.",
    ),
}


def declined_error(declined: str, card: StripeObject) -> StripeObject:
    """The error object of a decline (`declined`, a key of `DECLINE_MESSAGES`), as an intent keeps it."""
    return {
        "code": "card_declined",
        "decline_code": declined,
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": DECLINE_MESSAGES[declined][0],
        "payment_method": copy.deepcopy(card),
        "type": "card_error",
    }


def card_declined(declined: str, **named: Any) -> StripeError:
    """Stripe's 402 for a decline, with the objects the error names (the card, the intent, the charge)."""
    return StripeError(
        402,
        DECLINE_MESSAGES[declined][0],
        type_="card_error",
        code="card_declined",
        decline_code=declined,
        **named,
    )


def decline_code(payment_method: StripeObject) -> str | None:
    """The decline a charge on this card meets, or None when it goes through."""
    card = payment_method.get("card") or {}
    return DECLINES_BY_LAST4.get(card.get("last4", ""))


def setup_decline_code(payment_method: StripeObject) -> str | None:
    """The decline saving this card for later meets, or None when it is saved."""
    card = payment_method.get("card") or {}
    return SETUP_DECLINES_BY_LAST4.get(card.get("last4", ""))


def needs_authentication(payment_method: StripeObject) -> bool:
    card = payment_method.get("card") or {}
    return card.get("last4", "") in AUTHENTICATION_REQUIRED_LAST4


def new_card(
    store: Store,
    *,
    customer: str | None = None,
    brand: str = "visa",
    last4: str = "4242",
    exp_month: int = 12,
    exp_year: int = 2030,
    created: int | None = None,
) -> StripeObject:
    """Store a card, attached to `customer` when given (emitting `payment_method.attached`). Its last four
    digits decide how charges on it go, as with Stripe's test cards (see `DECLINES_BY_LAST4`)."""
    if customer is not None:
        store.get(customer, "customer", param="customer")
    card = card_object(
        store, customer=customer, brand=brand, last4=last4, exp_month=exp_month, exp_year=exp_year
    )
    if created is not None:
        card["created"] = created
    store.add(card)
    if customer is not None:
        store.emit("payment_method.attached", card)
    return card


def card_object(
    store: Store, *, customer: str | None, brand: str, last4: str, exp_month: int, exp_year: int
) -> StripeObject:
    return {
        "id": store.new_id("pm", 24),
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {
            "address": {
                "city": None,
                "country": None,
                "line1": None,
                "line2": None,
                "postal_code": None,
                "state": None,
            },
            "email": None,
            "name": None,
            "phone": None,
            "tax_id": None,
        },
        "card": {
            "brand": brand,
            "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
            "country": "US",
            "display_brand": _DISPLAY_BRAND.get(brand, brand),
            "exp_month": exp_month,
            "exp_year": exp_year,
            "fingerprint": _fingerprint(brand, last4, exp_month, exp_year),
            "funding": "credit",
            "generated_from": None,
            "last4": last4,
            "networks": {"available": [brand], "preferred": None},
            "regulated_status": "unregulated",
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
        },
        "created": store.now(),
        "customer": customer,
        "customer_account": None,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }


def _fingerprint(brand: str, last4: str, exp_month: int, exp_year: int) -> str:
    # Stable per card number, as Stripe's is, so the same test card always has the same fingerprint.
    digest = hashlib.sha256(f"{brand}:{last4}:{exp_month}:{exp_year}".encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:16])


# -- endpoints ------------------------------------------------------------------------------------------

_TYPES = ("card",)


def check_attachable(store: Store, payment_method: str, customer: str | None, *, param: str) -> None:
    """Raise Stripe's error unless `payment_method` (a card or test token) can be attached to `customer`:
    attaching checks the card with its issuer, so a card that declines when saved is refused (402)."""
    token = TEST_TOKENS.get(payment_method)
    if token is not None:
        last4 = token.last4
    else:
        card = store.get(payment_method, "payment_method", param=param)
        if card["customer"] is not None and card["customer"] != customer:
            raise invalid(
                "The payment method you provided has already been attached to a customer.", param=param
            )
        last4 = card["card"]["last4"]
    declined = SETUP_DECLINES_BY_LAST4.get(last4)
    if declined is not None:
        raise card_declined(declined)


def attach_card(store: Store, payment_method: str, customer: str, *, param: str) -> StripeObject:
    """Attach a card or test token to a customer, without emitting: the caller emits once it is done."""
    store.get(customer, "customer", param="customer")
    check_attachable(store, payment_method, customer, param=param)
    token = TEST_TOKENS.get(payment_method)
    if token is not None:
        card = card_object(
            store, customer=customer, brand=token.brand, last4=token.last4, exp_month=12, exp_year=2030
        )
        return store.add(card)
    card = store.get(payment_method, "payment_method", param=param)
    card["customer"] = customer
    return card


@router.post("/v1/payment_methods/{id}/attach")
def attach(call: Call) -> StripeObject:
    reject_unknown(call.params, ("customer",))
    customer = require_str(call.params, "customer")
    existing = call.store.find(call["id"])
    card = attach_card(call.store, call["id"], customer, param="payment_method")
    if (
        existing is None or existing["customer"] != customer
    ):  # re-attaching to the same customer changes nothing
        call.store.emit("payment_method.attached", card)
    return card


@router.post("/v1/payment_methods/{id}/detach")
def detach(call: Call) -> StripeObject:
    reject_unknown(call.params, ())
    store = call.store
    card = store.get(call["id"], "payment_method", param="payment_method")
    owner_id = card["customer"]
    if owner_id is None:
        raise invalid(
            "The payment method you provided is not attached to a customer so detachment is impossible.",
            param="payment_method",
        )
    card["customer"] = None
    store.emit("payment_method.detached", card, {"customer": owner_id})
    owner = store.find(owner_id)
    if owner is not None and owner["invoice_settings"]["default_payment_method"] == card["id"]:
        before = copy.deepcopy(owner)
        owner["invoice_settings"]["default_payment_method"] = None
        store.emit_changes("customer.updated", before, owner)
    return card


@router.get("/v1/payment_methods/{id}")
def retrieve(call: Call) -> StripeObject:
    return call.store.get(call["id"], "payment_method", param="payment_method")


@router.get("/v1/payment_methods")
def list_payment_methods(call: Call) -> StripeObject:
    reject_unknown(call.params, ("customer", "ending_before", "limit", "starting_after", "type"))
    customer = get_str(call.params, "customer")
    if customer is not None:
        call.store.get(customer, "customer", param="customer")
    return _list(call, customer, "/v1/payment_methods")


@router.get("/v1/customers/{id}/payment_methods")
def list_customer_payment_methods(call: Call) -> StripeObject:
    reject_unknown(call.params, ("allow_redisplay", "ending_before", "limit", "starting_after", "type"))
    customer = call.store.get(call["id"], "customer", param="customer")["id"]
    return _list(call, customer, f"/v1/customers/{customer}/payment_methods")


@router.get("/v1/customers/{customer}/payment_methods/{id}")
def retrieve_customer_payment_method(call: Call) -> StripeObject:
    call.store.get(call["customer"], "customer", param="customer")
    card = call.store.get(call["id"], "payment_method", param="payment_method")
    if card["customer"] != call["customer"]:
        raise missing("PaymentMethod", call["id"], param="payment_method")
    return card


def _list(call: Call, customer: str | None, url: str) -> StripeObject:
    kind = get_str(call.params, "type", choices=_TYPES)
    cards = call.store.all("payment_method")
    return list_object(
        cards,
        call.params,
        url,
        where=lambda c: (
            (customer is None or c["customer"] == customer) and (kind is None or c["type"] == kind)
        ),
    )
