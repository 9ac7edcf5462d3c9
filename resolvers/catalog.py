"""Reading the catalog. Products and prices are public to every authenticated caller: no owner check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.policy import authenticated, fetch_by_id

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import Price, PriceTier, Product


async def product_by_id(ctx: RequestContext, product_id: str, *, with_default_price: bool = False) -> Product:
    """`with_default_price` reads the product's default price in the same Stripe call."""
    authenticated(ctx)
    return await fetch_by_id(
        product_id, ctx.loaders.product(product_id, with_default_price=with_default_price)
    )


async def price_by_id(ctx: RequestContext, price_id: str) -> Price:
    authenticated(ctx)
    return await fetch_by_id(price_id, ctx.loaders.price(price_id))


async def price_tiers(ctx: RequestContext, price: Price) -> tuple[PriceTier, ...] | None:
    """A tiered price's tiers: Stripe sends them only when asked, which the catalog read does; a price the
    catalog lacks (inactive) is read on its own."""
    authenticated(ctx)
    if price.tiers_mode is None or price.tiers is not None:
        return price.tiers
    listed = next((p for p in await ctx.loaders.catalog_prices() if p.id == price.id), None)
    if listed is not None and listed.tiers is not None:
        return listed.tiers
    return (await fetch_by_id(price.id, ctx.gateway.retrieve_price(price.id))).tiers
