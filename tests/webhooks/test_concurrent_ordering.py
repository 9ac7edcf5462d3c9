"""An older and a newer event of one subscription delivered at (almost) the same time: the newer state wins.

Each event is applied in one transaction that holds its object's events, so the two are applied one after
the other and the second sees the first. The state compared is what portalql keeps of the subscription:
whether its customer's dashboards preview it (it invoices again after the newer event, not after the older).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from portalql.persistence.models import KnownSubscription
from tests.api.mutation_support import MAYA, subscription
from tests.webhooks.conftest import deliver, stripe_event

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from tests.fixtures.sandbox import SandboxHandle

TRIES = 40
# The newer event's delivery leads by this much: both are in flight together.
_APART_SECONDS = 0.005


def _updated(
    stored: dict[str, Any], subscription_id: str, *, canceling: bool, created: int
) -> dict[str, Any]:
    obj = {**stored, "id": subscription_id, "cancel_at_period_end": canceling}
    return stripe_event(
        "customer.subscription.updated",
        obj,
        created=created,
        event_id=f"evt_{subscription_id}_{created}",
        previous_attributes={"cancel_at_period_end": not canceling},
    )


async def _known(database: Database, customer_id: str) -> set[str]:
    async with database.session() as db:
        return set(
            await db.scalars(
                select(KnownSubscription.subscription_id).where(KnownSubscription.customer_id == customer_id)
            )
        )


async def _later(seconds: float, delivery: Any) -> httpx.Response:
    await asyncio.sleep(seconds)
    response: httpx.Response = await delivery
    return response


async def test_the_newer_of_two_concurrent_events_always_wins(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database
) -> None:
    stored = subscription(sandbox, MAYA)
    customer_id = stored["customer"]
    now = int(time.time())
    ids = [f"sub_race_{attempt}" for attempt in range(TRIES)]
    statuses = []

    for subscription_id in ids:
        older = _updated(stored, subscription_id, canceling=True, created=now)
        newer = _updated(stored, subscription_id, canceling=False, created=now + 60)
        responses = await asyncio.gather(
            deliver(client, newer), _later(_APART_SECONDS, deliver(client, older))
        )
        statuses += [response.status_code for response in responses]

    assert statuses == [200] * 2 * TRIES
    # Reactivated last, every subscription invoices again: none is missing from its customer's known ones.
    assert await _known(database, customer_id) >= set(ids)
