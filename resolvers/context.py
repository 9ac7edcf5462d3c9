"""What every resolver receives for one request: the gateway, the caller, and that request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING
from uuid import uuid4

from resolvers.loaders import Loaders
from resolvers.loaders.batching import Loader
from resolvers.principals import CustomerPrincipal
from stripe_gateway.caching import dependencies

if TYPE_CHECKING:
    from resolvers.live import LiveChanges
    from resolvers.ports import KnownSubscriptions, Stores
    from resolvers.principals import Principal
    from stripe_gateway.interface import BillingGateway
    from translations import Translator


def _new_request_id() -> str:
    return f"req_{uuid4().hex}"


@dataclass
class RequestContext:
    """One GraphQL request. Build one per request: its loaders cache Stripe reads for that request only."""

    gateway: BillingGateway
    principal: Principal | None
    request_id: str = field(default_factory=_new_request_id)
    client_ip: str | None = None
    # The externally visible base URL of this service, for links it hands out (hosted portal URLs).
    public_url: str = "http://localhost:8000"
    # Stripe's publishable key, for browsers that collect cards with Stripe.js; None when not configured.
    publishable_key: str | None = None
    # The persistence that mutations and the audit trail use; the app injects it. Read it as `stores`.
    persistence: Stores | None = None
    # Lets reads that need a customer's subscription ids start before Stripe has listed them.
    known_subscriptions: KnownSubscriptions | None = None
    # The customer's language for the messages shown to them; None for an API key.
    translator: Translator | None = None
    # Where changes are published and watched (`resolvers.live`); the app injects it.
    live: LiveChanges | None = None

    @property
    def stores(self) -> Stores | None:
        """The persistence. An answer that reads it is never cached whole: the database changes without the
        invalidations that drop cached answers (`stripe_gateway.caching.dependencies`)."""
        dependencies.uncached()
        return self.persistence

    @cached_property
    def loaders(self) -> Loaders:
        # Built on first use, inside the running event loop the loaders bind to.
        reads = _reads_for(self.gateway, self.principal)
        return Loaders(reads, known_subscriptions=self.known_subscriptions)

    @cached_property
    def external_ids(self) -> Loader[str, str | None]:
        """Customers' external ids, the customers of one request read in one database query."""
        return Loader(self._external_ids_of)

    async def _external_ids_of(self, customer_ids: list[str]) -> list[str | Exception | None]:
        if self.stores is None:
            raise RuntimeError("this request context has no persistence stores; the app injects them")
        found = await self.stores.external_ids.of_customers(customer_ids)
        return [found.get(customer_id) for customer_id in customer_ids]

    def forget_reads(self) -> None:
        """Drop every Stripe read cached so far, so that reads after a write see what it changed."""
        self.__dict__.pop("loaders", None)
        self.__dict__.pop("external_ids", None)


def _reads_for(gateway: BillingGateway, principal: Principal | None) -> BillingGateway:
    """The gateway as the principal's reads go through it.

    A customer session could otherwise tell another customer's object (answered from the cache at once)
    from a missing one (a round trip to Stripe's 404): its reads come from the cache only when the entry is
    its own customer's, so both are one Stripe read, and its own objects stay cached.
    """
    if isinstance(principal, CustomerPrincipal):
        return gateway.seen_by(principal.customer_id)
    return gateway
