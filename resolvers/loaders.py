"""Per-request dataloaders over the gateway: deduplicated keys, batched or concurrent Stripe reads, priming.

Stripe has a multi-id filter only for products, so products are batched into one `list_products` call; other
objects by id are fetched concurrently (the gateway bounds the concurrency). The prices a portal offers come
from one read of the whole catalog instead, products included. Loaders fetching a parent prime the loaders of
the children that came with it, so a held object is never fetched again.

The products of subscription items cannot come with the subscriptions (Stripe expands at most four levels,
`data` included, and a customer's `subscriptions.data.items.data.price.product` is deeper), and reading them
by id once the subscriptions are in would cost a second round trip. So a query that shows them starts the
catalog read at once (`read_catalog_ahead`), beside the customer's; products are then taken from the
catalog, and only those missing from it (archived, or without an active recurring price) are read by id.

The upcoming invoices of a customer's subscriptions likewise: Stripe previews one only for a subscription
id, so a query that shows them starts the previews of the subscriptions the customer was last seen with
(`read_previews_ahead`) beside the read that lists them; only a subscription new since then waits for it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from aiodataloader import DataLoader

from stripe_gateway.errors import GatewayError, NotFound
from stripe_gateway.ids import is_charge_id
from stripe_gateway.records import (
    Charge,
    Customer,
    Invoice,
    InvoicePayment,
    InvoiceStatus,
    Page,
    PaymentIntent,
    PaymentMethod,
    PortalConfiguration,
    Price,
    Product,
    Refund,
    Subscription,
)

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence

    from resolvers.ports import KnownSubscriptions
    from stripe_gateway.interface import BillingGateway

K = TypeVar("K")
V = TypeVar("V")

# Stripe's largest page, and the most ids one `products.list(ids=…)` call accepts.
STRIPE_MAX_LIMIT = 100
# Statuses after which a subscription never bills again ("ended" in Stripe's list filter).
# The key of the account's default portal configuration (aiodataloader refuses None as a key).
DEFAULT_CONFIGURATION = "default"
# The one key of the catalog read, which takes no argument.
_CATALOG = "catalog"


class _Loader(Generic[K, V]):
    """An aiodataloader whose batch function rejects single keys by returning an exception in their place."""

    def __init__(
        self, fetch: Callable[[list[K]], Awaitable[list[V | Exception]]], *, max_batch_size: int | None = None
    ) -> None:
        self._fetch = fetch
        self._max_batch_size = max_batch_size

    @cached_property
    def _loader(self) -> DataLoader[K, V]:
        # Built on first use: a request touches a few of its loaders, and building all of them cost more than
        # serving a warm dashboard from the cache.
        loop = asyncio.get_running_loop()
        return DataLoader(self._dispatch, max_batch_size=self._max_batch_size, loop=loop)

    async def _dispatch(self, keys: list[K]) -> list[V]:
        # aiodataloader rejects exactly the keys whose slot holds an exception; its signature cannot say so.
        return cast("list[V]", await self._fetch(keys))

    def load(self, key: K) -> Awaitable[V]:
        return self._loader.load(key)

    def prime(self, key: K, value: V) -> None:
        self._loader.prime(key, value)


def _observe(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


async def _each(keys: Sequence[K], fetch: Callable[[K], Awaitable[V]]) -> list[V | Exception]:
    """Fetch every key concurrently; a key that fails gets its exception, the others their value."""
    results = await asyncio.gather(*(fetch(key) for key in keys), return_exceptions=True)
    outcomes: list[V | Exception] = []
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result  # cancellation and interpreter exits are not per-key failures
        outcomes.append(result)
    return outcomes


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
    customer_id: str
    subscription_id: str


@dataclass(frozen=True, slots=True)
class RefundPageKey:
    """One page of the refunds of a charge (`ch_…`) or a payment intent (`pi_…`), as Stripe lists them."""

    payment_id: str
    limit: int
    starting_after: str | None = None
    ending_before: str | None = None


def _refund_page(gateway: BillingGateway, key: RefundPageKey) -> Awaitable[Page[Refund]]:
    by_charge = is_charge_id(key.payment_id)
    return gateway.list_refunds(
        charge_id=key.payment_id if by_charge else None,
        payment_intent_id=None if by_charge else key.payment_id,
        limit=key.limit,
        starting_after=key.starting_after,
        ending_before=key.ending_before,
    )


async def every_refund(gateway: BillingGateway, payment_id: str) -> AsyncGenerator[Refund, None]:
    """Every refund of a charge or payment intent, newest first, read from Stripe a full page at a time."""
    key = RefundPageKey(payment_id, STRIPE_MAX_LIMIT)
    while True:
        page = await _refund_page(gateway, key)
        for refund in page.data:
            yield refund
        if not page.has_more or not page.data:
            return
        key = replace(key, starting_after=page.data[-1].id)


class Loaders:
    """The loaders of one request. Never share them: they cache Stripe objects as seen by one request."""

    def __init__(
        self, gateway: BillingGateway, *, known_subscriptions: KnownSubscriptions | None = None
    ) -> None:
        self._gateway = gateway
        self._known_subscriptions = known_subscriptions
        self._customers = _Loader(self._fetch_customers)
        self._customers_with_subscriptions = _Loader(self._fetch_customers_with_subscriptions)
        self._all_subscriptions = _Loader(self._fetch_all_subscriptions)
        self._current_subscriptions = _Loader(self._fetch_current_subscriptions)
        self._subscriptions = _Loader(self._fetch_subscriptions)
        self._invoice_pages = _Loader(self._fetch_invoice_pages)
        self._invoices = _Loader(self._fetch_invoices)
        self._invoice_payments = _Loader(self._fetch_invoice_payments)
        self._upcoming_invoices = _Loader(self._fetch_upcoming_invoices)
        self._payment_methods_by_customer = _Loader(self._fetch_payment_methods_by_customer)
        self._payment_methods = _Loader(self._fetch_payment_methods)
        self._products = _Loader(self._fetch_products, max_batch_size=STRIPE_MAX_LIMIT)
        self._products_with_default_price = _Loader(
            self._fetch_products_with_default_price, max_batch_size=STRIPE_MAX_LIMIT
        )
        self._prices = _Loader(self._fetch_prices)
        self._catalog_prices = _Loader(self._fetch_catalog_prices)
        self._portal_configurations = _Loader(self._fetch_portal_configurations)
        self._charges = _Loader(self._fetch_charges)
        self._payment_intents = _Loader(self._fetch_payment_intents)
        self._refunds = _Loader(self._fetch_refunds)
        self._refund_pages = _Loader(self._fetch_refund_pages)
        self._all_refunds = _Loader(self._fetch_all_refunds)
        # The catalog read, when a query started it ahead for the products it will show.
        self._catalog_ahead: asyncio.Future[tuple[Price, ...]] | None = None
        # The customers whose upcoming invoices this request started ahead of their subscriptions.
        self._previews_ahead: set[str] = set()

    # -- customers ------------------------------------------------------------------------------------------
    def customer(self, customer_id: str) -> Awaitable[Customer]:
        return self._customers.load(customer_id)

    def customer_with_subscriptions(self, customer_id: str) -> Awaitable[Customer]:
        """The customer with its current subscriptions in the same Stripe call (primes the subscriptions)."""
        return self._customers_with_subscriptions.load(customer_id)

    def prime_customers(self, customers: Iterable[Customer]) -> None:
        for customer in customers:
            self._customers.prime(customer.id, customer)
            if customer.subscriptions is not None:
                self._current_subscriptions.prime(customer.id, customer.subscriptions)
                self._prime_subscriptions(customer.subscriptions)
                self._saw_subscriptions(customer.id, customer.subscriptions)

    async def _fetch_customers(self, ids: list[str]) -> list[Customer | Exception]:
        return await _each(ids, self._gateway.retrieve_customer)

    async def _fetch_customers_with_subscriptions(self, ids: list[str]) -> list[Customer | Exception]:
        customers = await _each(
            ids, lambda id_: self._gateway.retrieve_customer(id_, with_subscriptions=True)
        )
        self.prime_customers(c for c in customers if isinstance(c, Customer))
        return customers

    # -- subscriptions --------------------------------------------------------------------------------------
    def subscriptions(self, customer_id: str, *, include_ended: bool) -> Awaitable[tuple[Subscription, ...]]:
        """A customer's subscriptions, newest first; without the ended ones unless asked."""
        loader = self._all_subscriptions if include_ended else self._current_subscriptions
        return loader.load(customer_id)

    def subscription(self, subscription_id: str) -> Awaitable[Subscription]:
        return self._subscriptions.load(subscription_id)

    def _prime_subscriptions(self, subscriptions: Iterable[Subscription]) -> None:
        for subscription in subscriptions:
            self._subscriptions.prime(subscription.id, subscription)
            for item in subscription.items:
                self._prices.prime(item.price.id, item.price)

    async def _fetch_all_subscriptions(
        self, customer_ids: list[str]
    ) -> list[tuple[Subscription, ...] | Exception]:
        async def fetch(customer_id: str) -> tuple[Subscription, ...]:
            page = await self._gateway.list_subscriptions(customer_id, status="all", limit=STRIPE_MAX_LIMIT)
            self._prime_subscriptions(page.data)
            self._saw_subscriptions(customer_id, page.data)
            return page.data

        return await _each(customer_ids, fetch)

    async def _fetch_current_subscriptions(
        self, customer_ids: list[str]
    ) -> list[tuple[Subscription, ...] | Exception]:
        # Through the full list: a query asking for both current and ended subscriptions makes one call.
        async def fetch(customer_id: str) -> tuple[Subscription, ...]:
            every = await self._all_subscriptions.load(customer_id)
            return tuple(s for s in every if not s.has_ended)

        return await _each(customer_ids, fetch)

    async def _fetch_subscriptions(self, ids: list[str]) -> list[Subscription | Exception]:
        subscriptions = await _each(ids, self._gateway.retrieve_subscription)
        self._prime_subscriptions(s for s in subscriptions if isinstance(s, Subscription))
        return subscriptions

    # -- invoices -------------------------------------------------------------------------------------------
    def invoice_page(self, key: InvoicePageKey) -> Awaitable[Page[Invoice]]:
        return self._invoice_pages.load(key)

    def invoice(self, invoice_id: str) -> Awaitable[Invoice]:
        return self._invoices.load(invoice_id)

    def invoice_payments(self, invoice_id: str) -> Awaitable[tuple[InvoicePayment, ...]]:
        return self._invoice_payments.load(invoice_id)

    def upcoming_invoice(self, key: UpcomingKey) -> Awaitable[Invoice | None]:
        """The preview of the next invoice, or None when nothing is due to be invoiced."""
        return self._upcoming_invoices.load(key)

    def read_previews_ahead(self, customer_id: str) -> None:
        """Start now the upcoming invoices of the subscriptions the customer was last seen with, for a query
        that shows its subscriptions' upcoming invoices: they need not wait for the subscriptions' list."""
        if self._known_subscriptions is None or customer_id in self._previews_ahead:
            return
        self._previews_ahead.add(customer_id)
        start = asyncio.ensure_future(self._start_previews(self._known_subscriptions, customer_id))
        start.add_done_callback(_observe)

    async def _start_previews(self, known: KnownSubscriptions, customer_id: str) -> None:
        for subscription_id in await known.of(customer_id):
            # Awaited once the list shows the subscription; a preview of one that has gone is dropped.
            preview = asyncio.ensure_future(self.upcoming_invoice(UpcomingKey(customer_id, subscription_id)))
            preview.add_done_callback(_observe)

    def _saw_subscriptions(self, customer_id: str, subscriptions: Iterable[Subscription]) -> None:
        if self._known_subscriptions is not None and customer_id in self._previews_ahead:
            ids = frozenset(s.id for s in subscriptions if s.invoices_again)
            self._known_subscriptions.saw(customer_id, ids)

    def _prime_invoices(self, invoices: Iterable[Invoice]) -> None:
        for invoice in invoices:
            self._invoices.prime(invoice.id, invoice)
            if invoice.payments is not None:
                self._invoice_payments.prime(invoice.id, invoice.payments)

    async def _fetch_invoice_pages(self, keys: list[InvoicePageKey]) -> list[Page[Invoice] | Exception]:
        async def fetch(key: InvoicePageKey) -> Page[Invoice]:
            page = await self._gateway.list_invoices(
                customer_id=key.customer_id,
                status=key.status,
                limit=key.limit,
                starting_after=key.starting_after,
                ending_before=key.ending_before,
                with_payments=key.with_payments,
            )
            self._prime_invoices(page.data)
            return page

        return await _each(keys, fetch)

    async def _fetch_invoices(self, ids: list[str]) -> list[Invoice | Exception]:
        invoices = await _each(ids, self._gateway.retrieve_invoice)
        self._prime_invoices(i for i in invoices if isinstance(i, Invoice))
        return invoices

    async def _fetch_invoice_payments(
        self, invoice_ids: list[str]
    ) -> list[tuple[InvoicePayment, ...] | Exception]:
        return await _each(invoice_ids, self._gateway.list_invoice_payments)

    async def _fetch_upcoming_invoices(self, keys: list[UpcomingKey]) -> list[Invoice | Exception | None]:
        async def fetch(key: UpcomingKey) -> Invoice | None:
            return await self._gateway.preview_invoice(
                customer_id=key.customer_id, subscription_id=key.subscription_id
            )

        return await _each(keys, fetch)

    # -- payment methods ------------------------------------------------------------------------------------
    def payment_methods(self, customer_id: str) -> Awaitable[tuple[PaymentMethod, ...]]:
        return self._payment_methods_by_customer.load(customer_id)

    def payment_method(self, payment_method_id: str) -> Awaitable[PaymentMethod]:
        return self._payment_methods.load(payment_method_id)

    async def _fetch_payment_methods_by_customer(
        self, customer_ids: list[str]
    ) -> list[tuple[PaymentMethod, ...] | Exception]:
        async def fetch(customer_id: str) -> tuple[PaymentMethod, ...]:
            page = await self._gateway.list_payment_methods(customer_id, limit=STRIPE_MAX_LIMIT)
            for method in page.data:
                self._payment_methods.prime(method.id, method)
            return page.data

        return await _each(customer_ids, fetch)

    async def _fetch_payment_methods(self, ids: list[str]) -> list[PaymentMethod | Exception]:
        return await _each(ids, self._gateway.retrieve_payment_method)

    # -- catalog --------------------------------------------------------------------------------------------
    def product(self, product_id: str, *, with_default_price: bool = False) -> Awaitable[Product]:
        """A product; `with_default_price` brings its default price in the same call (primes the price)."""
        loader = self._products_with_default_price if with_default_price else self._products
        return loader.load(product_id)

    def price(self, price_id: str) -> Awaitable[Price]:
        return self._prices.load(price_id)

    def catalog_prices(self) -> Awaitable[tuple[Price, ...]]:
        """Every active recurring price, read with their products in one call (primes prices and products)."""
        return self._catalog_prices.load(_CATALOG)

    def read_catalog_ahead(self) -> None:
        """Start the catalog read now, for the products of the subscription items this request will show.

        It is the read of the plans on offer (`catalog_prices`): subscriptions bill active recurring prices,
        whose products it holds; it is one call and one cache entry for every customer; and the hosted
        portal makes it anyway, for `allowedPlanChanges`.
        """
        if self._catalog_ahead is None:
            self._catalog_ahead = asyncio.ensure_future(self.catalog_prices())
            # Awaited only if products are loaded: a failure nobody awaits is not worth a warning.
            self._catalog_ahead.add_done_callback(_observe)

    async def _products_read_ahead(self, *, with_default_price: bool) -> dict[str, Product]:
        """The catalog's products by id when the catalog was read ahead; with `with_default_price`, only
        those whose default price (primed by the catalog read) needs no call of its own."""
        if self._catalog_ahead is None:
            return {}
        try:
            prices = await self._catalog_ahead
        except GatewayError:
            return {}  # the products are read by id, as without the catalog
        held: set[str | None] = {None, *(price.id for price in prices)}
        return {
            price.product.id: price.product
            for price in prices
            if price.product is not None
            and (not with_default_price or price.product.default_price_id in held)
        }

    async def _fetch_products(
        self, ids: list[str], *, with_default_price: bool = False
    ) -> list[Product | Exception]:
        found = await self._products_read_ahead(with_default_price=with_default_price)
        missing = [id_ for id_ in ids if id_ not in found]
        listed = (
            await self._gateway.list_products(missing, with_default_price=with_default_price)
            if missing
            else ()
        )
        found.update((product.id, product) for product in listed)
        for product in listed:
            self._products.prime(product.id, product)  # with its default price, it serves plain loads too
            if product.default_price is not None:
                self._prices.prime(product.default_price.id, product.default_price)
        return [
            found.get(id_) or NotFound(f"No such product: '{id_}'", code="resource_missing") for id_ in ids
        ]

    async def _fetch_products_with_default_price(self, ids: list[str]) -> list[Product | Exception]:
        return await self._fetch_products(ids, with_default_price=True)

    async def _fetch_prices(self, ids: list[str]) -> list[Price | Exception]:
        return await _each(ids, self._gateway.retrieve_price)

    async def _fetch_catalog_prices(self, keys: list[str]) -> list[tuple[Price, ...] | Exception]:
        prices = await self._gateway.list_catalog_prices()
        for price in prices:
            self._prices.prime(price.id, price)
            if price.product is not None:
                self._products.prime(price.product.id, price.product)
        return [prices for _ in keys]

    # -- billing portal -------------------------------------------------------------------------------------
    def portal_configuration(self, configuration_id: str | None) -> Awaitable[PortalConfiguration]:
        """A portal configuration by id, or the account's default one for None."""
        return self._portal_configurations.load(configuration_id or DEFAULT_CONFIGURATION)

    async def _fetch_portal_configurations(self, keys: list[str]) -> list[PortalConfiguration | Exception]:
        async def fetch(key: str) -> PortalConfiguration:
            if key == DEFAULT_CONFIGURATION:
                return await self._gateway.default_portal_configuration()
            return await self._gateway.retrieve_portal_configuration(key)

        return await _each(keys, fetch)

    # -- payments and refunds -------------------------------------------------------------------------------
    def charge(self, charge_id: str) -> Awaitable[Charge]:
        return self._charges.load(charge_id)

    def payment_intent(self, payment_intent_id: str) -> Awaitable[PaymentIntent]:
        return self._payment_intents.load(payment_intent_id)

    def refund(self, refund_id: str) -> Awaitable[Refund]:
        """A refund with its charge (primes the charge)."""
        return self._refunds.load(refund_id)

    def refund_page(self, key: RefundPageKey) -> Awaitable[Page[Refund]]:
        return self._refund_pages.load(key)

    def all_refunds(self, payment_id: str) -> Awaitable[tuple[Refund, ...]]:
        """Every refund of a charge (`ch_…`) or a payment intent (`pi_…`), newest first."""
        return self._all_refunds.load(payment_id)

    async def _fetch_charges(self, ids: list[str]) -> list[Charge | Exception]:
        return await _each(ids, self._gateway.retrieve_charge)

    async def _fetch_payment_intents(self, ids: list[str]) -> list[PaymentIntent | Exception]:
        return await _each(ids, self._gateway.retrieve_payment_intent)

    async def _fetch_refunds(self, ids: list[str]) -> list[Refund | Exception]:
        refunds = await _each(ids, self._gateway.retrieve_refund)
        for refund in refunds:
            if isinstance(refund, Refund) and refund.charge is not None:
                self._charges.prime(refund.charge.id, refund.charge)
        return refunds

    async def _fetch_refund_pages(self, keys: list[RefundPageKey]) -> list[Page[Refund] | Exception]:
        return await _each(keys, lambda key: _refund_page(self._gateway, key))

    async def _fetch_all_refunds(self, payment_ids: list[str]) -> list[tuple[Refund, ...] | Exception]:
        async def fetch(payment_id: str) -> tuple[Refund, ...]:
            return tuple([refund async for refund in every_refund(self._gateway, payment_id)])

        return await _each(payment_ids, fetch)
