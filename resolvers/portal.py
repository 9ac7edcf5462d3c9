"""The portal configuration in force for the caller, and the plans it offers.

A customer session runs under the configuration its portal session was created with; an API key (and a
session without one) under the account's default configuration, as Stripe's hosted portal does.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from resolvers.policy import authenticated
from resolvers.principals import CustomerPrincipal
from resolvers.rules import offers_plan_changes

if TYPE_CHECKING:
    from collections.abc import Mapping

    from resolvers.context import RequestContext
    from stripe_gateway.records import PortalConfiguration, PortalProduct, Price, Product


async def configuration_in_force(ctx: RequestContext) -> PortalConfiguration:
    principal = authenticated(ctx)
    configuration_id = principal.configuration_id if isinstance(principal, CustomerPrincipal) else None
    return await ctx.loaders.portal_configuration(configuration_id)


async def switchable_products(
    ctx: RequestContext, *, with_default_price: bool = False
) -> tuple[Product, ...]:
    """The active products the configuration lets customers switch plans to, in its order (add-ons, which
    are added beside a plan, are not among them).

    `with_default_price` reads their default prices in the same Stripe call.
    """
    features = (await configuration_in_force(ctx)).features
    if not offers_plan_changes(features):
        return ()
    products = await asyncio.gather(
        *(
            ctx.loaders.product(offered.product_id, with_default_price=with_default_price)
            for offered in features.subscription_update_products
        )
    )
    return tuple(product for product in products if product.active and not product.is_add_on)


async def offered_prices(ctx: RequestContext, offered: PortalProduct) -> list[Price]:
    """The prices a configuration lists for one product, in its order (public catalog data).

    They come from the catalog read; a listed price missing from it (archived since) is read by id.
    """
    authenticated(ctx)
    catalog = {price.id: price for price in await ctx.loaders.catalog_prices()}
    return list(await asyncio.gather(*(_listed(ctx, catalog, price_id) for price_id in offered.price_ids)))


async def _listed(ctx: RequestContext, catalog: Mapping[str, Price], price_id: str) -> Price:
    return catalog.get(price_id) or await ctx.loaders.price(price_id)
