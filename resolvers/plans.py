"""Which prices a subscription may switch to under the portal configuration, by the rules of Stripe's portal.

A subscription can change plan when the configuration allows price updates, the subscription is active or
trialing and not set to cancel, it has a single item (Stripe's portal does not update multi-product
subscriptions), and that item's product is one the configuration offers. It may then move to any other
active recurring price the configuration lists, in the subscription's currency. Intervals may differ:
the portal offers monthly and yearly prices side by side (`schedule_at_period_end` has a
`shortening_interval` condition for that reason).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.policy import check_owner, require_scope
from resolvers.portal import configuration_in_force, offers_plan_changes
from resolvers.principals import Scope
from stripe_gateway.records import SubscriptionStatus

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import PortalFeatures, Price, Subscription

_CHANGEABLE_STATUSES = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING})


def _may_change_plan(subscription: Subscription, features: PortalFeatures) -> bool:
    if not offers_plan_changes(features):
        return False
    if subscription.status not in _CHANGEABLE_STATUSES or subscription.cancel_at_period_end:
        return False
    if subscription.cancel_at is not None or len(subscription.items) != 1:
        return False
    offered = {product.product_id for product in features.subscription_update_products}
    return subscription.items[0].price.product_id in offered


async def allowed_plan_changes(ctx: RequestContext, subscription: Subscription) -> tuple[Price, ...]:
    """The prices the subscription may switch to, in the configuration's order; empty when it may not."""
    check_owner(require_scope(ctx, Scope.SUBSCRIPTIONS_READ), subscription.id, subscription.customer_id)
    features = (await configuration_in_force(ctx)).features
    if not _may_change_plan(subscription, features):
        return ()
    current = subscription.items[0].price.id
    # The catalog read holds exactly the active recurring prices: a listed price missing from it is archived.
    catalog = {price.id: price for price in await ctx.loaders.catalog_prices()}
    listed = (
        catalog.get(price_id)
        for product in features.subscription_update_products
        for price_id in product.price_ids
    )
    return tuple(
        price
        for price in listed
        if price is not None and price.id != current and price.currency == subscription.currency
    )
