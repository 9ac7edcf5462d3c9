"""Which prices a subscription may switch to under the portal configuration in force (see `rules`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.policy import check_owner, require_scope
from resolvers.portal import configuration_in_force
from resolvers.principals import Scope
from resolvers.rules import plan_change_refusal, plan_choices

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import Price, Subscription


async def allowed_plan_changes(ctx: RequestContext, subscription: Subscription) -> tuple[Price, ...]:
    """The prices the subscription may switch to, in the configuration's order; empty when it may not."""
    check_owner(require_scope(ctx, Scope.SUBSCRIPTIONS_READ), subscription.id, subscription.customer_id)
    features = (await configuration_in_force(ctx)).features
    if plan_change_refusal(subscription, features) is not None:
        return ()  # known without reading the catalog
    # The catalog read holds exactly the active recurring prices: a listed price missing from it is archived.
    return plan_choices(subscription, features, await ctx.loaders.catalog_prices())
