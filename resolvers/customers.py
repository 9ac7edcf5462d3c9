"""Reading customers: one by id, the admin list, and the viewer's own customer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.loaders.customers import CustomerReads
from resolvers.pagination import PageRequest, Slice, slice_of
from resolvers.policy import authenticated, check_owner, fetch_by_id, may_use, require_api_key
from resolvers.principals import CustomerPrincipal, Scope

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from resolvers.context import RequestContext
    from stripe_gateway.records import Customer


def viewer_customer_id(ctx: RequestContext) -> str | None:
    """The customer a customer session acts for; None for an API key."""
    principal = authenticated(ctx)
    return principal.customer_id if isinstance(principal, CustomerPrincipal) else None


def load_customer(
    ctx: RequestContext,
    customer_id: str,
    *,
    with_subscriptions: bool,
    with_products: bool = False,
    with_upcoming_invoices: bool = False,
) -> Callable[[], Awaitable[Customer]]:
    """Check now that the caller may see the customer; the function returned starts (or joins) its load.

    The record is read only when a field needs it: a query for a customer's invoices or payment methods
    needs only the id, which the caller (a session, a parent object) already holds. `with_subscriptions`
    folds its current subscriptions into the same Stripe call. Beside it, `with_products` reads the catalog
    for the products of their items (see `Loaders.read_catalog_ahead`), and `with_upcoming_invoices` the
    previews of the subscriptions the customer was last seen with (see `Loaders.read_ahead`).
    """
    principal = authenticated(ctx)
    check_owner(principal, customer_id, customer_id)
    loaders = ctx.loaders
    if with_products:
        _read_catalog_ahead(ctx)
    if with_upcoming_invoices and all(
        may_use(principal, scope) for scope in (Scope.SUBSCRIPTIONS_READ, Scope.INVOICES_READ)
    ):
        loaders.read_ahead(customer_id, CustomerReads(upcoming_invoices=True))
    load = loaders.customer_with_subscriptions if with_subscriptions else loaders.customer
    return lambda: load(customer_id)


def _read_catalog_ahead(ctx: RequestContext) -> None:
    # Only for a caller who will see the subscriptions: the read would be wasted on one who may not.
    if may_use(authenticated(ctx), Scope.SUBSCRIPTIONS_READ):
        ctx.loaders.read_catalog_ahead()


async def customer_by_id(
    ctx: RequestContext,
    customer_id: str,
    *,
    with_subscriptions: bool,
    with_products: bool = False,
    with_upcoming_invoices: bool = False,
) -> Customer:
    load = load_customer(
        ctx,
        customer_id,
        with_subscriptions=with_subscriptions,
        with_products=with_products,
        with_upcoming_invoices=with_upcoming_invoices,
    )
    return await fetch_by_id(customer_id, load())


async def list_customers(
    ctx: RequestContext,
    request: PageRequest,
    *,
    email: str | None,
    with_subscriptions: bool,
    with_products: bool = False,
) -> Slice[Customer]:
    """A page of all customers (API keys only), in one Stripe call whatever the page size; `with_products`
    reads the catalog beside it, for the products of their subscriptions' items."""
    require_api_key(ctx)
    if with_products:
        _read_catalog_ahead(ctx)
    page = await ctx.gateway.list_customers(
        limit=request.limit,
        starting_after=request.starting_after,
        email=email,
        with_subscriptions=with_subscriptions,
    )
    ctx.loaders.prime_customers(page.data)
    return slice_of(page, request)
