"""Payment method loaders: a customer's saved methods (each primed by id) and methods by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.loaders.batching import Loader, each
from resolvers.pagination import MAX_PAGE_SIZE

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from stripe_gateway.interface import BillingGateway
    from stripe_gateway.records import PaymentMethod


class PaymentMethodLoaders:
    """A customer's payment methods, and payment methods by id."""

    def __init__(self, gateway: BillingGateway) -> None:
        self._gateway = gateway
        self._by_customer = Loader(self._fetch_by_customer)
        self._methods = Loader(self._fetch)

    def of_customer(self, customer_id: str) -> Awaitable[tuple[PaymentMethod, ...]]:
        return self._by_customer.load(customer_id)

    def load(self, payment_method_id: str) -> Awaitable[PaymentMethod]:
        return self._methods.load(payment_method_id)

    async def _fetch_by_customer(
        self, customer_ids: list[str]
    ) -> list[tuple[PaymentMethod, ...] | Exception]:
        async def fetch(customer_id: str) -> tuple[PaymentMethod, ...]:
            page = await self._gateway.list_payment_methods(customer_id, limit=MAX_PAGE_SIZE)
            for method in page.data:
                self._methods.prime(method.id, method)
            return page.data

        return await each(customer_ids, fetch)

    async def _fetch(self, ids: list[str]) -> list[PaymentMethod | Exception]:
        return await each(ids, self._gateway.retrieve_payment_method)
