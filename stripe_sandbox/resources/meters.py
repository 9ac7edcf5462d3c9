"""Usage: `/v1/billing/meters`, `/v1/billing/meter_events` and a meter's `event_summaries`, and the usage a
metered price bills for a period (tiers included)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeError,
    StripeObject,
    get_dict,
    get_int,
    get_str,
    invalid,
    list_object,
    reject_unknown,
    require_dict,
    require_int,
    require_str,
)

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

FORMULAS = ("sum", "count", "last")
MINUTE, HOUR, DAY = 60, 3_600, 86_400
WINDOWS = {"hour": HOUR, "day": DAY}
# How far back and ahead Stripe accepts an event's timestamp.
EVENT_PAST_SECONDS = 35 * DAY
EVENT_FUTURE_SECONDS = 5 * MINUTE
# Stripe keeps identifiers unique for at least a day; the sandbox keeps them for its whole life.
_EVENTS = "billing.meter_event"


def new_meter(
    store: Store,
    *,
    display_name: str,
    event_name: str,
    formula: str = "sum",
    customer_key: str = "stripe_customer_id",
    value_key: str = "value",
    created: int | None = None,
) -> StripeObject:
    if formula not in FORMULAS:
        raise invalid(
            f"Invalid default_aggregation[formula]: must be one of {', '.join(FORMULAS)}",
            param="default_aggregation[formula]",
        )
    if any(
        m["event_name"] == event_name for m in store.iter_type("billing.meter") if m["status"] == "active"
    ):
        raise invalid(f"An active meter already uses the event name `{event_name}`.", param="event_name")
    at = created if created is not None else store.now()
    meter: StripeObject = {
        "id": store.new_id("mtr_test", 24),
        "object": "billing.meter",
        "created": at,
        "customer_mapping": {"event_payload_key": customer_key, "type": "by_id"},
        "default_aggregation": {"formula": formula},
        "display_name": display_name,
        "event_name": event_name,
        "event_time_window": None,
        "livemode": False,
        "status": "active",
        "status_transitions": {"deactivated_at": None},
        "updated": at,
        "value_settings": {"event_payload_key": value_key},
    }
    store.add(meter)
    store.emit("billing.meter.created", meter)
    return meter


def record_event(
    store: Store, *, event_name: str, payload: dict[str, str], identifier: str | None, timestamp: int | None
) -> StripeObject:
    """Store a meter event; an identifier seen before is refused, so a retried report never counts twice."""
    now = store.now()
    at = now if timestamp is None else timestamp
    if not now - EVENT_PAST_SECONDS <= at <= now + EVENT_FUTURE_SECONDS:
        raise invalid(
            "The timestamp must be within the past 35 calendar days or up to 5 minutes in the future.",
            param="timestamp",
        )
    return add_event(store, event_name=event_name, payload=payload, identifier=identifier, timestamp=at)


def add_event(
    store: Store, *, event_name: str, payload: dict[str, str], identifier: str | None, timestamp: int
) -> StripeObject:
    """`record_event` without the timestamp window: the seed backfills older history with it."""
    meter = next(
        (
            m
            for m in store.iter_type("billing.meter")
            if m["event_name"] == event_name and m["status"] == "active"
        ),
        None,
    )
    if meter is None:
        raise invalid(f"No active meter was found with event name `{event_name}`.", param="event_name")
    customer_key = meter["customer_mapping"]["event_payload_key"]
    value_key = meter["value_settings"]["event_payload_key"]
    customer = payload.get(customer_key)
    if not customer:
        raise invalid(f"The payload must contain `{customer_key}`.", param=f"payload[{customer_key}]")
    store.get(customer, "customer", param=f"payload[{customer_key}]")
    value = payload.get(value_key, "1" if meter["default_aggregation"]["formula"] == "count" else None)
    if value is None or not _is_number(value):
        raise invalid(f"The payload must contain a numeric `{value_key}`.", param=f"payload[{value_key}]")
    identifier = identifier or store.random_secret(32)
    key = f"{_EVENTS}:{identifier}"
    if store.find(key) is not None:
        raise invalid(
            f"An event already exists with identifier `{identifier}`.",
            param="identifier",
            code="resource_already_exists",
        )
    event: StripeObject = {
        "object": _EVENTS,
        "created": store.now(),
        "event_name": event_name,
        "identifier": identifier,
        "livemode": False,
        "payload": dict(payload),
        "timestamp": timestamp,
    }
    # Kept under a key of the identifier: meter events have no id of their own.
    store.objects[key] = {**event, "id": key}
    return event


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def usage(store: Store, meter: StripeObject, customer: str, start: int, end: int) -> float:
    """The meter's aggregate of a customer's events in `[start, end)`: sum, count or the last value."""
    return usage_by_window(store, meter, customer, [(start, end)])[0]


def usage_by_window(
    store: Store, meter: StripeObject, customer: str, windows: list[tuple[int, int]]
) -> list[float]:
    """`usage` of each of `windows` (consecutive, ascending), the events read in one pass."""
    customer_key = meter["customer_mapping"]["event_payload_key"]
    value_key = meter["value_settings"]["event_payload_key"]
    first, last = windows[0][0], windows[-1][1]
    events = sorted(
        (
            e
            for e in store.iter_type(_EVENTS)
            if e["event_name"] == meter["event_name"]
            and e["payload"].get(customer_key) == customer
            and first <= e["timestamp"] < last
        ),
        key=lambda e: (e["timestamp"], e["created"]),
    )
    formula = meter["default_aggregation"]["formula"]
    found: list[float] = []
    position = 0
    for start, end in windows:
        values: list[float] = []
        while position < len(events) and events[position]["timestamp"] < end:
            if events[position]["timestamp"] >= start:
                values.append(float(events[position]["payload"].get(value_key, "0")))
            position += 1
        if formula == "count":
            found.append(float(len(values)))
        elif formula == "last":
            found.append(values[-1] if values else 0.0)
        else:
            found.append(sum(values))
    return found


# -- pricing usage --------------------------------------------------------------------------------------


def is_metered(price: StripeObject) -> bool:
    return bool(price["recurring"]) and price["recurring"]["usage_type"] == "metered"


def tiers_of(store: Store, price: StripeObject) -> list[StripeObject]:
    """A tiered price's tiers (Stripe returns them only when `tiers` is expanded)."""
    held = store.find(f"{price['id']}:tiers")
    return list(held["tiers"]) if held else []


