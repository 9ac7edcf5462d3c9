"""What the portal configuration lets one customer do now, for a portal page to mirror (the API enforces it).

It combines the configuration's features with the customer's subscriptions: "change plan" is offered
only when some subscription could change plan, "cancel" only when one is still to cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.mutations.outcome import Rejected
from resolvers.mutations.plan_changes import check_changeable, offered_product
from resolvers.portal import offers_plan_changes

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import CancellationFeedback, PortalFeatures, Subscription


@dataclass(frozen=True, slots=True)
class PortalCapabilities:
    view_invoices: bool
    update_payment_methods: bool
    update_customer_fields: tuple[str, ...]
    cancel_subscriptions: bool
    cancel_mode: str
    cancellation_reasons: tuple[CancellationFeedback, ...]
    change_plans: bool


def _may_change_plan(subscription: Subscription, features: PortalFeatures) -> bool:
    try:
        check_changeable(subscription)
    except Rejected:
        return False
    return offered_product(features, subscription.items[0].price.product_id) is not None


async def portal_capabilities(
    ctx: RequestContext, customer_id: str, features: PortalFeatures
) -> PortalCapabilities:
    """Capabilities of `customer_id`, whom the caller has been checked to act for."""
    current = await ctx.loaders.subscriptions(customer_id, include_ended=False)
    return PortalCapabilities(
        view_invoices=features.invoice_history_enabled,
        update_payment_methods=features.payment_method_update_enabled,
        update_customer_fields=features.customer_update_allowed if features.customer_update_enabled else (),
        cancel_subscriptions=features.subscription_cancel_enabled
        and any(not subscription.is_scheduled_to_cancel for subscription in current),
        cancel_mode=features.subscription_cancel_mode,
        cancellation_reasons=features.cancellation_reason_options
        if features.cancellation_reason_enabled
        else (),
        change_plans=offers_plan_changes(features)
        and any(_may_change_plan(subscription, features) for subscription in current),
    )
