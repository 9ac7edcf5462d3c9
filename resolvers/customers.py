"""Reading customers: one by id, the admin list, and the viewer's own customer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.pagination import PageRequest, Slice, slice_of
from resolvers.policy import authenticated, check_owner, fetch_by_id, require_api_key
from resolvers.principals import CustomerPrincipal

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from resolvers.context import RequestContext
    from stripe_gateway.records import Customer


def viewer_customer_id(ctx: RequestContext) -> str | None:
    """The customer a customer session acts for; None for an API key."""
    principal = authenticated(ctx)
    return principal.customer_id if isinstance(principal, CustomerPrincipal) else None


def load_customer(ctx: RequestContext, customer_id: str, *, with_subscriptions: bool) -> Awaitable[Customer]:
    """Start loading a customer the caller may see; `with_subscriptions` folds its current subscriptions
    into the same Stripe call."""
    check_owner(authenticated(ctx), customer_id, customer_id)
    loaders = ctx.loaders
    load = loaders.customer_with_subscriptions if with_subscriptions else loaders.customer
    return load(customer_id)


async def customer_by_id(ctx: RequestContext, customer_id: str, *, with_subscriptions: bool) -> Customer:
    return await fetch_by_id(
        customer_id, load_customer(ctx, customer_id, with_subscriptions=with_subscriptions)
    )


async def list_customers(
    ctx: RequestContext, request: PageRequest, *, email: str | None, with_subscriptions: bool
) -> Slice[Customer]:
    """A page of all customers (API keys only), in one Stripe call whatever the page size."""
    require_api_key(ctx)
    page = await ctx.gateway.list_customers(
        limit=request.limit,
        starting_after=request.starting_after,
        email=email,
        with_subscriptions=with_subscriptions,
    )
    ctx.loaders.prime_customers(page.data)
    return slice_of(page, request)
