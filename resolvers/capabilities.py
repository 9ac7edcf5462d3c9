"""What the portal lets a customer do now, for a page to render: on the customer as a whole (capabilities)
and on each subscription (actions). Every answer comes from `rules`, which the mutations enforce.

They describe the portal configuration in force and the subscriptions' state; a customer session's scopes
limit it further (`Viewer.scopes`). Capabilities about subscriptions read them only when asked for, so a
page that needs only the configuration's part costs no Stripe call beyond the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers import plans, rules
from resolvers.policy import authenticated, check_owner, require_scope
from resolvers.portal import configuration_in_force
from resolvers.principals import Scope

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from resolvers.context import RequestContext
    from resolvers.mutations.outcome import UserError
    from stripe_gateway.records import (
        CancellationFeedback,
        CancelMode,
        CustomerDetail,
        PauseDuration,
        PortalFeatures,
        Subscription,
    )


@dataclass(frozen=True, slots=True)
class PortalCapabilities:
    """What one customer may do under `features`; the parts about subscriptions are read when asked."""

    features: PortalFeatures
    # Starts (or joins) the read of the customer's current subscriptions.
    current_subscriptions: Callable[[], Awaitable[tuple[Subscription, ...]]]
    # Whether this service can collect cards with Stripe.js (a publishable key is configured).
    card_collection: bool = False

    @property
    def add_payment_methods(self) -> bool:
        return rules.add_card_refusal(self.features, card_collection=self.card_collection) is None

    @property
    def pay_invoices(self) -> bool:
        """Whether open invoices may be paid here; each invoice's state decides the rest."""
        return rules.payment_methods_refusal(self.features, "pay invoices") is None

    @property
    def view_invoices(self) -> bool:
        return self.features.invoice_history_enabled

    @property
    def update_payment_methods(self) -> bool:
        return rules.payment_methods_refusal(self.features) is None

    @property
    def update_customer_fields(self) -> tuple[CustomerDetail, ...]:
        allowed = self.features.customer_update_allowed
        return tuple(name for name in allowed if rules.customer_detail_refusal(self.features, name) is None)

    @property
    def cancel_mode(self) -> CancelMode:
        return self.features.subscription_cancel_mode

    @property
    def cancellation_reasons(self) -> tuple[CancellationFeedback, ...]:
        return rules.offered_cancellation_reasons(self.features)

    async def cancel_subscriptions(self) -> bool:
        """Whether some subscription may be cancelled (is not already set to cancel)."""
        if not self.features.subscription_cancel_enabled:
            return False  # known without reading the subscriptions
        current = await self.current_subscriptions()
        return any(rules.cancel_offer_refusal(each, self.features) is None for each in current)

    async def remove_last_payment_method(self) -> bool:
        """Whether the customer's only payment method may be removed (not while a subscription runs)."""
        return rules.last_payment_method_refusal(1, await self.current_subscriptions()) is None

    async def change_plans(self) -> bool:
        """Whether some subscription may change plan."""
        if not rules.offers_plan_changes(self.features):
            return False
        current = await self.current_subscriptions()
        return any(rules.plan_change_refusal(each, self.features) is None for each in current)


def portal_capabilities(
    ctx: RequestContext, customer_id: str, features: PortalFeatures
) -> PortalCapabilities:
    """Capabilities of `customer_id`, whom the caller has been checked to act for, under `features`."""
    return PortalCapabilities(
        features,
        lambda: ctx.loaders.subscriptions(customer_id, include_ended=False),
        card_collection=ctx.publishable_key is not None,
    )


async def customer_capabilities(
    ctx: RequestContext,
    customer_id: str,
    current_subscriptions: Callable[[], Awaitable[tuple[Subscription, ...]]],
) -> PortalCapabilities:
    """The customer's capabilities under the configuration in force, for anyone who may see the customer.
    `current_subscriptions` reads its current subscriptions (from the customer's record when it has them)."""
    check_owner(authenticated(ctx), customer_id, customer_id)
    features = (await configuration_in_force(ctx)).features
    return PortalCapabilities(
        features, current_subscriptions, card_collection=ctx.publishable_key is not None
    )


async def _features_for(ctx: RequestContext, subscription: Subscription) -> PortalFeatures:
    check_owner(require_scope(ctx, Scope.SUBSCRIPTIONS_READ), subscription.id, subscription.customer_id)
    return (await configuration_in_force(ctx)).features


async def change_plan_refusal(ctx: RequestContext, subscription: Subscription) -> UserError | None:
    """Why the customer may change nothing of the subscription now; None when a price, a quantity or an
    add-on is on offer."""
    return await plans.change_refusal(ctx, subscription)


@dataclass(frozen=True, slots=True)
class CancelOffer:
    """Whether the customer may cancel the subscription now, in which mode, giving which reasons."""

    refusal: UserError | None
    mode: CancelMode
    reasons: tuple[CancellationFeedback, ...]


async def cancel_offer(ctx: RequestContext, subscription: Subscription) -> CancelOffer:
    features = await _features_for(ctx, subscription)
    return CancelOffer(
        refusal=rules.cancel_offer_refusal(subscription, features),
        mode=features.subscription_cancel_mode,
        reasons=rules.offered_cancellation_reasons(features),
    )


async def cancellation_credit(ctx: RequestContext, subscription: Subscription) -> int:
    """What cancelling the subscription now would credit the customer for its unused time (kept as credit
    balance); zero when the portal does not offer it or cancels at the period's end. One invoice preview
    when there may be a credit, none otherwise."""
    features = await _features_for(ctx, subscription)
    if rules.cancel_offer_refusal(subscription, features) or not rules.cancellation_prorates(features):
        return 0
    preview = await ctx.gateway.preview_invoice(
        customer_id=subscription.customer_id,
        subscription_id=subscription.id,
        proration_behavior=features.subscription_cancel_proration_behavior,
        cancel_now=True,
    )
    return 0 if preview is None else max(0, -preview.total)


def reactivate_refusal(ctx: RequestContext, subscription: Subscription) -> UserError | None:
    """Why the customer may not take back the subscription's scheduled cancellation; None when they may."""
    check_owner(require_scope(ctx, Scope.SUBSCRIPTIONS_READ), subscription.id, subscription.customer_id)
    return rules.reactivate_offer_refusal(subscription)


@dataclass(frozen=True, slots=True)
class PauseOffer:
    """Whether the customer may pause the subscription's payments now, and for how long."""

    refusal: UserError | None
    durations: tuple[PauseDuration, ...]
    indefinite: bool


async def pause_offer(ctx: RequestContext, subscription: Subscription) -> PauseOffer:
    features = await _features_for(ctx, subscription)
    refusal = rules.pause_offer_refusal(subscription, features)
    return PauseOffer(
        refusal=refusal,
        durations=rules.offered_pause_durations(features) if refusal is None else (),
        indefinite=refusal is None and features.subscription_pause_indefinite,
    )


def resume_refusal(ctx: RequestContext, subscription: Subscription) -> UserError | None:
    """Why the customer may not resume the subscription's payments now; None when they may."""
    check_owner(require_scope(ctx, Scope.SUBSCRIPTIONS_READ), subscription.id, subscription.customer_id)
    return rules.resume_offer_refusal(subscription)