def amount_for(store: Store, price: StripeObject, quantity: int) -> int:
    """What `quantity` units cost at `price`: per unit, or by its tiers (graduated or volume)."""
    if price["billing_scheme"] != "tiered":
        return int(price["unit_amount"] or 0) * quantity
    tiers = tiers_of(store, price)
    if price["tiers_mode"] == "volume":
        tier = next(t for t in tiers if t["up_to"] is None or quantity <= t["up_to"])
        return int(tier["unit_amount"] or 0) * quantity + int(tier["flat_amount"] or 0)
    total, below = 0, 0
    for index, tier in enumerate(tiers):
        top = quantity if tier["up_to"] is None else min(quantity, tier["up_to"])
        units = max(0, top - below)
        # The first tier's flat amount is a base fee, charged even without usage.
        if units or index == 0:
            total += int(tier["unit_amount"] or 0) * units + int(tier["flat_amount"] or 0)
        if tier["up_to"] is None or quantity <= tier["up_to"]:
            break
        below = tier["up_to"]
    return total


def parse_tiers(raw: object, mode: str | None) -> list[StripeObject]:
    if mode not in ("graduated", "volume"):
        raise invalid("Invalid tiers_mode: must be one of graduated or volume", param="tiers_mode")
    if not isinstance(raw, list) or not raw:
        raise invalid("Tiered prices need at least one tier.", param="tiers")
    tiers: list[StripeObject] = []
    last = 0
    for index, entry in enumerate(raw):
        param = f"tiers[{index}]"
        if not isinstance(entry, dict):
            raise invalid(f"Invalid object: {param}", param=param)
        reject_unknown(entry, ("up_to", "unit_amount", "flat_amount"), prefix=param)
        final = index == len(raw) - 1
        if final and entry.get("up_to") != "inf":
            raise invalid("The last tier must have `up_to` set to `inf`.", param=f"{param}[up_to]")
        up_to = None if final else require_int(entry, "up_to", minimum=last + 1, param=f"{param}[up_to]")
        unit = get_int(entry, "unit_amount", minimum=0, param=f"{param}[unit_amount]")
        flat = get_int(entry, "flat_amount", minimum=0, param=f"{param}[flat_amount]")
        tiers.append(
            {
                "flat_amount": flat,
                "flat_amount_decimal": None if flat is None else str(flat),
                "unit_amount": unit,
                "unit_amount_decimal": None if unit is None else str(unit),
                "up_to": up_to,
            }
        )
        last = up_to or last
    return tiers


def store_tiers(store: Store, price: StripeObject, tiers: list[StripeObject]) -> None:
    store.objects[f"{price['id']}:tiers"] = {
        "id": f"{price['id']}:tiers",
        "object": "sandbox.tiers",
        "tiers": tiers,
    }


