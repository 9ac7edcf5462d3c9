"""Subscription loaders: a customer's list (all, or the current ones out of it) and subscriptions by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.loaders.batching import Loader, each
from resolvers.pagination import MAX_PAGE_SIZE
from stripe_gateway.records import Subscription

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from stripe_gateway.interface import BillingGateway


class SubscriptionLoaders:
    """A customer's subscriptions and subscriptions by id. What they fetch goes to `read` with the customer
    whose list it is (None for one read by id), to prime what the subscriptions hold."""

    def __init__(
        self, gateway: BillingGateway, *, read: Callable[[Iterable[Subscription], str | None], None]
    ) -> None:
        self._gateway = gateway
        self._read = read
        self._all = Loader(self._fetch_all)
        self._current = Loader(self._fetch_current)
        self._subscriptions = Loader(self._fetch)

    def of_customer(self, customer_id: str, *, include_ended: bool) -> Awaitable[tuple[Subscription, ...]]:
        loader = self._all if include_ended else self._current
        return loader.load(customer_id)

    def load(self, subscription_id: str) -> Awaitable[Subscription]:
        return self._subscriptions.load(subscription_id)

    def prime_current(self, customer_id: str, subscriptions: tuple[Subscription, ...]) -> None:
        self._current.prime(customer_id, subscriptions)

    def prime(self, subscriptions: Iterable[Subscription]) -> None:
        for subscription in subscriptions:
            self._subscriptions.prime(subscription.id, subscription)

    async def _fetch_all(self, customer_ids: list[str]) -> list[tuple[Subscription, ...] | Exception]:
        async def fetch(customer_id: str) -> tuple[Subscription, ...]:
            page = await self._gateway.list_subscriptions(customer_id, status="all", limit=MAX_PAGE_SIZE)
            self._read(page.data, customer_id)
            return page.data

        return await each(customer_ids, fetch)

    async def _fetch_current(self, customer_ids: list[str]) -> list[tuple[Subscription, ...] | Exception]:
        # Through the full list: a query asking for both current and ended subscriptions makes one call.
        async def fetch(customer_id: str) -> tuple[Subscription, ...]:
            every = await self._all.load(customer_id)
            return tuple(s for s in every if not s.has_ended)

        return await each(customer_ids, fetch)

    async def _fetch(self, ids: list[str]) -> list[Subscription | Exception]:
        subscriptions = await each(ids, self._gateway.retrieve_subscription)
        self._read((s for s in subscriptions if isinstance(s, Subscription)), None)
        return subscriptions
