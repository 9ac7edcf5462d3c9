"""Customers: `/v1/customers`, with the `subscriptions` includable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stripe_sandbox.store import Store
    from stripe_sandbox.wire import StripeObject

ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")


def normalize_address(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Stripe's address hash: every field present, the ones not given null."""
    if value is None:
        return None
    return {name: value.get(name) or None for name in ADDRESS_FIELDS}


def new_customer(
    store: Store,
    *,
    email: str | None,
    name: str | None,
    phone: str | None = None,
    address: dict[str, Any] | None = None,
    currency: str | None = None,
    metadata: dict[str, str] | None = None,
    preferred_locales: list[str] | None = None,
    created: int | None = None,
) -> StripeObject:
    customer: StripeObject = {
        "id": store.new_id("cus"),
        "object": "customer",
        "address": normalize_address(address),
        "balance": 0,
        "created": created if created is not None else store.now(),
        "currency": currency,
        "default_source": None,
        "delinquent": False,
        "description": None,
        "discount": None,
        "email": email,
        "invoice_prefix": store.random_secret(8).upper(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": dict(metadata or {}),
        "name": name,
        "next_invoice_sequence": 1,
        "phone": phone,
        "preferred_locales": list(preferred_locales or []),
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }
    store.add(customer)
    store.emit("customer.created", customer)
    return customer
