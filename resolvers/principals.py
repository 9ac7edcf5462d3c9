"""Who is calling: the principals a credential stands for, and the scopes a customer session carries.

This is the single definition; `portalql` builds these from tokens and the resolvers authorize with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from stripe_gateway.records import PortalFlow


class Scope(StrEnum):
    """What a customer session may do, on its own customer only."""

    SUBSCRIPTIONS_READ = "subscriptions:read"
    SUBSCRIPTIONS_WRITE = "subscriptions:write"
    INVOICES_READ = "invoices:read"
    INVOICES_WRITE = "invoices:write"
    PAYMENT_METHODS_READ = "payment_methods:read"
    PAYMENT_METHODS_WRITE = "payment_methods:write"
    CUSTOMER_READ = "customer:read"
    CUSTOMER_WRITE = "customer:write"
    AUDIT_READ = "audit:read"
    USAGE_READ = "usage:read"
    CREDITS_READ = "credits:read"


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """The product's backend, authenticated by an API key: may act for any customer."""

    key_id: str
    name: str
    livemode: bool


@dataclass(frozen=True)
class CustomerPrincipal:
    """One customer, authenticated by a customer session token: limited to its own data and scopes."""

    session_id: str
    customer_id: str
    scopes: frozenset[Scope]
    expires_at: datetime
    configuration_id: str | None
    return_url: str | None
    locale: str | None
    # The step of the portal the link that opened the session deep-links to, with what follows it.
    flow: PortalFlow | None = None

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes


Principal = ApiKeyPrincipal | CustomerPrincipal
