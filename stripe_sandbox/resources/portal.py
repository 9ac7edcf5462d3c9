"""Customer portal configurations: `/v1/billing_portal/configurations`, with Stripe's `features` rules."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    Params,
    StripeObject,
    get_bool,
    get_dict,
    get_enum_list,
    get_int,
    get_list,
    get_str,
    invalid,
    list_object,
    missing_param,
    reject_unknown,
    require_dict,
    require_str,
    updated_metadata,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

CUSTOMER_UPDATES = ("address", "email", "name", "phone", "shipping", "tax_id")
CANCELLATION_REASONS = (
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
)
SUBSCRIPTION_UPDATES = ("price", "promotion_code", "quantity")
PRORATIONS = ("always_invoice", "create_prorations", "none")
MAX_UPDATE_PRODUCTS = 10


def default_features() -> dict[str, Any]:
    """What Stripe fills in for every feature that a configuration does not mention."""
    return {
        "customer_update": {"allowed_updates": [], "enabled": False},
        "invoice_history": {"enabled": False},
        "payment_method_update": {"enabled": False, "payment_method_configuration": None},
        "subscription_cancel": {
            "cancellation_reason": {"enabled": False, "options": []},
            "enabled": False,
            "mode": "at_period_end",
            "proration_behavior": "none",
        },
        "subscription_pause": {"duration": {"interval_options": [], "type": "indefinite"}, "enabled": False},
        "subscription_update": {
            "billing_cycle_anchor": None,
            "default_allowed_updates": [],
            "enabled": False,
            "products": [],
            "proration_behavior": "none",
            "schedule_at_period_end": {"conditions": []},
            "trial_update_behavior": "end_trial",
        },
    }


def new_configuration(
    store: Store,
    *,
    features: dict[str, Any],
    business_profile: dict[str, Any] | None = None,
    default_return_url: str | None = None,
    is_default: bool = False,
    name: str | None = None,
    metadata: dict[str, str] | None = None,
    login_page: bool = False,
) -> StripeObject:
    """Store a portal configuration and emit `billing_portal.configuration.created`. `features` is Stripe's
    hash (checked as Stripe checks it; what it leaves out gets Stripe's defaults); `is_default` makes it the
    configuration sessions use when they name none."""
    now = store.now()
    configuration: StripeObject = {
        "id": store.new_id("bpc", 24),
        "object": "billing_portal.configuration",
        "active": True,
        "application": None,
        "business_profile": _business_profile(
            {"headline": None, "privacy_policy_url": None, "terms_of_service_url": None},
            business_profile or {},
        ),
        "created": now,
        "default_return_url": default_return_url,
        "features": merge_features(store, default_features(), features),
        "is_default": is_default,
        "livemode": False,
        "login_page": {"enabled": login_page, "url": _login_url(store) if login_page else None},
        "metadata": dict(metadata or {}),
        "name": name,
        "updated": now,
    }
    if is_default:
        for other in store.iter_type("billing_portal.configuration"):
            other["is_default"] = False
    store.add(configuration)
    store.emit("billing_portal.configuration.created", configuration)
    return configuration


def default_configuration(store: Store) -> StripeObject | None:
    return next((c for c in store.iter_type("billing_portal.configuration") if c["is_default"]), None)


# -- endpoints ------------------------------------------------------------------------------------------

_EDITABLE = ("business_profile", "default_return_url", "features", "login_page", "metadata", "name")


@router.post("/v1/billing_portal/configurations")
def create_configuration(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, _EDITABLE)
    features = require_dict(params, "features")
    return new_configuration(
        call.store,
        features=features,
        business_profile=get_dict(params, "business_profile"),
        default_return_url=get_str(params, "default_return_url") or None,
        name=get_str(params, "name") or None,
        metadata=updated_metadata({}, params),
        login_page=bool(_login_page_enabled(params)),
    )


@router.get("/v1/billing_portal/configurations/{id}")
def retrieve_configuration(call: Call) -> StripeObject:
    return call.store.get(call["id"], "billing_portal.configuration", param="configuration")


@router.post("/v1/billing_portal/configurations/{id}")
def update_configuration(call: Call) -> StripeObject:
    params, store = call.params, call.store
    reject_unknown(params, (*_EDITABLE, "active"))
    stored = store.get(call["id"], "billing_portal.configuration", param="configuration")
    configuration = copy.deepcopy(stored)
    active = get_bool(params, "active")
    if active is False and configuration["is_default"]:
        raise invalid("You cannot deactivate the default configuration.", param="active")
    if active is not None:
        configuration["active"] = active
    if "business_profile" in params:
        given = get_dict(params, "business_profile") or {}
        configuration["business_profile"] = _business_profile(configuration["business_profile"], given)
    if "default_return_url" in params:
        configuration["default_return_url"] = get_str(params, "default_return_url") or None
    features = get_dict(params, "features")
    if features is not None:
        configuration["features"] = merge_features(store, configuration["features"], features)
    login_page = _login_page_enabled(params)
    if login_page is not None and login_page != configuration["login_page"]["enabled"]:
        configuration["login_page"] = {
            "enabled": login_page,
            "url": _login_url(store) if login_page else None,
        }
    if "name" in params:
        configuration["name"] = get_str(params, "name") or None
    configuration["metadata"] = updated_metadata(configuration["metadata"], params)
    if configuration != stored:
        configuration["updated"] = store.now()
    return store.save_changes("billing_portal.configuration.updated", stored, configuration)


@router.get("/v1/billing_portal/configurations")
def list_configurations(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("active", "ending_before", "is_default", "limit", "starting_after"))
    active = get_bool(params, "active")
    is_default = get_bool(params, "is_default")
    return list_object(
        call.store.all("billing_portal.configuration"),
        params,
        "/v1/billing_portal/configurations",
        where=lambda c: (
            (active is None or c["active"] == active)
            and (is_default is None or c["is_default"] == is_default)
        ),
    )


def _login_page_enabled(params: Params) -> bool | None:
    given = get_dict(params, "login_page")
    if given is None:
        return None
    reject_unknown(given, ("enabled",), prefix="login_page")
    return get_bool(given, "enabled", required=True, param="login_page[enabled]")


def _login_url(store: Store) -> str:
    return f"https://billing.stripe.com/p/login/test_{store.random_secret(24)}"


# -- validating `features` the way Stripe does -----------------------------------------------------------


def merge_features(store: Store, current: dict[str, Any], changes: Params) -> dict[str, Any]:
    """Apply a (partial) `features` hash onto `current`, checking every value; returns a new dict."""
    features = copy.deepcopy(current)
    reject_unknown(changes, features.keys(), prefix="features")
    for name, handler in _FEATURES.items():
        given = get_dict(changes, name, param=f"features[{name}]")
        if given is not None:
            handler(store, features[name], given, f"features[{name}]")
    _check_consistency(features)
    return features


def _customer_update(_store: Store, feature: dict[str, Any], given: Params, path: str) -> None:
    reject_unknown(given, ("allowed_updates", "enabled"), prefix=path)
    _set_enabled(feature, given, path)
    allowed = get_enum_list(given, "allowed_updates", CUSTOMER_UPDATES, param=f"{path}[allowed_updates]")
    if allowed is not None:
        feature["allowed_updates"] = allowed


def _invoice_history(_store: Store, feature: dict[str, Any], given: Params, path: str) -> None:
    reject_unknown(given, ("enabled",), prefix=path)
    _set_enabled(feature, given, path)


def _payment_method_update(_store: Store, feature: dict[str, Any], given: Params, path: str) -> None:
    reject_unknown(given, ("enabled", "payment_method_configuration"), prefix=path)
    _set_enabled(feature, given, path)
    if "payment_method_configuration" in given:
        value = get_str(given, "payment_method_configuration", param=f"{path}[payment_method_configuration]")
        feature["payment_method_configuration"] = value or None


def _subscription_cancel(_store: Store, feature: dict[str, Any], given: Params, path: str) -> None:
    reject_unknown(given, ("cancellation_reason", "enabled", "mode", "proration_behavior"), prefix=path)
    _set_enabled(feature, given, path)
    mode = get_str(given, "mode", choices=("at_period_end", "immediately"), param=f"{path}[mode]")
    if mode is not None:
        feature["mode"] = mode
    # Canceling never invoices from the portal: `always_invoice` is not among the allowed values.
    proration = get_str(
        given,
        "proration_behavior",
        choices=("create_prorations", "none"),
        param=f"{path}[proration_behavior]",
    )
    if proration is not None:
        feature["proration_behavior"] = proration
    reason = get_dict(given, "cancellation_reason", param=f"{path}[cancellation_reason]")
    if reason is not None:
        reason_path = f"{path}[cancellation_reason]"
        reject_unknown(reason, ("enabled", "options"), prefix=reason_path)
        enabled = get_bool(reason, "enabled", required=True, param=f"{reason_path}[enabled]")
        options = get_enum_list(reason, "options", CANCELLATION_REASONS, param=f"{reason_path}[options]")
        if enabled and not options:
            raise missing_param(f"{reason_path}[options]")
        feature["cancellation_reason"] = {"enabled": enabled, "options": options or []}


_PAUSE_INTERVALS = ("day", "month", "week", "year")
# The longest pause of each unit: three years, counted in months for calendar units and in days for others.
_MAX_PAUSE = {"day": 3 * 365 + 1, "week": (3 * 365 + 1) // 7, "month": 36, "year": 3}


def _subscription_pause(_store: Store, feature: dict[str, Any], given: Params, path: str) -> None:
    reject_unknown(given, ("enabled", "duration"), prefix=path)
    _set_enabled(feature, given, path)
    duration = get_dict(given, "duration", param=f"{path}[duration]")
    if duration is None:
        return
    duration_path = f"{path}[duration]"
    reject_unknown(duration, ("interval_options", "type"), prefix=duration_path)
    kind = get_str(
        duration,
        "type",
        required=True,
        choices=("indefinite", "interval_options"),
        param=f"{duration_path}[type]",
    )
    raw = duration.get("interval_options")
    entries = (
        []
        if raw in (None, "")
        else get_list(duration, "interval_options", param=f"{duration_path}[interval_options]") or []
    )
    if kind == "interval_options" and not entries:
        raise missing_param(f"{duration_path}[interval_options]")
    if kind == "indefinite" and entries:
        raise invalid(
            f"{duration_path}[interval_options] can only be set when the type is `interval_options`.",
            param=f"{duration_path}[interval_options]",
        )
    options = []
    for index, entry in enumerate(entries):
        option_path = f"{duration_path}[interval_options][{index}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid object: {option_path}", param=option_path)
        reject_unknown(entry, ("interval", "interval_count"), prefix=option_path)
        interval = get_str(
            entry, "interval", required=True, choices=_PAUSE_INTERVALS, param=f"{option_path}[interval]"
        )
        count = get_int(entry, "interval_count", minimum=1, param=f"{option_path}[interval_count]") or 1
        if count > _MAX_PAUSE[str(interval)]:
            raise invalid(
                "The maximum pause duration is three years.", param=f"{option_path}[interval_count]"
            )
        options.append({"interval": interval, "interval_count": count})
    feature["duration"] = {"interval_options": options, "type": kind}


def _subscription_update(store: Store, feature: dict[str, Any], given: Params, path: str) -> None:
    allowed_keys = (
        "billing_cycle_anchor",
        "default_allowed_updates",
        "enabled",
        "products",
        "proration_behavior",
        "schedule_at_period_end",
        "trial_update_behavior",
    )
    reject_unknown(given, allowed_keys, prefix=path)
    _set_enabled(feature, given, path)
    updates = get_enum_list(
        given, "default_allowed_updates", SUBSCRIPTION_UPDATES, param=f"{path}[default_allowed_updates]"
    )
    if updates is not None:
        feature["default_allowed_updates"] = updates
    products = get_list(given, "products", param=f"{path}[products]")
    if products is not None:
        feature["products"] = _update_products(store, products, f"{path}[products]")
    for key, choices in (
        ("proration_behavior", PRORATIONS),
        ("billing_cycle_anchor", ("now", "unchanged")),
        ("trial_update_behavior", ("continue_trial", "end_trial")),
    ):
        value = get_str(given, key, choices=choices, param=f"{path}[{key}]")
        if value is not None:
            feature[key] = value
    schedule = get_dict(given, "schedule_at_period_end", param=f"{path}[schedule_at_period_end]")
    if schedule is not None:
        schedule_path = f"{path}[schedule_at_period_end]"
        reject_unknown(schedule, ("conditions",), prefix=schedule_path)
        conditions = get_list(schedule, "conditions", param=f"{schedule_path}[conditions]") or []
        feature["schedule_at_period_end"] = {
            "conditions": [
                {
                    "type": get_str(
                        condition,
                        "type",
                        required=True,
                        choices=("decreasing_item_amount", "shortening_interval"),
                        param=f"{schedule_path}[conditions][{index}][type]",
                    )
                }
                for index, condition in enumerate(_hashes(conditions, f"{schedule_path}[conditions]"))
            ]
        }


def _update_products(store: Store, products: list[Any], path: str) -> list[dict[str, Any]]:
    if len(products) > MAX_UPDATE_PRODUCTS:
        raise invalid(f"{path} must contain at most {MAX_UPDATE_PRODUCTS} products.", param=path)
    result = []
    for index, entry in enumerate(_hashes(products, path)):
        entry_path = f"{path}[{index}]"
        reject_unknown(entry, ("adjustable_quantity", "prices", "product"), prefix=entry_path)
        product_id = require_str(entry, "product", param=f"{entry_path}[product]")
        store.get(product_id, "product", param=f"{entry_path}[product]")
        prices = get_list(entry, "prices", param=f"{entry_path}[prices]")
        if not prices:
            raise missing_param(f"{entry_path}[prices]")
        for price_index, price_id in enumerate(prices):
            price_param = f"{entry_path}[prices][{price_index}]"
            price = store.get(str(price_id), "price", param=price_param)
            if price["product"] != product_id:
                raise invalid(
                    f"The price `{price_id}` does not belong to product `{product_id}`.", param=price_param
                )
            if price["type"] != "recurring":
                raise invalid(f"The price `{price_id}` is not a recurring price.", param=price_param)
        quantity = get_dict(entry, "adjustable_quantity", param=f"{entry_path}[adjustable_quantity]") or {}
        result.append(
            {
                "adjustable_quantity": _adjustable_quantity(quantity, f"{entry_path}[adjustable_quantity]"),
                "prices": [str(p) for p in prices],
                "product": product_id,
            }
        )
    return result


def _adjustable_quantity(given: Params, path: str) -> dict[str, Any]:
    reject_unknown(given, ("enabled", "maximum", "minimum"), prefix=path)
    return {
        "enabled": bool(get_bool(given, "enabled", param=f"{path}[enabled]")),
        "maximum": get_int(given, "maximum", minimum=1, param=f"{path}[maximum]"),
        "minimum": get_int(given, "minimum", minimum=0, param=f"{path}[minimum]") or 1,
    }


def _check_consistency(features: dict[str, Any]) -> None:
    cancel = features["subscription_cancel"]
    if cancel["proration_behavior"] == "create_prorations" and cancel["mode"] != "immediately":
        raise invalid(
            "Prorations can only be created when subscriptions are canceled immediately. Set "
            "features[subscription_cancel][mode] to `immediately` or features[subscription_cancel]"
            "[proration_behavior] to `none`.",
            param="features[subscription_cancel][proration_behavior]",
        )
    update = features["subscription_update"]
    if update["enabled"] and not update["products"]:
        raise invalid(
            "You must specify at least one product in features[subscription_update][products] when "
            "features[subscription_update][enabled] is true.",
            param="features[subscription_update][products]",
        )
    if update["enabled"] and not update["default_allowed_updates"]:
        raise invalid(
            "You must specify features[subscription_update][default_allowed_updates] when "
            "features[subscription_update][enabled] is true.",
            param="features[subscription_update][default_allowed_updates]",
        )


def _set_enabled(feature: dict[str, Any], given: Params, path: str) -> None:
    enabled = get_bool(given, "enabled", param=f"{path}[enabled]")
    if enabled is not None:
        feature["enabled"] = enabled


def _hashes(values: list[Any], path: str) -> list[Params]:
    for index, value in enumerate(values):
        if not isinstance(value, dict):
            raise invalid(f"Invalid object: {path}[{index}]", param=f"{path}[{index}]")
    return values


_FEATURES = {
    "customer_update": _customer_update,
    "invoice_history": _invoice_history,
    "payment_method_update": _payment_method_update,
    "subscription_cancel": _subscription_cancel,
    "subscription_pause": _subscription_pause,
    "subscription_update": _subscription_update,
}


def _business_profile(current: dict[str, Any], given: Params) -> dict[str, Any]:
    reject_unknown(given, current.keys(), prefix="business_profile")
    profile = dict(current)
    for key in current:
        if key in given:
            profile[key] = get_str(given, key, param=f"business_profile[{key}]") or None
    return profile
