"""What processing an event drops from the cache, when events about one object arrive out of order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalql.webhooks.inbox import EventProcessor, dispatch, store_event
from stripe_gateway.records import ChangedField
from tests.webhooks.events import payment_method, typed_event

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from stripe_gateway.records import Event


class RecordedInvalidations:
    """A read cache that only notes what it is asked to drop."""

    def __init__(self) -> None:
        self.dropped: list[tuple[str, str]] = []

    async def invalidate_customer(self, customer_id: str) -> None:
        self.dropped.append(("customer", customer_id))

    async def invalidate_object(self, object_id: str) -> None:
        self.dropped.append(("object", object_id))


def card_event(
    event_id: str, event_type: str, *, created: int, owner: str | None, previous: str | None
) -> Event:
    card = payment_method(customer_id=owner)
    detached = event_type.endswith("detached")
    return typed_event(
        event_type,
        card,
        previous=payment_method(customer_id=previous) if detached else None,
        changed={ChangedField.CUSTOMER} if detached else (),
        created=created,
        event_id=event_id,
    )


async def test_a_card_moved_between_customers_refreshes_both_whatever_the_order_of_its_events(
    database: Database,
) -> None:
    attached_to_a = card_event("evt_1", "payment_method.attached", created=100, owner="cus_A", previous=None)
    detached_from_a = card_event(
        "evt_2", "payment_method.detached", created=200, owner=None, previous="cus_A"
    )
    attached_to_b = card_event("evt_3", "payment_method.attached", created=300, owner="cus_B", previous=None)
    cache = RecordedInvalidations()
    processor = EventProcessor(database, cache)

    dropped_by = {}
    for event in (attached_to_b, detached_from_a, attached_to_a):
        change = dispatch(event)
        assert change is not None
        await store_event(database, event, change)
        await processor.process(event, change)
        dropped_by[event.id], cache.dropped = cache.dropped, []

    assert dropped_by == {
        "evt_3": [("customer", "cus_B"), ("object", "pm_1")],
        # B's newer event says nothing about A, whose cached cards still list this one.
        "evt_2": [("customer", "cus_A"), ("object", "pm_1")],
        # Older than the detach already applied for A: whatever A's cache holds came after both.
        "evt_1": [],
    }
