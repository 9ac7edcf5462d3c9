"""Customer loaders, and what a query shows of a customer: what to read with it or ahead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.loaders.batching import Loader, each
from stripe_gateway.records import Customer

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from stripe_gateway.interface import BillingGateway


@dataclass(frozen=True, slots=True)
class CustomerReads:
    """What a query shows below a customer, looked at once: reads to fold into its call or start beside it.

    `subscriptions`: its current subscriptions, which come in the customer's own call. `item_products`: the
    products of their items, taken from the catalog read ahead. `upcoming_invoices`: their upcoming invoices
    (or the customer's), previewed ahead for the subscriptions the customer was last seen with. `meters`:
    the meters of their metered items, from the account's meters read ahead. `credits`: the customer's
    credit balance, grants and their ledger, read ahead.
    """

    subscriptions: bool = False
    item_products: bool = False
    upcoming_invoices: bool = False
    meters: bool = False
    credits: bool = False


class CustomerLoaders:
    """By id, alone or with their current subscriptions (handed to `read`, to prime what they hold)."""

    def __init__(self, gateway: BillingGateway, *, read: Callable[[Iterable[Customer]], None]) -> None:
        self._gateway = gateway
        self._read = read
        self._customers = Loader(self._fetch)
        self._with_subscriptions = Loader(self._fetch_with_subscriptions)

    def load(self, customer_id: str, *, with_subscriptions: bool) -> Awaitable[Customer]:
        loader = self._with_subscriptions if with_subscriptions else self._customers
        return loader.load(customer_id)

    def prime(self, customer: Customer) -> None:
        self._customers.prime(customer.id, customer)

    async def _fetch(self, ids: list[str]) -> list[Customer | Exception]:
        return await each(ids, self._gateway.retrieve_customer)

    async def _fetch_with_subscriptions(self, ids: list[str]) -> list[Customer | Exception]:
        customers = await each(ids, lambda id_: self._gateway.retrieve_customer(id_, with_subscriptions=True))
        self._read(c for c in customers if isinstance(c, Customer))
        return customers
