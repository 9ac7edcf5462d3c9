"""Card payment methods: `/v1/payment_methods` (attach, detach) and `/v1/customers/{id}/payment_methods`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stripe_sandbox.store import Store
    from stripe_sandbox.wire import StripeObject


@dataclass(frozen=True)
class TestCard:
    brand: str
    last4: str


# Stripe's test payment method tokens; attaching one creates a fresh card for the customer.
TEST_TOKENS = {
    "pm_card_visa": TestCard("visa", "4242"),
    "pm_card_mastercard": TestCard("mastercard", "4444"),
    "pm_card_amex": TestCard("amex", "0005"),
    "pm_card_visa_chargeDeclined": TestCard("visa", "0341"),
    "pm_card_chargeDeclinedInsufficientFunds": TestCard("visa", "9995"),
}

# As with Stripe's test card numbers, the number decides what a charge does: these attach, then decline.
DECLINES_BY_LAST4 = {"0341": "generic_decline", "9995": "insufficient_funds"}

_DISPLAY_BRAND = {"amex": "american_express"}


def decline_code(payment_method: StripeObject) -> str | None:
    """The decline a charge on this card meets, or None when it goes through."""
    card = payment_method.get("card") or {}
    return DECLINES_BY_LAST4.get(card.get("last4", ""))


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
    if customer is not None:
        store.get(customer, "customer", param="customer")
    card: StripeObject = {
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
        "created": created if created is not None else store.now(),
        "customer": customer,
        "customer_account": None,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }
    store.add(card)
    if customer is not None:
        store.emit("payment_method.attached", card)
    return card


def _fingerprint(brand: str, last4: str, exp_month: int, exp_year: int) -> str:
    # Stable per card number, as Stripe's is, so the same test card always has the same fingerprint.
    digest = hashlib.sha256(f"{brand}:{last4}:{exp_month}:{exp_year}".encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:16])
