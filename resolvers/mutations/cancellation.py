"""Cancelling a subscription (at the end of its period, or now) and taking a scheduled cancellation back.

A customer session may cancel only when the portal configuration lets customers cancel, only in the
configuration's mode, and give only the reasons it offers; the reason and comment are kept in Stripe's
`cancellation_details`, and in the cancellation report with the retention offer shown (now declined).
Both mutations do nothing when the subscription is already as asked.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations import retention, writes
from resolvers.mutations.outcome import Outcome, attempt
from resolvers.mutations.targets import (
    check_id,
    held_to,
    owned_subscription,
    portal_features,
    refuse,
    settled,
)
from resolvers.policy import require_scope
from resolvers.principals import Scope
from stripe_gateway.ids import IdKind
from stripe_gateway.records import CancelMode

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import CancellationFeedback, PortalFeatures, Subscription


_CANCEL = "subscription.cancel"
_REACTIVATE = "subscription.reactivate"


def _cancellation_of(subscription: Subscription) -> dict[str, object]:
    return {
        "status": subscription.status.value,
        "cancelAtPeriodEnd": subscription.cancel_at_period_end,
        "cancelAt": subscription.cancel_at,
    }


async def _cancel(
    ctx: RequestContext,
    subscription: Subscription,
    *,
    mode: CancelMode,
    reason: CancellationFeedback | None,
    comment: str | None,
    features: PortalFeatures,
    key: str,
) -> Subscription:
    if mode is CancelMode.AT_PERIOD_END:
        return await ctx.gateway.cancel_at_period_end(
            subscription.id, feedback=reason, comment=comment, idempotency_key=key
        )
    # Immediate cancellations credit the unused time only when the configuration prorates them.
    prorate = rules.cancellation_prorates(features)
    return await ctx.gateway.cancel_now(
        subscription.id,
        prorate=prorate,
        # The credit for unused time is invoiced at once, so it lands on the customer's balance now.
        invoice_now=prorate,
        feedback=reason,
        comment=comment,
        idempotency_key=key,
    )


async def _cancel_subscription(
    ctx: RequestContext,
    subscription_id: str,
    mode: CancelMode | None,
    reason: CancellationFeedback | None,
    comment: str | None,
) -> Subscription:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    check_id(IdKind.SUBSCRIPTION, subscription_id, "subscription_id")
    retention.check_comment(comment)
    found_subscription, found_features = await asyncio.gather(
        owned_subscription(ctx, principal, subscription_id, "subscription_id"),
        portal_features(ctx),
        return_exceptions=True,
    )
    subscription = settled(found_subscription)
    features = settled(found_features)
    chosen = mode or features.subscription_cancel_mode
    target = ("cancel", chosen.value)
    if subscription.has_ended or (chosen is CancelMode.AT_PERIOD_END and subscription.cancel_at_period_end):
        # Already as asked: a retry (perhaps of a cancellation whose answer was lost), or nothing to do. An
        # ended subscription is still refused below, as it always was.
        await writes.already_done(
            ctx,
            action=_CANCEL,
            object_id=subscription.id,
            target=target,
            after=_cancellation_of(subscription),
        )
    refuse(rules.cancel_refusal(subscription, held_to(principal, features), chosen, reason))
    if chosen is CancelMode.AT_PERIOD_END and subscription.cancel_at_period_end:
        return subscription
    asked = {"mode": chosen.value, "reason": None if reason is None else reason.value, "comment": comment}
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_CANCEL,
        object_type="subscription",
        object_id=subscription.id,
        customer_id=subscription.customer_id,
        before=_cancellation_of(subscription),
        after=asked,
    )
    key = writes.idempotency_key(ctx, principal, None, "cancel", subscription.id, chosen, reason, comment)
    async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
        canceled = await _cancel(
            ctx,
            subscription,
            mode=chosen,
            reason=reason,
            comment=comment,
            features=features,
            key=key,
        )
        ctx.forget_reads()
        written.after = {**_cancellation_of(canceled), **asked}
    await retention.decline_offers(ctx, subscription, key=key, reason=reason, comment=comment)
    return canceled


async def cancel_subscription(
    ctx: RequestContext,
    *,
    subscription_id: str,
    mode: CancelMode | None,
    reason: CancellationFeedback | None,
    comment: str | None,
) -> Outcome[Subscription]:
    return await attempt(_cancel_subscription(ctx, subscription_id, mode, reason, comment))


async def _reactivate_subscription(ctx: RequestContext, subscription_id: str) -> Subscription:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    subscription = await owned_subscription(ctx, principal, subscription_id, "subscription_id")
    refuse(rules.reactivate_refusal(subscription))
    target = ("reactivate",)
    if not subscription.is_scheduled_to_cancel:
        # Nothing scheduled: nothing to do, or a retry of a reactivation whose answer was lost.
        await writes.already_done(
            ctx,
            action=_REACTIVATE,
            object_id=subscription.id,
            target=target,
            after=_cancellation_of(subscription),
        )
        return subscription
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_REACTIVATE,
        object_type="subscription",
        object_id=subscription.id,
        customer_id=subscription.customer_id,
        before=_cancellation_of(subscription),
        after={**_cancellation_of(subscription), "cancelAtPeriodEnd": False, "cancelAt": None},
    )
    key = writes.idempotency_key(ctx, principal, None, "reactivate", subscription.id)
    async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
        reactivated = await ctx.gateway.uncancel(subscription.id, idempotency_key=key)
        ctx.forget_reads()
        written.after = _cancellation_of(reactivated)
    return reactivated


async def reactivate_subscription(ctx: RequestContext, *, subscription_id: str) -> Outcome[Subscription]:
    return await attempt(_reactivate_subscription(ctx, subscription_id))
