"""Invoice loaders: a customer's invoice pages, invoices by id with their payments, and upcoming invoices.

Stripe previews an upcoming invoice only for a subscription id, so a query that shows them starts the
previews of the subscriptions the customer was last seen with (`read_previews_ahead`) beside the read that
lists them; only a subscription new since then waits for the list.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.loaders.batching import Loader, each, observe
from stripe_gateway.records import Invoice, InvoicePayment, InvoiceStatus, Page

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable

    from resolvers.ports import KnownSubscriptions
    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import Subscription


@dataclass(frozen=True, slots=True)
class InvoicePageKey:
    """One page of a customer's invoices, as Stripe's list call takes it."""

    customer_id: str
    status: InvoiceStatus | None
    limit: int
    starting_after: str | None = None
    ending_before: str | None = None
    with_payments: bool = False


@dataclass(frozen=True, slots=True)
class UpcomingKey:
    """The upcoming invoice of one of a customer's subscriptions."""

    customer_id: str
    subscription_id: str


class InvoiceLoaders:
    """Invoice pages and invoices by id (each primes the invoices and the payments they came with), and the
    previews of upcoming invoices, some started ahead of the subscriptions' list."""

    def __init__(self, gateway: BillingGateway, known_subscriptions: KnownSubscriptions | None) -> None:
        self._gateway = gateway
        self._known_subscriptions = known_subscriptions
        self._pages = Loader(self._fetch_pages)
        self._invoices = Loader(self._fetch_invoices)
        self._payments = Loader(self._fetch_payments)
        self._upcoming = Loader(self._fetch_upcoming)
        # The customers whose upcoming invoices this request started ahead of their subscriptions.
        self._previews_ahead: set[str] = set()

    def page(self, key: InvoicePageKey) -> Awaitable[Page[Invoice]]:
        return self._pages.load(key)

    def load(self, invoice_id: str) -> Awaitable[Invoice]:
        return self._invoices.load(invoice_id)

    def payments(self, invoice_id: str) -> Awaitable[tuple[InvoicePayment, ...]]:
        return self._payments.load(invoice_id)

    def upcoming(self, key: UpcomingKey) -> Awaitable[Invoice | None]:
        return self._upcoming.load(key)

    def read_previews_ahead(self, customer_id: str) -> None:
        if self._known_subscriptions is None or customer_id in self._previews_ahead:
            return
        self._previews_ahead.add(customer_id)
        start = asyncio.ensure_future(self._start_previews(self._known_subscriptions, customer_id))
        start.add_done_callback(observe)

    def saw_subscriptions(self, customer_id: str, subscriptions: Iterable[Subscription]) -> None:
        """Remember the subscriptions a customer's list showed, for previews a later request starts ahead."""
        if self._known_subscriptions is not None and customer_id in self._previews_ahead:
            ids = frozenset(s.id for s in subscriptions if s.invoices_again)
            self._known_subscriptions.saw(customer_id, ids)

    async def _start_previews(self, known: KnownSubscriptions, customer_id: str) -> None:
        for subscription_id in await known.of(customer_id):
            # Awaited once the list shows the subscription; a preview of one that has gone is dropped.
            preview = asyncio.ensure_future(self.upcoming(UpcomingKey(customer_id, subscription_id)))
            preview.add_done_callback(observe)

    def _prime(self, invoices: Iterable[Invoice]) -> None:
        for invoice in invoices:
            self._invoices.prime(invoice.id, invoice)
            if invoice.payments is not None:
                self._payments.prime(invoice.id, invoice.payments)

    async def _fetch_pages(self, keys: list[InvoicePageKey]) -> list[Page[Invoice] | Exception]:
        async def fetch(key: InvoicePageKey) -> Page[Invoice]:
            page = await self._gateway.list_invoices(
                customer_id=key.customer_id,
                status=key.status,
                limit=key.limit,
                starting_after=key.starting_after,
                ending_before=key.ending_before,
                with_payments=key.with_payments,
            )
            self._prime(page.data)
            return page

        return await each(keys, fetch)

    async def _fetch_invoices(self, ids: list[str]) -> list[Invoice | Exception]:
        invoices = await each(ids, self._gateway.retrieve_invoice)
        self._prime(i for i in invoices if isinstance(i, Invoice))
        return invoices

    async def _fetch_payments(self, invoice_ids: list[str]) -> list[tuple[InvoicePayment, ...] | Exception]:
        return await each(invoice_ids, self._gateway.list_invoice_payments)

    async def _fetch_upcoming(self, keys: list[UpcomingKey]) -> list[Invoice | Exception | None]:
        async def fetch(key: UpcomingKey) -> Invoice | None:
            return await self._gateway.preview_invoice(
                customer_id=key.customer_id, subscription_id=key.subscription_id
            )

        return await each(keys, fetch)
