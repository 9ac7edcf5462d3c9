"""What the portal configuration in force lets a subscription change (see `rules`): the prices its plan may
switch to, the quantity each item may take, which items may go and which add-ons may be added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.policy import check_owner, require_scope
from resolvers.portal import configuration_in_force
from resolvers.principals import Scope

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.mutations.outcome import UserError
    from stripe_gateway.records import PortalFeatures, Price, Subscription, SubscriptionItem


async def _features(ctx: RequestContext, subscription: Subscription) -> PortalFeatures:
    check_owner(require_scope(ctx, Scope.SUBSCRIPTIONS_READ), subscription.id, subscription.customer_id)
    return (await configuration_in_force(ctx)).features


async def allowed_plan_changes(ctx: RequestContext, subscription: Subscription) -> tuple[Price, ...]:
    """The prices the subscription's plan may switch to, in the configuration's order; empty when none."""
    features = await _features(ctx, subscription)
    if rules.plan_change_refusal(subscription, features) is not None:
        return ()  # known without reading the catalog
    # The catalog read holds exactly the active recurring prices: a listed price missing from it is archived.
    return rules.plan_choices(subscription, features, await ctx.loaders.catalog_prices())


@dataclass(frozen=True, slots=True)
class QuantityRange:
    """The quantities a customer may pick: from `minimum` to `maximum` (None: no upper limit)."""

    minimum: int
    maximum: int | None


@dataclass(frozen=True, slots=True)
class ItemOptions:
    """What the customer may change of one item now."""

    quantity: QuantityRange | None  # None: the quantity stays as it is
    removable: bool


async def item_options(
    ctx: RequestContext, subscription: Subscription, item: SubscriptionItem
) -> ItemOptions:
    features = await _features(ctx, subscription)
    if rules.plan_change_refusal(subscription, features) is not None:
        return ItemOptions(quantity=None, removable=False)
    catalog = await ctx.loaders.catalog_prices()
    found = rules.quantity_range(features, item.price.product_id)
    removal = rules.remove_refusal(subscription, features, item, rules.add_on_products(catalog))
    return ItemOptions(
        quantity=None if found is None else QuantityRange(*found),
        removable=removal is None,
    )


@dataclass(frozen=True, slots=True)
class AddOnOffer:
    """An add-on price the subscription may add, and the quantities it may come in (None: one)."""

    price: Price
    quantity: QuantityRange | None


async def add_on_offers(ctx: RequestContext, subscription: Subscription) -> tuple[AddOnOffer, ...]:
    features = await _features(ctx, subscription)
    if rules.plan_change_refusal(subscription, features) is not None:
        return ()
    choices = rules.add_on_choices(subscription, features, await ctx.loaders.catalog_prices())
    offers = []
    for price in choices:
        found = rules.quantity_range(features, price.product_id)
        offers.append(AddOnOffer(price=price, quantity=None if found is None else QuantityRange(*found)))
    return tuple(offers)


async def change_refusal(ctx: RequestContext, subscription: Subscription) -> UserError | None:
    """Why the customer may change nothing of the subscription now; None when something is on offer: another
    plan, a quantity, an add-on to add or remove."""
    features = await _features(ctx, subscription)
    if refusal := rules.plan_change_refusal(subscription, features):
        return refusal
    if await allowed_plan_changes(ctx, subscription) or await add_on_offers(ctx, subscription):
        return None
    for item in subscription.items:
        options = await item_options(ctx, subscription, item)
        if options.quantity is not None or options.removable:
            return None
    return rules.no_plan_choice(subscription)
