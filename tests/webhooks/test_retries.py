"""Failed webhook processing is retried in the background, from the inbox in the database.

The failure is the shared read cache refusing to drop stale reads (`FlakyStaleReads`); a retry is a fresh
processor reading the stored event back, as a restarted process would.
"""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from portalql.webhooks.inbox import FIRST_RETRY_AFTER, MAX_ATTEMPTS, EventProcessor, dispatch, store_event
from portalql.webhooks.retries import retry_due_events, retrying_webhook_events
from stripe_sandbox.webhooks import signature_header
from tests.webhooks.conftest import WEBHOOK_SECRET, audit_trail, inbox, processed
from tests.webhooks.test_endpoint import canceled_in_the_dashboard

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from stripe_gateway.records import Event
    from tests.fixtures.sandbox import SandboxHandle


class FlakyStaleReads:
    """Drops stale reads, after refusing the first `failures` times."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.dropped: list[str] = []

    async def _drop(self, what: str) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("the read cache is unreachable")
        self.dropped.append(what)

    async def invalidate_customer(self, customer_id: str) -> None:
        await self._drop(customer_id)

    async def invalidate_object(self, object_id: str) -> None:
        await self._drop(object_id)

    async def invalidate_catalog(self) -> None:
        await self._drop("catalog")


def _event(gateway: StripeGateway, document: dict[str, Any]) -> Event:
    body = json.dumps(document)
    return gateway.construct_event(
        body.encode(), signature_header(body, WEBHOOK_SECRET, int(time.time())), WEBHOOK_SECRET
    )


async def _store_and_fail(database: Database, event: Event) -> None:
    change = dispatch(event)
    assert change is not None
    await store_event(database, event, change)
    assert not await EventProcessor(database, FlakyStaleReads(failures=1)).process_or_note_failure(
        event, change
    )


async def test_a_failed_event_is_retried_after_a_restart_and_audited_once(
    gateway: StripeGateway, sandbox: SandboxHandle, database: Database
) -> None:
    event = _event(gateway, canceled_in_the_dashboard(sandbox))
    await _store_and_fail(database, event)
    [failed] = await inbox(database)
    now = datetime.now(UTC)

    not_yet = await retry_due_events(database, FlakyStaleReads(), now=now)
    after_a_restart = FlakyStaleReads()
    retried = await retry_due_events(database, after_a_restart, now=now + FIRST_RETRY_AFTER)
    again = await retry_due_events(database, FlakyStaleReads(), now=now + 10 * FIRST_RETRY_AFTER)

    assert (failed.attempts, failed.processed_at) == (1, None)
    assert failed.failure == "ConnectionError: the read cache is unreachable"
    assert failed.next_attempt_at is not None
    assert (not_yet, retried, again) == (0, 1, 0)
    assert event.object_id in after_a_restart.dropped
    [row] = await inbox(database)
    assert row.processed_at is not None
    assert [e.action for e in await audit_trail(database)] == ["subscription.cancel"]


async def test_events_of_one_object_are_retried_oldest_first(
    gateway: StripeGateway, sandbox: SandboxHandle, database: Database
) -> None:
    canceled = canceled_in_the_dashboard(sandbox, event_id="evt_older")
    reactivated = {
        **canceled,
        "id": "evt_newer",
        "created": canceled["created"] + 60,
        "data": {
            "object": {**canceled["data"]["object"], "cancel_at_period_end": False, "cancel_at": None},
            "previous_attributes": {"cancel_at_period_end": True},
        },
    }
    # The newer failed first, so it was stored first.
    for document in (reactivated, canceled):
        await _store_and_fail(database, _event(gateway, document))

    retried = await retry_due_events(database, FlakyStaleReads(), now=datetime.now(UTC) + FIRST_RETRY_AFTER)

    assert retried == 2
    trail = [(e.action, e.request_id) for e in sorted(await audit_trail(database), key=lambda e: e.id)]
    assert trail == [("subscription.cancel", "evt_older"), ("subscription.reactivate", "evt_newer")]


async def test_retries_back_off_and_stop_after_the_last_attempt(
    gateway: StripeGateway, sandbox: SandboxHandle, database: Database
) -> None:
    await _store_and_fail(database, _event(gateway, canceled_in_the_dashboard(sandbox)))
    always_failing = FlakyStaleReads(failures=10 * MAX_ATTEMPTS)
    delays = []

    for _ in range(MAX_ATTEMPTS + 2):
        [row] = await inbox(database)
        if row.next_attempt_at is None:
            break
        delays.append(row.next_attempt_at)
        await retry_due_events(database, always_failing, now=row.next_attempt_at + timedelta(seconds=1))

    [row] = await inbox(database)
    assert (row.attempts, row.next_attempt_at, row.processed_at) == (MAX_ATTEMPTS, None, None)
    gaps = [later - earlier for earlier, later in itertools.pairwise(delays)]
    assert gaps == sorted(gaps)  # each wait at least as long as the one before
    assert gaps[-1] > gaps[0]


async def test_the_background_retry_takes_up_an_event_its_receiver_never_processed(
    gateway: StripeGateway, sandbox: SandboxHandle, database: Database
) -> None:
    event = _event(gateway, canceled_in_the_dashboard(sandbox))
    change = dispatch(event)
    assert change is not None
    # Stored long enough ago, by a process that stopped before processing it.
    await store_event(database, event, change, now=datetime.now(UTC) - 2 * FIRST_RETRY_AFTER)
    stale_reads = FlakyStaleReads()

    async with retrying_webhook_events(database, stale_reads, interval_seconds=0.01):
        await processed(database, {event.id})

    assert event.object_id in stale_reads.dropped
    assert [e.action for e in await audit_trail(database)] == ["subscription.cancel"]
