"""The subscriptions each customer was last seen with, kept across requests, instances and restarts.

Stripe previews an upcoming invoice only for a subscription id. Without a hint, a dashboard reads the
previews a round trip after the list that names the subscriptions; with the ids seen last time, beside it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from portalql.persistence.repositories.known_subscriptions import (
    known_subscription_ids,
    replace_known_subscription_ids,
)
from resolvers.errors import DatabaseUnavailableError

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from portalql.persistence.db import Database

logger = logging.getLogger(__name__)


class DatabaseKnownSubscriptions:
    """`resolvers.ports.KnownSubscriptions` on the database, with the customers seen lately held in memory.

    A hint is never an answer, so a failed read is an empty hint and a failed write is logged, not raised.
    Writes happen in the background, once per change: a request never waits for one.
    """

    def __init__(self, database: Database, *, max_customers: int = 10_000) -> None:
        self._database = database
        self._max_customers = max_customers
        self._recent: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._running: set[asyncio.Task[None]] = set()

    async def of(self, customer_id: str) -> frozenset[str]:
        ids = self._recent.get(customer_id)
        if ids is not None:
            return ids
        # A task of its own, which `aclose` waits for: the request that asked may finish without the hint.
        read = self._track(self._read(customer_id))
        await asyncio.shield(read)
        return self._recent.get(customer_id, frozenset())

    def saw(self, customer_id: str, subscription_ids: frozenset[str]) -> None:
        if self._recent.get(customer_id) == subscription_ids:
            return
        self._remember(customer_id, subscription_ids)
        self._track(self._write(customer_id, subscription_ids))

    def forget(self, customer_id: str) -> None:
        """Read the customer's known subscriptions from the database next time: something else wrote them."""
        self._recent.pop(customer_id, None)

    async def aclose(self) -> None:
        """Wait for the reads and writes still running."""
        await asyncio.gather(*self._running)

    def _track(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def _read(self, customer_id: str) -> None:
        try:
            async with self._database.session() as db:
                ids = await known_subscription_ids(db, customer_id)
        except (SQLAlchemyError, OSError, DatabaseUnavailableError):
            logger.warning("could not read the known subscriptions of %s", customer_id, exc_info=True)
            return
        self._remember(customer_id, ids)

    def _remember(self, customer_id: str, ids: frozenset[str]) -> None:
        self._recent[customer_id] = ids
        self._recent.move_to_end(customer_id)
        if len(self._recent) > self._max_customers:
            self._recent.popitem(last=False)

    async def _write(self, customer_id: str, ids: frozenset[str]) -> None:
        try:
            async with self._database.session() as db:
                await replace_known_subscription_ids(db, customer_id, ids)
        except (SQLAlchemyError, OSError, DatabaseUnavailableError):
            logger.warning("could not record the known subscriptions of %s", customer_id, exc_info=True)
            self._recent.pop(customer_id, None)  # so the next read that sees them writes them again
