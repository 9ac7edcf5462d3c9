"""The sandbox's state: every object by id, a controllable clock, deterministic ids, and the event log."""

from __future__ import annotations

import copy
import random
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from stripe_sandbox.wire import StripeObject, missing

API_VERSION = "2026-10-28.endive"
NO_REQUEST: dict[str, str | None] = {"id": None, "idempotency_key": None}
_ALPHABET = string.ascii_letters + string.digits

# How Stripe names a type in "No such …" errors where that differs from the type with spaces.
_NAMES_IN_ERRORS = {
    "payment_method": "PaymentMethod",
    "payment_intent": "payment_intent",
    "billing_portal.configuration": "configuration",
    "billing_portal.session": "session",
}

# Fields that Stripe returns only when asked for with `expand[]` ("includable" fields), computed on demand.
Includer = Callable[["Store", StripeObject], Any]


@dataclass
class Clock:
    """Real time plus an offset, or a frozen instant; `/_sandbox/advance` moves either forward."""

    frozen_at: int | None = None
    offset: int = 0

    def now(self) -> int:
        return self.frozen_at if self.frozen_at is not None else int(time.time()) + self.offset

    def advance(self, seconds: int) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds


@dataclass
class Store:
    """All sandbox objects, keyed by their globally unique Stripe-style id."""

    seed: int = 0
    clock: Clock = field(default_factory=Clock)
    objects: dict[str, StripeObject] = field(default_factory=dict)
    events: list[StripeObject] = field(default_factory=list)
    events_by_id: dict[str, StripeObject] = field(default_factory=dict)
    # The API call being handled, echoed in its events' `request` as Stripe does; null for automatic changes.
    current_request: dict[str, str | None] = field(default_factory=lambda: dict(NO_REQUEST))
    # Called with each new event; the webhook deliverer subscribes here.
    event_listeners: list[Callable[[StripeObject], None]] = field(default_factory=list)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - ids must repeat across runs, not be secret

    def now(self) -> int:
        return self.clock.now()

    def new_id(self, prefix: str, length: int = 14) -> str:
        """A Stripe-looking id (`cus_NffrFeUfNV2Hib`), deterministic for a given seed."""
        return f"{prefix}_" + "".join(self._random.choices(_ALPHABET, k=length))

    def random_secret(self, length: int = 24) -> str:
        return "".join(self._random.choices(_ALPHABET, k=length))

    def add(self, obj: StripeObject) -> StripeObject:
        self.objects[obj["id"]] = obj
        return obj

    def get(self, object_id: str, object_type: str, *, param: str = "id") -> StripeObject:
        """The stored object (mutable), or Stripe's 404 when it does not exist or is of another type."""
        obj = self.objects.get(object_id)
        if obj is None or obj.get("object") != object_type or obj.get("deleted"):
            name = _NAMES_IN_ERRORS.get(object_type, object_type.replace("_", " "))
            raise missing(name, object_id, param=param)
        return obj

    def find(self, object_id: str) -> StripeObject | None:
        return self.objects.get(object_id)

    def all(self, object_type: str) -> list[StripeObject]:
        """Objects of one type, oldest first (creation time, then insertion order)."""
        found = [obj for obj in self.objects.values() if obj.get("object") == object_type]
        return sorted(found, key=lambda obj: obj.get("created", 0))

    def iter_type(self, object_type: str) -> Iterator[StripeObject]:
        return (obj for obj in self.objects.values() if obj.get("object") == object_type)

    def emit(
        self,
        event_type: str,
        obj: StripeObject,
        previous_attributes: dict[str, Any] | None = None,
    ) -> StripeObject:
        """Record the event Stripe would send for a change, and hand it to the webhook deliverer."""
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous_attributes is not None:
            data["previous_attributes"] = copy.deepcopy(previous_attributes)
        event: StripeObject = {
            "id": self.new_id("evt", 24),
            "object": "event",
            "api_version": API_VERSION,
            "created": self.now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1 if self.event_listeners else 0,
            "request": dict(self.current_request),
            "type": event_type,
        }
        self.events.append(event)
        self.events_by_id[event["id"]] = event
        for listener in self.event_listeners:
            listener(event)
        return event

    def save_changes(self, event_type: str, stored: StripeObject, draft: StripeObject) -> StripeObject:
        """Write `draft` (a changed copy of `stored`, validated in full) over `stored` and emit the update
        event. Handlers change a draft so a call refused halfway leaves the object as it was."""
        before = copy.deepcopy(stored)
        stored.clear()
        stored.update(draft)
        self.emit_changes(event_type, before, stored)
        return stored

    def emit_changes(self, event_type: str, before: StripeObject, after: StripeObject) -> StripeObject | None:
        """Emit an `*.updated` event with `previous_attributes`; no change, no event (as on Stripe)."""
        changed = previous_attributes(before, after)
        return self.emit(event_type, after, changed) if changed else None


def previous_attributes(before: StripeObject, after: StripeObject) -> dict[str, Any]:
    """What an `*.updated` event reports: the old values of changed fields, descending into hashes."""
    changed: dict[str, Any] = {}
    for key, old in before.items():
        new = after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict) and "object" not in old:
            changed[key] = previous_attributes(old, new) | dict.fromkeys(new.keys() - old.keys())
        else:
            changed[key] = copy.deepcopy(old)
    return changed


# Registry of includable fields, filled by the resource modules: (object type, field) -> how to compute it.
INCLUDABLE: dict[tuple[str, str], Includer] = {}


def includable(object_type: str, field_name: str) -> Callable[[Includer], Includer]:
    def register(fn: Includer) -> Includer:
        INCLUDABLE[(object_type, field_name)] = fn
        return fn

    return register
