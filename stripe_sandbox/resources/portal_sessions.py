"""Customer portal sessions: `POST /v1/billing_portal/sessions`, with Stripe's `flow_data` rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox.resources.portal import default_configuration
from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    Params,
    StripeObject,
    get_dict,
    get_int,
    get_list,
    get_str,
    invalid,
    missing,
    missing_param,
    reject_unknown,
    require_str,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

STRIPE_PORTAL_URL = "https://billing.stripe.com/p/session"
LOCALES = (
    "auto", "bg", "cs", "da", "de", "el", "en", "en-AU", "en-CA", "en-GB", "en-IE", "en-IN", "en-NZ", "en-SG",
    "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms",
    "mt",
    "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
)  # fmt: skip
# Each deep-link flow needs its portal feature switched on.
FLOW_FEATURES = {
    "payment_method_update": "payment_method_update",
    "subscription_cancel": "subscription_cancel",
    "subscription_pause": "subscription_pause",
    "subscription_update": "subscription_update",
    "subscription_update_confirm": "subscription_update",
}
_ENDED = ("canceled", "incomplete_expired")


@router.post("/v1/billing_portal/sessions")
def create_session(call: Call) -> StripeObject:
    store, params = call.store, call.params
    reject_unknown(params, ("configuration", "customer", "flow_data", "locale", "on_behalf_of", "return_url"))
    customer_id = require_str(params, "customer")
    customer = store.get(customer_id, "customer", param="customer")
    configuration = _configuration(store, get_str(params, "configuration"))
    return_url = get_str(params, "return_url") or configuration["default_return_url"]
    flow_data = get_dict(params, "flow_data")
    flow = _flow(store, customer, configuration, flow_data) if flow_data is not None else None
    secret = f"test_{store.random_secret(48)}"
    session: StripeObject = {
        "id": store.new_id("bps", 24),
        "object": "billing_portal.session",
        "configuration": configuration["id"],
        "created": store.now(),
        "customer": customer["id"],
        "customer_account": None,
        "flow": flow,
        "livemode": False,
        "locale": get_str(params, "locale", choices=LOCALES),
        "on_behalf_of": get_str(params, "on_behalf_of"),
        "return_url": return_url,
        "url": f"{(call.portal_base_url or STRIPE_PORTAL_URL).rstrip('/')}/{secret}",
    }
    store.add(session)
    store.emit("billing_portal.session.created", session)
    return session


def _configuration(store: Store, configuration_id: str | None) -> StripeObject:
    if configuration_id is None:
        found = default_configuration(store)
        if found is None:
            raise invalid(
                "You can't create a portal session in test mode until you save your customer portal settings "
                "in test mode at https://dashboard.stripe.com/test/settings/billing/portal."
            )
        return found
    configuration = store.get(configuration_id, "billing_portal.configuration", param="configuration")
    if not configuration["active"]:
        raise invalid(
            f"The configuration `{configuration_id}` is inactive and cannot be used to create sessions.",
            param="configuration",
        )
    return configuration


def _flow(store: Store, customer: StripeObject, configuration: StripeObject, data: Params) -> StripeObject:
    reject_unknown(data, ("after_completion", "type", *FLOW_FEATURES), prefix="flow_data")
    kind = require_str(data, "type", choices=FLOW_FEATURES, param="flow_data[type]")
    for other in FLOW_FEATURES:
        if other != kind and other in data:
            raise invalid(
                f"flow_data[{other}] can only be set when flow_data[type] is `{other}`.",
                param=f"flow_data[{other}]",
            )
    feature = FLOW_FEATURES[kind]
    if not configuration["features"][feature]["enabled"]:
        raise invalid(
            f"The `{kind}` flow cannot be used because the `{feature}` feature is disabled in the portal "
            f"configuration `{configuration['id']}`.",
            param="flow_data[type]",
        )
    flow: StripeObject = {
        "after_completion": _after_completion(get_dict(data, "after_completion")),
        "subscription_cancel": None,
        "subscription_pause": None,
        "subscription_update": None,
        "subscription_update_confirm": None,
        "type": kind,
    }
    if kind == "subscription_cancel":
        given = _flow_hash(data, kind)
        reject_unknown(given, ("retention", "subscription"), prefix=f"flow_data[{kind}]")
        subscription_id = _subscription(store, customer, given, kind)["id"]
        retention = get_dict(given, "retention", param=f"flow_data[{kind}][retention]")
        flow[kind] = {
            "retention": None
            if retention is None
            else _retention(store, retention, f"flow_data[{kind}][retention]"),
            "subscription": subscription_id,
        }
    elif kind in {"subscription_pause", "subscription_update"}:
        given = _flow_hash(data, kind)
        reject_unknown(given, ("subscription",), prefix=f"flow_data[{kind}]")
        flow[kind] = {"subscription": _subscription(store, customer, given, kind)["id"]}
    elif kind == "subscription_update_confirm":
        given = _flow_hash(data, kind)
        reject_unknown(given, ("discounts", "items", "subscription"), prefix=f"flow_data[{kind}]")
        subscription = _subscription(store, customer, given, kind)
        items = _confirm_items(store, subscription, given)
        _coupons(
            get_list(given, "discounts", param=f"flow_data[{kind}][discounts]") or [], f"flow_data[{kind}]"
        )
        flow[kind] = {"discounts": [], "items": items, "subscription": subscription["id"]}
    return flow


def _retention(store: Store, given: Params, path: str) -> StripeObject:
    """A cancel flow's retention offer: a coupon that exists."""
    reject_unknown(given, ("coupon_offer", "type"), prefix=path)
    require_str(given, "type", choices=("coupon_offer",), param=f"{path}[type]")
    offer = get_dict(given, "coupon_offer", param=f"{path}[coupon_offer]")
    if offer is None:
        raise missing_param(f"{path}[coupon_offer]")
    reject_unknown(offer, ("coupon",), prefix=f"{path}[coupon_offer]")
    coupon_id = require_str(offer, "coupon", param=f"{path}[coupon_offer][coupon]")
    found = store.find(coupon_id)
    if found is None or found["object"] != "coupon":
        raise missing("coupon", coupon_id, param=f"{path}[coupon_offer][coupon]")
    return {"coupon_offer": {"coupon": coupon_id}, "type": "coupon_offer"}


