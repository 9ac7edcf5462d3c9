"""The catalog: `/v1/products` and `/v1/prices`."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from stripe_sandbox.wire import StripeObject, invalid

if TYPE_CHECKING:
    from stripe_sandbox.store import Store


def new_product(
    store: Store,
    *,
    name: str,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    created: int | None = None,
) -> StripeObject:
    at = created if created is not None else store.now()
    product: StripeObject = {
        "id": store.new_id("prod"),
        "object": "product",
        "active": True,
        "created": at,
        "default_price": None,
        "description": description,
        "images": [],
        "livemode": False,
        "marketing_features": [],
        "metadata": dict(metadata or {}),
        "name": name,
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "type": "service",
        "unit_label": None,
        "updated": at,
        "url": None,
    }
    store.add(product)
    store.emit("product.created", product)
    return product


def new_price(
    store: Store,
    *,
    product: str,
    unit_amount: int,
    currency: str,
    interval: str | None = None,
    interval_count: int = 1,
    lookup_key: str | None = None,
    nickname: str | None = None,
    created: int | None = None,
) -> StripeObject:
    owner = store.get(product, "product", param="product")
    if lookup_key is not None:
        taken = next((p for p in store.iter_type("price") if p["lookup_key"] == lookup_key), None)
        if taken is not None:
            raise invalid(f"A price (`{taken['id']}`) already uses that lookup key.", param="lookup_key")
    price: StripeObject = {
        "id": store.new_id("price", 24),
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": created if created is not None else store.now(),
        "currency": currency.lower(),
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": lookup_key,
        "metadata": {},
        "nickname": nickname,
        "product": product,
        "recurring": None,
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "one_time",
        "unit_amount": unit_amount,
        "unit_amount_decimal": str(unit_amount),
    }
    if interval is not None:
        price["type"] = "recurring"
        price["recurring"] = {
            "interval": interval,
            "interval_count": interval_count,
            "meter": None,
            "trial_period_days": None,
            "usage_type": "licensed",
        }
    store.add(price)
    store.emit("price.created", price)
    if owner["default_price"] is None:
        before = copy.deepcopy(owner)
        owner["default_price"] = price["id"]
        owner["updated"] = store.now()
        store.emit_changes("product.updated", before, owner)
    return price
