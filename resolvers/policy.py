"""Who may read what. Every object fetched by id passes through here before it is returned.

An API key may read any customer. A customer session sees only its own customer, and only what its scopes
grant; another customer's object is reported exactly like a missing one, after the same work: its reads
are never served another customer's object from the read cache (see `RequestContext.loaders`), so both
cost one Stripe read. An id that cannot name a customer names none anyone may see: it is refused before
anything is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from resolvers.errors import ForbiddenError, NotFoundError, UnauthenticatedError
from resolvers.principals import ApiKeyPrincipal, CustomerPrincipal, Principal, Scope
from stripe_gateway.errors import NotFound
from stripe_gateway.ids import IdKind, is_well_formed

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from resolvers.context import RequestContext

T = TypeVar("T")


def authenticated(ctx: RequestContext) -> Principal:
    if ctx.principal is None:
        raise UnauthenticatedError
    return ctx.principal


def require_api_key(ctx: RequestContext) -> ApiKeyPrincipal:
    principal = authenticated(ctx)
    if not isinstance(principal, ApiKeyPrincipal):
        raise ForbiddenError("This field needs an API key; customer sessions cannot use it.")
    return principal


def may_use(principal: Principal, scope: Scope) -> bool:
    """Whether the principal holds `scope`. API keys hold every scope."""
    return not isinstance(principal, CustomerPrincipal) or principal.allows(scope)


def require_scope(ctx: RequestContext, scope: Scope) -> Principal:
    """The caller, when it may use `scope`."""
    principal = authenticated(ctx)
    if not may_use(principal, scope):
        raise ForbiddenError(f"This customer session lacks the '{scope}' scope.")
    return principal


def may_see_customer(principal: Principal, customer_id: str | None) -> bool:
    if isinstance(principal, ApiKeyPrincipal):
        return customer_id is None or is_well_formed(IdKind.CUSTOMER, customer_id)
    return customer_id is not None and customer_id == principal.customer_id


def check_owner(principal: Principal, object_id: str, customer_id: str | None) -> None:
    """Raise NOT_FOUND unless the principal may see objects of `customer_id`."""
    if not may_see_customer(principal, customer_id):
        raise NotFoundError(object_id)


async def fetch_by_id(object_id: str, fetch: Awaitable[T]) -> T:
    """Await a fetch by id, reporting Stripe's "no such object" exactly like a refused one."""
    try:
        return await fetch
    except NotFound as error:
        raise NotFoundError(object_id) from error
