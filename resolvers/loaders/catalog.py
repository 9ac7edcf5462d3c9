"""Catalog loaders: products (batched into one `list_products` call), prices, and the whole catalog.

The prices a portal offers come from one read of the whole catalog, products included. The products of
subscription items cannot come with the subscriptions (Stripe expands at most four levels, `data` included,
and a customer's `subscriptions.data.items.data.price.product` is deeper), and reading them by id once the
subscriptions are in would cost a second round trip. So a query that shows them starts the catalog read at
once (`read_ahead`), beside the customer's; products are then taken from the catalog, and only those missing
from it (archived, or without an active recurring price) are read by id.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from resolvers.loaders.batching import Loader, each, observe
from resolvers.pagination import MAX_PAGE_SIZE
from stripe_gateway.errors import GatewayError, NotFound

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable

    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import Price, Product

# The one key of the catalog read, which takes no argument.
_CATALOG = "catalog"


class CatalogLoaders:
    """Products (each primes its default price), prices, and the catalog (primes both)."""

    def __init__(self, gateway: BillingGateway) -> None:
        self._gateway = gateway
        # Stripe filters a product list by at most one page of ids.
        self._products = Loader(self._fetch_products, max_batch_size=MAX_PAGE_SIZE)
        self._products_with_default_price = Loader(
            self._fetch_products_with_default_price, max_batch_size=MAX_PAGE_SIZE
        )
        self._prices = Loader(self._fetch_prices)
        self._catalog = Loader(self._fetch_catalog)
        # The catalog read, when a query started it ahead for the products it will show.
        self._ahead: asyncio.Future[tuple[Price, ...]] | None = None

    def product(self, product_id: str, *, with_default_price: bool) -> Awaitable[Product]:
        loader = self._products_with_default_price if with_default_price else self._products
        return loader.load(product_id)

    def price(self, price_id: str) -> Awaitable[Price]:
        return self._prices.load(price_id)

    def prime_prices(self, prices: Iterable[Price]) -> None:
        for price in prices:
            self._prices.prime(price.id, price)

    def prices(self) -> Awaitable[tuple[Price, ...]]:
        return self._catalog.load(_CATALOG)

    def read_ahead(self) -> None:
        if self._ahead is None:
            self._ahead = asyncio.ensure_future(self.prices())
            # Awaited only if products are loaded: a failure nobody awaits is not worth a warning.
            self._ahead.add_done_callback(observe)

    async def _products_read_ahead(self, *, with_default_price: bool) -> dict[str, Product]:
        """The catalog's products by id when the catalog was read ahead; with `with_default_price`, only
        those whose default price (primed by the catalog read) needs no call of its own."""
        if self._ahead is None:
            return {}
        try:
            prices = await self._ahead
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
        return await each(ids, self._gateway.retrieve_price)

    async def _fetch_catalog(self, keys: list[str]) -> list[tuple[Price, ...] | Exception]:
        prices = await self._gateway.list_catalog_prices()
        for price in prices:
            self._prices.prime(price.id, price)
            if price.product is not None:
                self._products.prime(price.product.id, price.product)
        return [prices for _ in keys]
