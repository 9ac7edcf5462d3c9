"""`portalql webhooks replay --since …`: fetch the events Stripe sent (or failed to send) since a time and
process those the inbox has not processed, oldest first. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from portalql.live import live_changes
from portalql.persistence.db import Database
from portalql.persistence.repositories.webhook_events import unprocessed_webhook_event_ids
from portalql.runtime import connect_cached_gateway
from portalql.webhooks.handlers import HANDLERS
from portalql.webhooks.inbox import EventProcessor, dispatch, store_event

if TYPE_CHECKING:
    from portalql.settings import Settings
    from resolvers.live import LiveChanges
    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import Event

_DURATION = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
# Stripe's largest page of events, and the most types one events list filters by.
_PAGE_SIZE = 100
_TYPES_PER_LIST = 20
# Well below SQLite's limit on the parameters of one statement.
_IDS_PER_QUERY = 500


@dataclass(frozen=True)
class ReplayReport:
    fetched: int
    """Events of the handled types that Stripe listed."""
    processed: int
    """Of those, the ones processed now (new, or stored earlier but never processed)."""


def parse_since(value: str, *, now: datetime | None = None) -> datetime:
    """`2h`, `30m`, `7d`, `90s` before now, or an ISO-8601 time (UTC when it names no zone)."""
    text = value.strip()
    duration = _DURATION.fullmatch(text)
    if duration is not None:
        amount, unit = duration.groups()
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[unit]: int(amount)})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"not a time or a duration: {value!r} (try 2h, 30m, 7d or 2026-11-15T10:00:00Z)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def replay(settings: Settings, *, since: datetime) -> ReplayReport:
    """`replay_events` on the configured database and Stripe account, invalidating through the shared cache
    (with Redis, running instances drop what the replayed events make stale and tell their watchers)."""
    database = Database(settings.database_url)
    try:
        await database.migrate()
        gateway = await connect_cached_gateway(settings)
        try:
            async with live_changes(settings) as live:
                return await replay_events(database, gateway, since=since, live=live)
        finally:
            await gateway.close()
    finally:
        await database.dispose()


async def replay_events(
    database: Database, gateway: BillingGateway, *, since: datetime, live: LiveChanges | None = None
) -> ReplayReport:
    """Store every handled event since `since`, then process the unprocessed ones, oldest first; the
    gateway both lists the events and drops the reads they make stale."""
    events = await _events_since(gateway, int(since.timestamp()))
    handled = [(event, change) for event in events if (change := dispatch(event)) is not None]
    for event, change in handled:
        await store_event(database, event, change)
    pending: set[str] = set()
    for start in range(0, len(handled), _IDS_PER_QUERY):
        async with database.session() as db:
            chunk = [event.id for event, _ in handled[start : start + _IDS_PER_QUERY]]
            pending |= await unprocessed_webhook_event_ids(db, chunk)
    processor = EventProcessor(database, gateway, live=live)
    processed = 0
    for event, change in handled:
        if event.id in pending and await processor.process(event, change):
            processed += 1
    return ReplayReport(fetched=len(events), processed=processed)


async def _events_since(gateway: BillingGateway, created_gte: int) -> list[Event]:
    """Every handled event since `created_gte`, oldest first: one listing per 20 handled types, merged."""
    handled = sorted(HANDLERS)
    events: list[Event] = []
    for start in range(0, len(handled), _TYPES_PER_LIST):
        events += await _listed(gateway, created_gte, handled[start : start + _TYPES_PER_LIST])
    # Stable: events of the same second keep the order their listing gave them.
    events.sort(key=lambda event: event.created)
    return events


async def _listed(gateway: BillingGateway, created_gte: int, types: list[str]) -> list[Event]:
    """The events of `types` since `created_gte`, oldest first (Stripe lists newest first)."""
    events: list[Event] = []
    starting_after: str | None = None
    while True:
        page = await gateway.list_events(
            created_gte=created_gte, starting_after=starting_after, types=types, limit=_PAGE_SIZE
        )
        events.extend(page.data)
        if not page.has_more or not page.data:
            break
        starting_after = page.data[-1].id
    events.reverse()
    return events
