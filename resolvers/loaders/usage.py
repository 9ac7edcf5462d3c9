"""Usage and credit loaders: the account's meters, a customer's usage timelines, credit and balance changes.

None of these waits for another read: the meters need nothing, the rest only the customer's id. So a query
that shows them starts them beside the customer's own read (`read_meters_ahead`, `read_credits_ahead`) and
a dashboard stays one Stripe round trip.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.loaders.batching import Loader, each, observe

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import (
        BalanceTransaction,
        CreditGrant,
        CreditLedgerEntry,
        CreditSummary,
        Meter,
        Page,
        UsageSeries,
        UsageWindow,
    )

# The one key of the meters read, which takes no argument.
_METERS = "meters"


@dataclass(frozen=True, slots=True)
class UsageKey:
    """A customer's usage of one meter over `[start, end)`, per `window` (or in one total)."""

    meter_id: str
    customer_id: str
    start: int
    end: int
    window: UsageWindow | None


@dataclass(frozen=True, slots=True)
class BalancePageKey:
    customer_id: str
    limit: int
    starting_after: str | None = None


class UsageLoaders:
    def __init__(self, gateway: BillingGateway) -> None:
        self._gateway = gateway
        self._meters = Loader(self._fetch_meters)
        self._usage = Loader(self._fetch_usage)
        self._credit_summaries = Loader(self._fetch_credit_summaries)
        self._credit_grants = Loader(self._fetch_credit_grants)
        self._credit_ledgers = Loader(self._fetch_credit_ledgers)
        self._balance_pages = Loader(self._fetch_balance_pages)

    def meters(self) -> Awaitable[tuple[Meter, ...]]:
        return self._meters.load(_METERS)

    def usage(self, key: UsageKey) -> Awaitable[UsageSeries]:
        return self._usage.load(key)

    def credit_summary(self, customer_id: str) -> Awaitable[CreditSummary]:
        return self._credit_summaries.load(customer_id)

    def credit_grants(self, customer_id: str) -> Awaitable[Page[CreditGrant]]:
        return self._credit_grants.load(customer_id)

    def credit_ledger(self, customer_id: str) -> Awaitable[Page[CreditLedgerEntry]]:
        return self._credit_ledgers.load(customer_id)

    def balance_page(self, key: BalancePageKey) -> Awaitable[Page[BalanceTransaction]]:
        return self._balance_pages.load(key)

    def read_meters_ahead(self) -> None:
        self._start(self.meters())

    def read_credits_ahead(self, customer_id: str) -> None:
        """The balance, the grants and their ledger (which tells what is left of each), all at once."""
        self._start(self.credit_summary(customer_id))
        self._start(self.credit_grants(customer_id))
        self._start(self.credit_ledger(customer_id))

    def _start(self, read: Awaitable[object]) -> None:
        # Held by its loader until a field awaits it: a failure nobody awaits is not worth a warning.
        asyncio.ensure_future(read).add_done_callback(observe)

    async def _fetch_meters(self, keys: list[str]) -> list[tuple[Meter, ...] | Exception]:
        return await each(keys, lambda _key: self._gateway.list_meters())

    async def _fetch_usage(self, keys: list[UsageKey]) -> list[UsageSeries | Exception]:
        return await each(
            keys,
            lambda key: self._gateway.meter_usage(
                key.meter_id, key.customer_id, start=key.start, end=key.end, window=key.window
            ),
        )

    async def _fetch_credit_summaries(self, ids: list[str]) -> list[CreditSummary | Exception]:
        return await each(ids, self._gateway.credit_summary)

    async def _fetch_credit_grants(self, ids: list[str]) -> list[Page[CreditGrant] | Exception]:
        return await each(ids, self._gateway.list_credit_grants)

    async def _fetch_credit_ledgers(self, ids: list[str]) -> list[Page[CreditLedgerEntry] | Exception]:
        return await each(ids, self._gateway.list_credit_ledger)

    async def _fetch_balance_pages(
        self, keys: list[BalancePageKey]
    ) -> list[Page[BalanceTransaction] | Exception]:
        return await each(
            keys,
            lambda key: self._gateway.list_balance_transactions(
                key.customer_id, limit=key.limit, starting_after=key.starting_after
            ),
        )
