from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from portalql.persistence.models import AuditEvent, ExpectedAudit, utcnow
from portalql.persistence.repositories.audit import AuditCursor, list_audit_events, record_audit_event
from portalql.persistence.repositories.expected_audits import (
    EXPECTATION_LIFETIME,
    drop_lapsed_expected_audits,
    expect_audit_event,
)
from resolvers.ports import AuditSource, PrincipalType

if TYPE_CHECKING:
    from datetime import datetime

    from portalql.persistence.db import Database


async def _record(database: Database, *, customer_id: str, object_id: str, occurred_at: datetime) -> int:
    async with database.session() as db:
        event = await record_audit_event(
            db,
            principal_type=PrincipalType.CUSTOMER_SESSION,
            principal_id="pqcs_1",
            customer_id=customer_id,
            action="subscription.cancel",
            object_type="subscription",
            object_id=object_id,
            occurred_at=occurred_at,
        )
    return event.id


async def test_recorded_event_keeps_every_field(database: Database) -> None:
    occurred_at = utcnow()

    async with database.session() as db:
        event = await record_audit_event(
            db,
            principal_type=PrincipalType.STRIPE,
            principal_id="evt_1",
            customer_id="cus_A",
            action="subscription.updated",
            object_type="subscription",
            object_id="sub_1",
            before={"cancel_at_period_end": False},
            after={"cancel_at_period_end": True},
            request_id="req_1",
            client_ip="2001:db8::1",
            source=AuditSource.EXTERNAL,
            occurred_at=occurred_at,
        )
    async with database.session() as db:
        stored = await db.get_one(AuditEvent, event.id)

    assert (stored.principal_type, stored.principal_id, stored.source) == (
        PrincipalType.STRIPE,
        "evt_1",
        AuditSource.EXTERNAL,
    )
    assert (stored.action, stored.object_type, stored.object_id) == (
        "subscription.updated",
        "subscription",
        "sub_1",
    )
    assert stored.before == {"cancel_at_period_end": False}
    assert stored.after == {"cancel_at_period_end": True}
    assert (stored.request_id, stored.client_ip) == ("req_1", "2001:db8::1")
    assert stored.occurred_at == occurred_at


async def test_missing_before_and_after_are_stored_as_sql_null(database: Database) -> None:
    event_id = await _record(database, customer_id="cus_A", object_id="sub_1", occurred_at=utcnow())

    async with database.session() as db:
        null_ids = (
            await db.scalars(
                select(AuditEvent.id).where(AuditEvent.before.is_(None), AuditEvent.after.is_(None))
            )
        ).all()

    assert null_ids == [event_id]


async def test_listing_pages_through_one_customers_events_newest_first(database: Database) -> None:
    start = utcnow()
    # Events 2 and 3 share a timestamp and fall on either side of a page boundary, so paging must use the id.
    seconds = [0, 1, 2, 2, 3]
    ids = [
        await _record(
            database, customer_id="cus_A", object_id=f"sub_{n}", occurred_at=start + timedelta(seconds=s)
        )
        for n, s in enumerate(seconds)
    ]
    await _record(database, customer_id="cus_B", object_id="sub_other", occurred_at=start)

    async with database.session() as db:
        first = await list_audit_events(db, customer_id="cus_A", limit=2)
        assert first.next_cursor is not None
        second = await list_audit_events(db, customer_id="cus_A", limit=2, after=first.next_cursor)
        assert second.next_cursor is not None
        third = await list_audit_events(db, customer_id="cus_A", limit=2, after=second.next_cursor)

    assert [event.id for event in first.events] == [ids[4], ids[3]]
    assert [event.id for event in second.events] == [ids[2], ids[1]]
    assert [event.id for event in third.events] == [ids[0]]
    assert third.next_cursor is None


async def test_last_page_has_no_next_cursor(database: Database) -> None:
    event_id = await _record(database, customer_id="cus_A", object_id="sub_1", occurred_at=utcnow())

    async with database.session() as db:
        page = await list_audit_events(db, customer_id="cus_A", limit=5)

    assert [event.id for event in page.events] == [event_id]
    assert page.next_cursor is None


async def test_cursor_survives_encoding() -> None:
    cursor = AuditCursor(occurred_at=utcnow(), id=42)

    assert AuditCursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("garbage", ["", "not base64!", "bm90aGluZw==", "MjAyNC0wMS0wMXwx"])
async def test_cursor_rejects_strings_it_did_not_make(garbage: str) -> None:
    with pytest.raises(ValueError, match="not an audit cursor"):
        AuditCursor.decode(garbage)


async def test_listing_rejects_a_non_positive_limit(database: Database) -> None:
    async with database.session() as db:
        with pytest.raises(ValueError, match="limit must be positive"):
            await list_audit_events(db, customer_id="cus_A", limit=0)


def _expected(write_key: str, created_at: datetime) -> ExpectedAudit:
    return ExpectedAudit(
        write_key=write_key,
        target="t",
        created_at=created_at,
        principal_type=PrincipalType.CUSTOMER_SESSION,
        principal_id="pqcs_1",
        customer_id="cus_1",
        action="customer.update",
        object_type="customer",
        object_id="cus_1",
        before=None,
        after={"name": "Maya"},
        request_id="req_1",
        client_ip=None,
    )


async def test_kept_entries_of_writes_nothing_can_confirm_any_more_are_dropped(database: Database) -> None:
    now = utcnow()
    async with database.session() as db:
        await expect_audit_event(db, _expected("lapsed", now - EXPECTATION_LIFETIME - timedelta(seconds=1)))
        await expect_audit_event(db, _expected("waiting", now - EXPECTATION_LIFETIME + timedelta(minutes=1)))

    async with database.session() as db:
        dropped = await drop_lapsed_expected_audits(db, now=now)
    async with database.session() as db:
        kept = set(await db.scalars(select(ExpectedAudit.write_key)))

    assert dropped == 1
    assert kept == {"waiting"}
