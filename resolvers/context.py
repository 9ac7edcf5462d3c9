"""What every resolver receives for one request: the gateway, the caller, and that request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING
from uuid import uuid4

from resolvers.loaders import Loaders

if TYPE_CHECKING:
    from resolvers.ports import KnownSubscriptions, Stores
    from resolvers.principals import Principal
    from stripe_gateway.interface import BillingGateway


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
    # The persistence that mutations and the audit trail use; the app injects it.
    stores: Stores | None = None
    # Lets reads that need a customer's subscription ids start before Stripe has listed them.
    known_subscriptions: KnownSubscriptions | None = None

    @cached_property
    def loaders(self) -> Loaders:
        # Built on first use, inside the running event loop the loaders bind to.
        return Loaders(self.gateway, known_subscriptions=self.known_subscriptions)

    def forget_reads(self) -> None:
        """Drop every Stripe read cached so far, so that reads after a write see what it changed."""
        self.__dict__.pop("loaders", None)
