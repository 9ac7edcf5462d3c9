"""Customers: `/v1/customers`, with the `subscriptions` includable."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from stripe_sandbox.resources.payment_methods import attach_card, check_attachable
from stripe_sandbox.resources.subscriptions import ENDED_STATUSES, cancel_now
from stripe_sandbox.routing import Call, router
from stripe_sandbox.store import includable
from stripe_sandbox.wire import (
    Params,
    StripeObject,
    get_dict,
    get_list,
    get_range,
    get_str,
    invalid,
    list_object,
    reject_unknown,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

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
    """Store a customer and emit `customer.created` (the seed and tests build with this)."""
    customer = _customer(store, email=email, name=name, created=created)
    customer.update(
        phone=phone,
        address=normalize_address(address),
        currency=currency,
        metadata=dict(metadata or {}),
        preferred_locales=list(preferred_locales or []),
    )
    store.add(customer)
    store.emit("customer.created", customer)
    return customer


def _customer(
    store: Store, *, email: str | None, name: str | None, created: int | None = None
) -> StripeObject:
    return {
        "id": store.new_id("cus"),
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": created if created is not None else store.now(),
        "currency": None,
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
        "metadata": {},
        "name": name,
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }


# -- endpoints ------------------------------------------------------------------------------------------

_EDITABLE = (
    "address",
    "description",
    "email",
    "invoice_settings",
    "metadata",
    "name",
    "phone",
    "preferred_locales",
)
_CREATE_PARAMS = (*_EDITABLE, "payment_method", "shipping")
_UPDATE_PARAMS = (*_EDITABLE, "shipping")


@router.post("/v1/customers")
def create_customer(call: Call) -> StripeObject:
    store, params = call.store, call.params
    reject_unknown(params, _CREATE_PARAMS)
    customer = _customer(store, email=None, name=None)
    token = get_str(params, "payment_method")
    settings = get_dict(params, "invoice_settings") or {}
    # Stripe lets the default name the payment method (or test token) that this same call attaches.
    default_is_token = token is not None and settings.get("default_payment_method") == token
    if default_is_token:
        settings = {k: v for k, v in settings.items() if k != "default_payment_method"}
    # Everything is checked before anything is stored, so a refused call leaves no trace.
    _apply(
        store,
        customer,
        {k: v for k, v in params.items() if k != "payment_method"} | {"invoice_settings": settings},
    )
    if token is not None:
        check_attachable(store, token, None, param="payment_method")
    store.add(customer)
    card = attach_card(store, token, customer["id"], param="payment_method") if token is not None else None
    if card is not None and default_is_token:
        customer["invoice_settings"]["default_payment_method"] = card["id"]
    store.emit("customer.created", customer)
    if card is not None:
        store.emit("payment_method.attached", card)
    return customer


@router.get("/v1/customers/{id}")
def retrieve_customer(call: Call) -> StripeObject:
    found = call.store.find(call["id"])
    if found is not None and found.get("object") == "customer" and found.get("deleted"):
        return _deleted(found["id"])
    return call.store.get(call["id"], "customer")


@router.post("/v1/customers/{id}")
def update_customer(call: Call) -> StripeObject:
    reject_unknown(call.params, _UPDATE_PARAMS)
    customer = call.store.get(call["id"], "customer")
    draft = copy.deepcopy(customer)
    _apply(call.store, draft, call.params)
    return call.store.save_changes("customer.updated", customer, draft)


@router.get("/v1/customers")
def list_customers(call: Call) -> StripeObject:
    reject_unknown(
        call.params, ("created", "email", "ending_before", "limit", "starting_after", "test_clock")
    )
    email = get_str(call.params, "email")
    created = get_range(call.params, "created")
    customers = [c for c in call.store.all("customer") if not c.get("deleted")]
    return list_object(
        customers,
        call.params,
        "/v1/customers",
        where=lambda c: (email is None or c["email"] == email) and (created is None or created(c["created"])),
    )


@router.delete("/v1/customers/{id}")
def delete_customer(call: Call) -> StripeObject:
    reject_unknown(call.params, ())
    store = call.store
    customer = store.get(call["id"], "customer")
    # Deleting a customer cancels its subscriptions at once, without prorating or invoicing.
    for subscription in store.all("subscription"):
        if subscription["customer"] == customer["id"] and subscription["status"] not in ENDED_STATUSES:
            cancel_now(store, subscription, at=store.now())
    store.emit("customer.deleted", customer)
    customer["deleted"] = True
    return _deleted(customer["id"])


@includable("customer", "subscriptions")
def customer_subscriptions(store: Store, customer: StripeObject) -> StripeObject:
    """The customer's current subscriptions: Stripe leaves canceled and expired ones out."""
    current = [
        s
        for s in store.all("subscription")
        if s["customer"] == customer["id"] and s["status"] not in ENDED_STATUSES
    ]
    return list_object(current, {}, f"/v1/customers/{customer['id']}/subscriptions")


def _deleted(customer_id: str) -> StripeObject:
    return {"id": customer_id, "object": "customer", "deleted": True}


def _apply(store: Store, customer: StripeObject, params: Params) -> None:
    """Set the editable fields present in `params`; an empty string clears a field, as on Stripe."""
    for name in ("description", "email", "name", "phone"):
        if name in params:
            customer[name] = get_str(params, name) or None
    if "address" in params:
        given = get_dict(params, "address")
        customer["address"] = _address_param(given, "address")
    if "shipping" in params:
        customer["shipping"] = _shipping(get_dict(params, "shipping"))
    if "preferred_locales" in params:
        customer["preferred_locales"] = [str(v) for v in get_list(params, "preferred_locales") or []]
    if "metadata" in params:
        customer["metadata"] = updated_metadata(customer["metadata"], params)
    settings = get_dict(params, "invoice_settings")
    if settings:
        reject_unknown(settings, ("default_payment_method", "footer"), prefix="invoice_settings")
        if "footer" in settings:
            customer["invoice_settings"]["footer"] = get_str(settings, "footer") or None
        if "default_payment_method" in settings:
            customer["invoice_settings"]["default_payment_method"] = _default_payment_method(
                store, customer, get_str(settings, "default_payment_method") or None
            )


def _address_param(given: Params | None, param: str) -> dict[str, Any] | None:
    if not given:
        return None
    reject_unknown(given, ADDRESS_FIELDS, prefix=param)
    return normalize_address({k: get_str(given, k, param=f"{param}[{k}]") for k in ADDRESS_FIELDS})


def _shipping(given: Params | None) -> dict[str, Any] | None:
    if not given:
        return None
    reject_unknown(given, ("address", "name", "phone"), prefix="shipping")
    return {
        "address": _address_param(
            get_dict(given, "address", required=True, param="shipping[address]"), "shipping[address]"
        ),
        "name": get_str(given, "name", required=True, param="shipping[name]"),
        "phone": get_str(given, "phone", param="shipping[phone]") or None,
    }


def _default_payment_method(store: Store, customer: StripeObject, payment_method: str | None) -> str | None:
    param = "invoice_settings[default_payment_method]"
    if payment_method is None:
        return None
    card = store.get(payment_method, "payment_method", param=param)
    if card["customer"] != customer["id"]:
        raise invalid(
            f"The customer does not have a payment method with the ID {payment_method}. "
            "The payment method must be attached to the customer.",
            param=param,
        )
    return payment_method