def _coupons(references: list[Any], path: str) -> None:
    """The sandbox keeps no coupons or promotion codes, so any reference to one is missing, as Stripe says."""
    for reference in references:
        if not isinstance(reference, dict):
            raise invalid(f"Invalid object: {path}", param=path)
        for kind in ("coupon", "promotion_code"):
            if reference.get(kind):
                raise missing(kind.replace("_", " "), str(reference[kind]), param=f"{path}[{kind}]")
        raise missing_param(f"{path}[coupon]")


def _after_completion(given: Params | None) -> dict[str, Any]:
    if given is None:
        return {"hosted_confirmation": None, "redirect": None, "type": "portal_homepage"}
    path = "flow_data[after_completion]"
    reject_unknown(given, ("hosted_confirmation", "redirect", "type"), prefix=path)
    kind = get_str(
        given,
        "type",
        required=True,
        choices=("hosted_confirmation", "portal_homepage", "redirect"),
        param=f"{path}[type]",
    )
    result: dict[str, Any] = {"hosted_confirmation": None, "redirect": None, "type": kind}
    if kind == "redirect":
        redirect = get_dict(given, "redirect", param=f"{path}[redirect]") or {}
        reject_unknown(redirect, ("return_url",), prefix=f"{path}[redirect]")
        url = get_str(redirect, "return_url", required=True, param=f"{path}[redirect][return_url]")
        result["redirect"] = {"return_url": url}
    elif "redirect" in given:
        raise invalid(
            f"{path}[redirect] can only be set when the type is `redirect`.", param=f"{path}[redirect]"
        )
    if kind == "hosted_confirmation":
        confirmation = get_dict(given, "hosted_confirmation", param=f"{path}[hosted_confirmation]") or {}
        reject_unknown(confirmation, ("custom_message",), prefix=f"{path}[hosted_confirmation]")
        message = get_str(
            confirmation, "custom_message", param=f"{path}[hosted_confirmation][custom_message]"
        )
        result["hosted_confirmation"] = {"custom_message": message}
    elif "hosted_confirmation" in given:
        raise invalid(
            f"{path}[hosted_confirmation] can only be set when the type is `hosted_confirmation`.",
            param=f"{path}[hosted_confirmation]",
        )
    return result


def _flow_hash(data: Params, kind: str) -> Params:
    given = get_dict(data, kind, param=f"flow_data[{kind}]")
    if given is None:
        raise missing_param(f"flow_data[{kind}]")
    return given


def _subscription(store: Store, customer: StripeObject, given: Params, kind: str) -> StripeObject:
    param = f"flow_data[{kind}][subscription]"
    subscription_id = require_str(given, "subscription", param=param)
    subscription = store.get(subscription_id, "subscription", param=param)
    if subscription["customer"] != customer["id"]:
        raise invalid(
            f"The subscription `{subscription_id}` does not belong to the customer `{customer['id']}`.",
            param=param,
        )
    if subscription["status"] in _ENDED:
        raise invalid(
            f"The subscription `{subscription_id}` has been canceled and cannot be managed in the portal.",
            param=param,
        )
    return subscription


def _confirm_items(store: Store, subscription: StripeObject, given: Params) -> list[dict[str, Any]]:
    path = "flow_data[subscription_update_confirm][items]"
    items = get_list(given, "items", param=path)
    if not items:
        raise missing_param(path)
    if len(items) > 1:
        raise invalid(
            "Only one item can be updated through the subscription_update_confirm flow.", param=path
        )
    own_items = {item["id"] for item in subscription["items"]["data"]}
    result = []
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise invalid(f"Invalid object: {item_path}", param=item_path)
        reject_unknown(item, ("id", "price", "quantity"), prefix=item_path)
        item_id = get_str(item, "id", required=True, param=f"{item_path}[id]")
        if item_id not in own_items:
            raise missing("subscription item", str(item_id), param=f"{item_path}[id]")
        price = get_str(item, "price", param=f"{item_path}[price]")
        if price is not None:
            store.get(price, "price", param=f"{item_path}[price]")
        entry: dict[str, Any] = {"id": item_id, "price": price}
        quantity = get_int(item, "quantity", minimum=0, param=f"{item_path}[quantity]")
        if quantity is not None:
            entry["quantity"] = quantity
        result.append(entry)
    return result