# -- endpoints ------------------------------------------------------------------------------------------


@router.post("/v1/billing/meters")
def create_meter(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(
        params, ("customer_mapping", "default_aggregation", "display_name", "event_name", "value_settings")
    )
    aggregation = require_dict(params, "default_aggregation")
    reject_unknown(aggregation, ("formula",), prefix="default_aggregation")
    mapping = get_dict(params, "customer_mapping") or {}
    reject_unknown(mapping, ("event_payload_key", "type"), prefix="customer_mapping")
    settings = get_dict(params, "value_settings") or {}
    reject_unknown(settings, ("event_payload_key",), prefix="value_settings")
    return new_meter(
        call.store,
        display_name=require_str(params, "display_name"),
        event_name=require_str(params, "event_name"),
        formula=require_str(aggregation, "formula", choices=FORMULAS, param="default_aggregation[formula]"),
        customer_key=get_str(mapping, "event_payload_key") or "stripe_customer_id",
        value_key=get_str(settings, "event_payload_key") or "value",
    )


@router.get("/v1/billing/meters/{id}")
def retrieve_meter(call: Call) -> StripeObject:
    return call.store.get(call["id"], "billing.meter")


@router.get("/v1/billing/meters")
def list_meters(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("ending_before", "limit", "starting_after", "status"))
    status = get_str(params, "status", choices=("active", "inactive"))
    return list_object(
        call.store.all("billing.meter"),
        params,
        "/v1/billing/meters",
        where=lambda m: status is None or m["status"] == status,
    )


@router.post("/v1/billing/meter_events")
def create_meter_event(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("event_name", "identifier", "payload", "timestamp"))
    payload = require_dict(params, "payload")
    if not all(isinstance(v, str) for v in payload.values()):
        raise invalid("Invalid payload: values must be strings", param="payload")
    return record_event(
        call.store,
        event_name=require_str(params, "event_name"),
        payload={str(k): str(v) for k, v in payload.items()},
        identifier=get_str(params, "identifier") or None,
        timestamp=get_int(params, "timestamp", minimum=0),
    )


@router.get("/v1/billing/meters/{id}/event_summaries")
def list_event_summaries(call: Call) -> StripeObject:
    params, store = call.params, call.store
    reject_unknown(
        params,
        (
            "customer",
            "end_time",
            "ending_before",
            "limit",
            "start_time",
            "starting_after",
            "value_grouping_window",
        ),
    )
    meter = store.get(call["id"], "billing.meter")
    customer = require_str(params, "customer")
    store.get(customer, "customer", param="customer")
    start, end = require_int(params, "start_time", minimum=0), require_int(params, "end_time", minimum=0)
    window_name = get_str(params, "value_grouping_window", choices=tuple(WINDOWS))
    window = WINDOWS[window_name] if window_name else None
    for name, at in (("start_time", start), ("end_time", end)):
        if at % MINUTE:
            raise invalid(f"`{name}` must be aligned with minute boundaries.", param=name)
        if window is not None and at % window:
            raise invalid(f"`{name}` must be aligned with {window_name} boundaries (UTC).", param=name)
    if end <= start:
        raise invalid("`end_time` must be after `start_time`.", param="end_time")
    bounds = [(s, min(end, s + window)) for s in range(start, end, window)] if window else [(start, end)]
    values = usage_by_window(store, meter, customer, bounds)
    summaries = [
        {
            "id": "mtrusg_"
            + hashlib.sha256(f"{meter['id']}:{customer}:{s}:{window}".encode()).hexdigest()[:24],
            "object": "billing.meter_event_summary",
            "aggregated_value": value,
            "end_time": e,
            "livemode": False,
            "meter": meter["id"],
            "start_time": s,
        }
        for (s, e), value in zip(bounds, values, strict=True)
    ]
    return list_object(summaries, params, f"/v1/billing/meters/{meter['id']}/event_summaries")


def metered_line_quantity(store: Store, price: StripeObject, customer: str, start: int, end: int) -> int:
    """The whole units a metered price bills for `[start, end)`: the meter's aggregate, rounded down."""
    meter = store.get(price["recurring"]["meter"], "billing.meter", param="recurring[meter]")
    return int(usage(store, meter, customer, start, end))


def check_meter(store: Store, meter_id: str | None) -> str:
    if not meter_id:
        raise StripeError(400, "Metered prices must have a meter.", param="recurring[meter]")
    store.get(meter_id, "billing.meter", param="recurring[meter]")
    return meter_id
