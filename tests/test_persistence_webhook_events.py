from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from portalql.persistence.models import WebhookEvent
from portalql.persistence.repositories.webhook_events import (
    latest_processed_stripe_created,
    mark_webhook_event_processed,
    record_webhook_event,
)

if TYPE_CHECKING:
    from portalql.persistence.db import Database


async def _receive(
    database: Database, event_id: str, *, object_id: str = "sub_1", created: int = 1_700_000_000
) -> bool:
    async with database.session() as db:
        return await record_webhook_event(
            db,
            stripe_event_id=event_id,
            event_type="customer.subscription.updated",
            stripe_created=created,
            payload={"id": event_id, "data": {"object": {"id": object_id}}},
            customer_id="cus_A",
            object_id=object_id,
        )


async def test_first_delivery_is_new_and_redelivery_is_ignored(database: Database) -> None:
    first = await _receive(database, "evt_1")
    redelivered = await _receive(database, "evt_1")

    async with database.session() as db:
        rows = (await db.scalars(select(WebhookEvent))).all()
    assert first is True
    assert redelivered is False
    assert len(rows) == 1
    assert rows[0].payload == {"id": "evt_1", "data": {"object": {"id": "sub_1"}}}
    assert rows[0].processed_at is None


async def test_distinct_events_are_all_stored(database: Database) -> None:
    results = [await _receive(database, event_id) for event_id in ("evt_1", "evt_2", "evt_3")]

    async with database.session() as db:
        count = await db.scalar(select(func.count()).select_from(WebhookEvent))
    assert results == [True, True, True]
    assert count == 3


async def test_latest_processed_time_ignores_unprocessed_events_and_other_objects(database: Database) -> None:
    await _receive(database, "evt_old", created=100)
    await _receive(database, "evt_new", created=200)
    await _receive(database, "evt_newest_unprocessed", created=300)
    await _receive(database, "evt_other_object", object_id="sub_2", created=400)

    async with database.session() as db:
        before_processing = await latest_processed_stripe_created(db, "sub_1")
        await mark_webhook_event_processed(db, "evt_new")
        await mark_webhook_event_processed(db, "evt_old")
        await mark_webhook_event_processed(db, "evt_other_object")
    async with database.session() as db:
        after_processing = await latest_processed_stripe_created(db, "sub_1")
        unknown_object = await latest_processed_stripe_created(db, "sub_unknown")

    assert before_processing is None
    assert after_processing == 200
    assert unknown_object is None


async def test_marking_processed_records_the_time(database: Database) -> None:
    await _receive(database, "evt_1")

    async with database.session() as db:
        await mark_webhook_event_processed(db, "evt_1")
    async with database.session() as db:
        row = await db.scalar(select(WebhookEvent).where(WebhookEvent.stripe_event_id == "evt_1"))

    assert row is not None
    assert row.processed_at is not None
    assert row.processed_at.tzinfo is not None
