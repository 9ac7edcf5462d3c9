"""The catalog: `/v1/products` and `/v1/prices`."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from stripe_sandbox.resources import meters
from stripe_sandbox.routing import Call, router
from stripe_sandbox.store import includable
from stripe_sandbox.wire import (
    Params,
    StripeObject,
    get_bool,
    get_dict,
    get_int,
    get_list,
    get_range,
    get_str,
    invalid,
    list_object,
    reject_unknown,
    require_int,
    require_str,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store


def new_product(
    store: Store,
    *,
    name: str,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    created: int | None = None,
    active: bool = True,
    unit_label: str | None = None,
) -> StripeObject:
    """Store a product (no default price yet) and emit `product.created`."""
    at = created if created is not None else store.now()
    product: StripeObject = {
        "id": store.new_id("prod"),
        "object": "product",
        "active": active,
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
        "unit_label": unit_label,
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
    metadata: dict[str, str] | None = None,
    active: bool = True,
    meter: str | None = None,
    tiers: list[StripeObject] | None = None,
    tiers_mode: str | None = None,
) -> StripeObject:
    """Store a price (recurring when `interval` is given; metered on `meter`; tiered with `tiers`) and emit
    `price.created`; the product's first price becomes its `default_price`. A lookup key already in use is
    refused, as Stripe does."""
    owner = store.get(product, "product", param="product")
    if lookup_key is not None:
        taken = next((p for p in store.iter_type("price") if p["lookup_key"] == lookup_key), None)
        if taken is not None:
            raise invalid(f"A price (`{taken['id']}`) already uses that lookup key.", param="lookup_key")
    price: StripeObject = {
        "id": store.new_id("price", 24),
        "object": "price",
        "active": active,
        "billing_scheme": "tiered" if tiers else "per_unit",
        "created": created if created is not None else store.now(),
        "currency": currency.lower(),
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": lookup_key,
        "metadata": dict(metadata or {}),
        "nickname": nickname,
        "product": product,
        "recurring": None,
        "tax_behavior": "unspecified",
        "tiers_mode": tiers_mode if tiers else None,
        "transform_quantity": None,
        "type": "one_time",
        "unit_amount": None if tiers else unit_amount,
        "unit_amount_decimal": None if tiers else str(unit_amount),
    }
    if interval is not None:
        price["type"] = "recurring"
        price["recurring"] = {
            "interval": interval,
            "interval_count": interval_count,
            "meter": meter,
            "trial_period_days": None,
            "usage_type": "licensed" if meter is None else "metered",
        }
    store.add(price)
    if tiers:
        meters.store_tiers(store, price, tiers)
    store.emit("price.created", price)
    if owner["default_price"] is None:
        before = copy.deepcopy(owner)
        owner["default_price"] = price["id"]
        owner["updated"] = store.now()
        store.emit_changes("product.updated", before, owner)
    return price


# -- products -------------------------------------------------------------------------------------------

MAX_LOOKUP_KEYS = 10
INTERVALS = ("day", "week", "month", "year")


@router.post("/v1/products")
def create_product(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("active", "description", "metadata", "name", "unit_label"))
    name = require_str(params, "name")
    return new_product(
        call.store,
        name=name,
        description=get_str(params, "description") or None,
        metadata=updated_metadata({}, params),
        active=get_bool(params, "active") is not False,
        unit_label=get_str(params, "unit_label") or None,
    )


@router.get("/v1/products/{id}")
def retrieve_product(call: Call) -> StripeObject:
    return call.store.get(call["id"], "product")


@router.post("/v1/products/{id}")
def update_product(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("active", "default_price", "description", "metadata", "name", "unit_label"))
    stored = call.store.get(call["id"], "product")
    product = copy.deepcopy(stored)
    if "unit_label" in params:
        product["unit_label"] = get_str(params, "unit_label") or None
    if "name" in params:
        product["name"] = get_str(params, "name", required=True)
    if "description" in params:
        product["description"] = get_str(params, "description") or None
    active = get_bool(params, "active")
    if active is not None:
        product["active"] = active
    if "default_price" in params:
        price_id = get_str(params, "default_price") or None
        if price_id is not None:
            price = call.store.get(price_id, "price", param="default_price")
            if price["product"] != product["id"]:
                raise invalid(
                    f"The price `{price_id}` does not belong to product `{product['id']}`.",
                    param="default_price",
                )
        product["default_price"] = price_id
    product["metadata"] = updated_metadata(product["metadata"], params)
    if product != stored:
        product["updated"] = call.store.now()
    return call.store.save_changes("product.updated", stored, product)


@router.get("/v1/products")
def list_products(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("active", "created", "ending_before", "ids", "limit", "starting_after"))
    active = get_bool(params, "active")
    created = get_range(params, "created")
    ids = get_list(params, "ids")
    if ids is not None and ("starting_after" in params or "ending_before" in params):
        raise invalid("You cannot use `ids` with `starting_after` or `ending_before`.", param="ids")
    wanted = {str(i) for i in ids} if ids is not None else None
    return list_object(
        call.store.all("product"),
        params,
        "/v1/products",
        where=lambda p: (
            (active is None or p["active"] == active)
            and (wanted is None or p["id"] in wanted)
            and (created is None or created(p["created"]))
        ),
    )


# -- prices ---------------------------------------------------------------------------------------------


@router.post("/v1/prices")
def create_price(call: Call) -> StripeObject:
    params = call.params
    store = call.store
    allowed = (
        "active", "billing_scheme", "currency", "lookup_key", "metadata", "nickname", "product",
        "product_data", "recurring", "tiers", "tiers_mode", "transfer_lookup_key", "unit_amount",
    )  # fmt: skip
    reject_unknown(params, allowed)
    currency = require_str(params, "currency")
    scheme = get_str(params, "billing_scheme", choices=("per_unit", "tiered")) or "per_unit"
    tiers = None
    if scheme == "tiered":
        if "unit_amount" in params:
            raise invalid("`unit_amount` cannot be set on a tiered price.", param="unit_amount")
        tiers = meters.parse_tiers(params.get("tiers"), get_str(params, "tiers_mode"))
        unit_amount = 0
    else:
        unit_amount = require_int(params, "unit_amount", minimum=0)
    product_id = get_str(params, "product")
    product_data = get_dict(params, "product_data")
    if (product_id is None) == (product_data is None):
        raise invalid(
            "You must specify either `product` or `product_data` when creating a price.", param="product"
        )
    if product_data is not None:
        reject_unknown(product_data, ("name",), prefix="product_data")
        product_name = require_str(product_data, "name", param="product_data[name]")
    else:
        product_name = None
        store.get(str(product_id), "product", param="product")
    interval, interval_count, meter = _recurring(store, get_dict(params, "recurring"))
    if tiers is not None and interval is None:
        raise invalid("Tiered prices must be recurring.", param="billing_scheme")
    lookup_key = get_str(params, "lookup_key") or None
    transfer = bool(get_bool(params, "transfer_lookup_key"))
    holders = [
        p for p in store.iter_type("price") if lookup_key is not None and p["lookup_key"] == lookup_key
    ]
    if holders and not transfer:
        raise invalid(f"A price (`{holders[0]['id']}`) already uses that lookup key.", param="lookup_key")
    nickname = get_str(params, "nickname") or None
    metadata = updated_metadata({}, params)
    active = get_bool(params, "active") is not False
    # Checked in full above; only now does anything change.
    if product_name is not None:
        product_id = new_product(store, name=product_name)["id"]
    for holder in holders:
        store.save_changes("price.updated", holder, {**holder, "lookup_key": None})
    return new_price(
        store,
        product=str(product_id),
        unit_amount=unit_amount,
        currency=currency,
        interval=interval,
        interval_count=interval_count,
        lookup_key=lookup_key,
        nickname=nickname,
        metadata=metadata,
        active=active,
        meter=meter,
        tiers=tiers,
        tiers_mode=get_str(params, "tiers_mode") if tiers else None,
    )


def _recurring(store: Store, recurring: Params | None) -> tuple[str | None, int, str | None]:
    """Interval, count and, for a metered price, its meter (required since metered usage moved to meters)."""
    if recurring is None:
        return None, 1, None
    reject_unknown(recurring, ("interval", "interval_count", "meter", "usage_type"), prefix="recurring")
    interval = get_str(recurring, "interval", required=True, choices=INTERVALS, param="recurring[interval]")
    count = get_int(recurring, "interval_count", minimum=1, param="recurring[interval_count]")
    usage_type = get_str(
        recurring, "usage_type", choices=("licensed", "metered"), param="recurring[usage_type]"
    )
    meter = None
    if usage_type == "metered":
        meter = meters.check_meter(store, get_str(recurring, "meter", param="recurring[meter]"))
    elif "meter" in recurring:
        raise invalid("Only metered prices take a meter.", param="recurring[meter]")
    return interval, count or 1, meter


@includable("price", "tiers")
def _tiers(store: Store, price: StripeObject) -> list[StripeObject] | None:
    return meters.tiers_of(store, price) if price["billing_scheme"] == "tiered" else None


@router.get("/v1/prices/{id}")
def retrieve_price(call: Call) -> StripeObject:
    return call.store.get(call["id"], "price")


@router.get("/v1/prices")
def list_prices(call: Call) -> StripeObject:
    params = call.params
    allowed = (
        "active", "created", "currency", "ending_before", "limit", "lookup_keys", "product", "recurring",
        "starting_after", "type",
    )  # fmt: skip
    reject_unknown(params, allowed)
    active = get_bool(params, "active")
    product = get_str(params, "product")
    currency = get_str(params, "currency")
    kind = get_str(params, "type", choices=("one_time", "recurring"))
    created = get_range(params, "created")
    keys = get_list(params, "lookup_keys")
    if keys is not None and len(keys) > MAX_LOOKUP_KEYS:
        raise invalid(
            f"You may only specify up to {MAX_LOOKUP_KEYS} lookup_keys at a time.", param="lookup_keys"
        )
    wanted_keys = {str(k) for k in keys} if keys is not None else None
    recurring = get_dict(params, "recurring") or {}
    reject_unknown(recurring, ("interval", "usage_type"), prefix="recurring")
    interval = get_str(recurring, "interval", choices=INTERVALS, param="recurring[interval]")
    return list_object(
        call.store.all("price"),
        params,
        "/v1/prices",
        where=lambda p: (
            (active is None or p["active"] == active)
            and (product is None or p["product"] == product)
            and (currency is None or p["currency"] == currency.lower())
            and (kind is None or p["type"] == kind)
            and (created is None or created(p["created"]))
            and (wanted_keys is None or p["lookup_key"] in wanted_keys)
            and (interval is None or (p["recurring"] or {}).get("interval") == interval)
        ),
    )
