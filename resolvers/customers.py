"""Reading customers: one by id, the admin list, and the viewer's own customer."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from resolvers.errors import InvalidArgumentError, NotFoundError
from resolvers.external_ids import query_customer
from resolvers.loaders.customers import CustomerReads
from resolvers.pagination import PageRequest, Slice, slice_of
from resolvers.policy import authenticated, check_owner, fetch_by_id, may_use, require_api_key
from resolvers.principals import CustomerPrincipal, Scope

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Customer, TaxId


def viewer_customer_id(ctx: RequestContext) -> str | None:
    """The customer a customer session acts for; None for an API key."""
    principal = authenticated(ctx)
    return principal.customer_id if isinstance(principal, CustomerPrincipal) else None


# What a query that shows nothing below the customer reads: the record alone, when a field needs it.
RECORD_ONLY = CustomerReads()


def load_customer(
    ctx: RequestContext, customer_id: str, reads: CustomerReads = RECORD_ONLY
) -> Callable[[], Awaitable[Customer]]:
    """Check now that the caller may see the customer; the function returned starts (or joins) its load.

    The record is read only when a field needs it: a query for a customer's invoices or payment methods
    needs only the id, which the caller (a session, a parent object) already holds. `reads.subscriptions`
    folds its current subscriptions into the same Stripe call; what else `reads` asks for starts now, beside
    it (see `Loaders.read_ahead`), for a caller who may see it.
    """
    principal = authenticated(ctx)
    check_owner(principal, customer_id, customer_id)
    ctx.loaders.read_ahead(customer_id, _may_see(principal, reads))
    load = ctx.loaders.customer_with_subscriptions if reads.subscriptions else ctx.loaders.customer
    return lambda: load(customer_id)


def _may_see(principal: Principal, reads: CustomerReads) -> CustomerReads:
    # A read ahead would be wasted on a caller who may not see what it reads.
    subscriptions = may_use(principal, Scope.SUBSCRIPTIONS_READ)
    return replace(
        reads,
        item_products=reads.item_products and subscriptions,
        upcoming_invoices=reads.upcoming_invoices
        and subscriptions
        and may_use(principal, Scope.INVOICES_READ),
        meters=reads.meters and subscriptions and may_use(principal, Scope.USAGE_READ),
        credits=reads.credits and may_use(principal, Scope.CREDITS_READ),
    )


async def customer_by_id(
    ctx: RequestContext, customer_id: str, reads: CustomerReads = RECORD_ONLY
) -> Customer:
    return await fetch_by_id(customer_id, load_customer(ctx, customer_id, reads)())


async def list_customers(
    ctx: RequestContext,
    request: PageRequest,
    *,
    email: str | None,
    reads: CustomerReads = RECORD_ONLY,
) -> Slice[Customer]:
    """A page of all customers (API keys only), in one Stripe call whatever the page size, with their
    current subscriptions if `reads` shows them; beside it, the catalog for their items' products. Upcoming
    invoices are previewed ahead for one customer only, never a page of them."""
    principal = require_api_key(ctx)
    if _may_see(principal, reads).item_products:
        ctx.loaders.read_catalog_ahead()
    page = await ctx.gateway.list_customers(
        limit=request.limit,
        starting_after=request.starting_after,
        email=email,
        with_subscriptions=reads.subscriptions,
    )
    ctx.loaders.prime_customers(page.data)
    return slice_of(page, request)


async def customer_with_external_id(
    ctx: RequestContext,
    external_id: str,
    *,
    email: str | None,
    after: str | None,
    reads: CustomerReads = RECORD_ONLY,
) -> Slice[Customer]:
    """The `customers(externalId:)` filter (API keys only): a page with the one customer mapped to it, or
    none; one database query and one Stripe read by id."""
    require_api_key(ctx)
    if email is not None or after is not None:
        raise InvalidArgumentError("`externalId` filters alone: give no `email` or `after` with it.")
    try:
        customer_id = await query_customer(ctx, None, external_id)
    except NotFoundError:
        return Slice((), has_next_page=False, has_previous_page=False)
    customer = await customer_by_id(ctx, customer_id, reads)
    return Slice((customer,), has_next_page=False, has_previous_page=False)


async def customer_tax_ids(ctx: RequestContext, customer: Customer) -> tuple[TaxId, ...]:
    """The customer's tax ids: they come with every read of the customer, so this costs no call, except
    for a record that a write answered without them (then one read, usually cached)."""
    if customer.tax_ids is not None:
        return customer.tax_ids
    return (await ctx.gateway.retrieve_customer(customer.id)).tax_ids or ()
