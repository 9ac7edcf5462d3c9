"""Reading subscriptions: a customer's, one by id, and what each will invoice next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.loaders.invoices import UpcomingKey
from resolvers.policy import authenticated, check_owner, fetch_by_id, require_scope
from resolvers.principals import Scope
from stripe_gateway.records import ENDED_STATUSES

if TYPE_CHECKING:
    from collections.abc import Collection

    from resolvers.context import RequestContext
    from stripe_gateway.records import Invoice, Subscription, SubscriptionStatus


async def customer_subscriptions(
    ctx: RequestContext, customer_id: str, statuses: Collection[SubscriptionStatus] | None
) -> tuple[Subscription, ...]:
    """The customer's subscriptions in `statuses`, newest first; all but the ended ones by default."""
    check_owner(require_scope(ctx, Scope.SUBSCRIPTIONS_READ), customer_id, customer_id)
    include_ended = statuses is not None and any(status in ENDED_STATUSES for status in statuses)
    found = await ctx.loaders.subscriptions(customer_id, include_ended=include_ended)
    if statuses is None:
        return found
    return tuple(subscription for subscription in found if subscription.status in statuses)


async def subscription_by_id(ctx: RequestContext, subscription_id: str) -> Subscription:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_READ)
    subscription = await fetch_by_id(subscription_id, ctx.loaders.subscription(subscription_id))
    check_owner(principal, subscription_id, subscription.customer_id)
    return subscription


async def subscription_of_invoice(ctx: RequestContext, invoice: Invoice) -> Subscription | None:
    if invoice.subscription_id is None:
        return None
    return await subscription_by_id(ctx, invoice.subscription_id)


async def upcoming_invoice(ctx: RequestContext, subscription: Subscription) -> Invoice | None:
    """The preview of the subscription's next invoice; None once nothing more will be invoiced."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), subscription.id, subscription.customer_id)
    if not subscription.invoices_again:
        return None  # known without asking Stripe
    return await ctx.loaders.upcoming_invoice(UpcomingKey(subscription.customer_id, subscription.id))


def customer_of(ctx: RequestContext, subscription: Subscription) -> str:
    """The id of the subscription's customer, which anyone who sees the subscription may see."""
    check_owner(authenticated(ctx), subscription.id, subscription.customer_id)
    return subscription.customer_id
