"""Events: `/v1/events`, the log of every change the sandbox made."""

from __future__ import annotations

import fnmatch

from stripe_sandbox.routing import Call, router
from stripe_sandbox.wire import (
    StripeObject,
    get_list,
    get_range,
    get_str,
    invalid,
    list_object,
    missing,
    reject_unknown,
)

MAX_TYPES = 20


@router.get("/v1/events/{id}")
def retrieve_event(call: Call) -> StripeObject:
    event = call.store.events_by_id.get(call["id"])
    if event is None:
        raise missing("event", call["id"])
    return event


@router.get("/v1/events")
def list_events(call: Call) -> StripeObject:
    params = call.params
    reject_unknown(params, ("created", "ending_before", "limit", "starting_after", "type", "types"))
    one = get_str(params, "type")
    many = get_list(params, "types")
    if one is not None and many is not None:
        raise invalid("You may only specify one of these parameters: type, types.", param="types")
    if many is not None and len(many) > MAX_TYPES:
        raise invalid(f"You may only specify up to {MAX_TYPES} types.", param="types")
    names = {str(t) for t in many} if many is not None else None
    created = get_range(params, "created")
    return list_object(
        call.store.events,
        params,
        "/v1/events",
        where=lambda e: (
            (one is None or fnmatch.fnmatchcase(e["type"], one))  # `type` takes a wildcard: `customer.*`
            and (names is None or e["type"] in names)
            and (created is None or created(e["created"]))
        ),
    )
