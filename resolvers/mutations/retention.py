"""Retention offers in a cancellation (the merchant makes them in `retention_offers`): a customer who starts
cancelling gives the reason first and is shown the offer that fits (`startCancellation`), and takes it
(`acceptRetentionOffer`) or goes on to cancel (`cancelSubscription`, which declines it).

An offer is shown to a customer once ever: the database's unique constraint on (offer, customer) decides,
across instances and retries. Accepting claims the showing in the database, then applies the offer in
Stripe under an idempotency key made from the showing, so two concurrent accepts (or a retry) send the same
request, which Stripe applies once; once applied, the showing records it and later retries send nothing.
Starting a cancellation reads what cancelling reads (the subscription and the portal configuration, together)
and the offers from the database: it costs no Stripe round trip beyond the cancellation itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, Rejected, UserErrorCode, attempt, reject
from resolvers.mutations.pausing import later
from resolvers.mutations.targets import check_id, held_to, owned_subscription, refuse, settled
from resolvers.policy import require_scope
from resolvers.portal import configuration_in_force
from resolvers.ports import (
    OfferKind,
    OfferOutcome,
    RetentionEvent,
    RetentionEventKind,
)
from resolvers.principals import Scope
from resolvers.text import is_printable_line
from stripe_gateway.errors import InvalidRequest
from stripe_gateway.ids import IdKind
from stripe_gateway.records import (
    CancelMode,
    ItemChange,
    PauseDuration,
    PortalFlow,
    PortalFlowType,
)

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.ports import OfferGrant, RetentionOffer, RetentionStore
    from resolvers.principals import Principal
    from stripe_gateway.records import CancellationFeedback, PortalConfiguration, Subscription

MAX_COMMENT_LENGTH = 500
_ACCEPT = "subscription.retention_offer.accept"


def _store(ctx: RequestContext) -> RetentionStore:
    return writes.stores(ctx).retention


def check_comment(comment: str | None) -> None:
    """A cancellation comment: at most `MAX_COMMENT_LENGTH` printable characters, in lines (a customer
    writes it in a text box)."""
    if comment is None:
        return
    lines = comment.replace("\r\n", "\n").replace("\n", "")
    if not (len(comment) <= MAX_COMMENT_LENGTH and is_printable_line(lines)):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"A comment is at most {MAX_COMMENT_LENGTH} printable characters.",
            "comment",
        )


# -- a customer cancelling ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CancellationStart:
    subscription: Subscription
    # The offer to show before cancelling; None: cancel straight away.
    offer: RetentionOffer | None


def _pending(grants: tuple[OfferGrant, ...], subscription_id: str) -> OfferGrant | None:
    """The offer shown for this subscription and not yet taken or declined (a reload shows it again)."""
    return next(
        (g for g in grants if g.subscription_id == subscription_id and g.outcome is OfferOutcome.SHOWN), None
    )


async def offer_for(
    ctx: RequestContext,
    subscription: Subscription,
    configuration: PortalConfiguration,
    reason: CancellationFeedback | None,
    *,
    kinds: frozenset[OfferKind] = frozenset(OfferKind),
) -> RetentionOffer | None:
    """Show the customer the offer that fits, once: the one already shown for this subscription, or else
    the first they have not had; None when none fits."""
    store = _store(ctx)
    # Both reads finish before either's failure is raised, so none is left running past the request.
    found_offers, found_grants = await asyncio.gather(
        store.offers(include_archived=False),
        store.grants_of(subscription.customer_id),
        return_exceptions=True,
    )
    offers = tuple(offer for offer in settled(found_offers) if offer.kind in kinds)
    grants = settled(found_grants)
    pending = _pending(grants, subscription.id)
    if pending is not None:
        shown = next((offer for offer in offers if offer.id == pending.offer_id), None)
        if shown is not None and rules.offer_applies(shown, subscription):
            return shown
    had = frozenset(grant.offer_id for grant in grants)
    offer = rules.fitting_offer(
        offers, subscription, reason=reason, configuration_id=configuration.id, had=had
    )
    if offer is None:
        return None
    grant = await store.grant(
        offer_id=offer.id,
        customer_id=subscription.customer_id,
        subscription_id=subscription.id,
        reason=reason,
        monthly_amount=subscription.monthly_amount,
        currency=subscription.currency,
    )
    # Another request showed it first: only if that was for this subscription and is still open.
    if grant.subscription_id != subscription.id or grant.outcome is not OfferOutcome.SHOWN:
        return None
    return offer


async def _subject(
    ctx: RequestContext, principal: Principal, subscription_id: str
) -> tuple[Subscription, PortalConfiguration]:
    check_id(IdKind.SUBSCRIPTION, subscription_id, "subscription_id")
    found_subscription, found_configuration = await asyncio.gather(
        owned_subscription(ctx, principal, subscription_id, "subscription_id"),
        configuration_in_force(ctx),
        return_exceptions=True,
    )
    return settled(found_subscription), settled(found_configuration)


async def _start_cancellation(
    ctx: RequestContext, subscription_id: str, reason: CancellationFeedback | None
) -> CancellationStart:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    subscription, configuration = await _subject(ctx, principal, subscription_id)
    features = configuration.features
    limits = held_to(principal, features)
    mode = features.subscription_cancel_mode if limits is not None else CancelMode.AT_PERIOD_END
    refuse(rules.cancel_refusal(subscription, limits, mode, reason))
    if subscription.is_scheduled_to_cancel:
        return CancellationStart(subscription, None)  # nothing left to keep
    return CancellationStart(subscription, await offer_for(ctx, subscription, configuration, reason))


async def start_cancellation(
    ctx: RequestContext, *, subscription_id: str, reason: CancellationFeedback | None
) -> Outcome[CancellationStart]:
    return await attempt(_start_cancellation(ctx, subscription_id, reason))


async def decline_offers(
    ctx: RequestContext,
    subscription: Subscription,
    *,
    key: str,
    reason: CancellationFeedback | None,
    comment: str | None,
) -> None:
    """The customer cancels: the offer shown for the subscription is declined, and the cancellation counted
    with its reason and comment (once per write, by its idempotency key)."""
    store = _store(ctx)
    pending = _pending(await store.grants_of(subscription.customer_id), subscription.id)
    if pending is not None:
        await store.decide(pending.id, OfferOutcome.DECLINED)
    await store.record_event(
        RetentionEvent(
            key, RetentionEventKind.CANCELED, subscription.customer_id, subscription.id, reason, comment
        )
    )


async def stripe_cancel_flow(
    ctx: RequestContext, flow: PortalFlow, configuration: PortalConfiguration
) -> PortalFlow:
    """A cancel flow into Stripe's portal carries the coupon offer that fits whatever the reason (Stripe's
    portal offers it before asking why), shown to the customer once like any other."""
    if flow.type is not PortalFlowType.SUBSCRIPTION_CANCEL or flow.subscription_id is None:
        return flow
    subscription = await ctx.loaders.subscription(flow.subscription_id)
    if subscription.is_scheduled_to_cancel:
        return flow
    offer = await offer_for(ctx, subscription, configuration, None, kinds=frozenset({OfferKind.COUPON}))
    if offer is None or offer.coupon is None:
        return flow
    return replace(flow, retention_coupon_id=offer.coupon.coupon_id)


# -- accepting ----------------------------------------------------------------------------------------------


async def _shown(ctx: RequestContext, subscription: Subscription, offer_id: str) -> OfferGrant:
    grants = await _store(ctx).grants_of(subscription.customer_id)
    grant = next((g for g in grants if g.offer_id == offer_id and g.subscription_id == subscription.id), None)
    if grant is None or grant.outcome is OfferOutcome.DECLINED:
        raise reject(
            UserErrorCode.OFFER_NOT_AVAILABLE,
            "This offer was not made for this plan, or was declined.",
            "offer_id",
        )
    return grant


async def _apply(
    ctx: RequestContext,
    subscription: Subscription,
    offer: RetentionOffer,
    grant: OfferGrant,
    configuration: PortalConfiguration,
) -> Subscription:
    # The same key for every request that applies this showing: Stripe applies it once.
    key = f"retention:{grant.id}"
    if offer.coupon is not None:
        return await ctx.gateway.apply_coupon(
            subscription.id,
            offer.coupon.coupon_id,
            kept_discount_ids=subscription.discount_ids,
            idempotency_key=key,
        )
    if offer.pause is not None:
        length = PauseDuration(offer.pause.interval, offer.pause.interval_count)
        refuse(rules.pause_refusal(subscription, None, length))
        # The pause starts when the offer was taken, so every request asks for the same pause.
        start = int((grant.decided_at or grant.shown_at).timestamp())
        paused = await ctx.gateway.pause_collection(
            subscription.id,
            resumes_at=later(start, length.interval, length.interval_count),
            paused_at=start,
            idempotency_key=key,
        )
        await _store(ctx).record_event(
            RetentionEvent(key, RetentionEventKind.PAUSED, subscription.customer_id, subscription.id)
        )
        return paused
    if offer.price_switch is not None:
        refuse(rules.plan_change_refusal(subscription, None))
        price = await ctx.loaders.price(offer.price_switch.price_id)
        refuse(rules.price_refusal(subscription, None, price))
        item = subscription.items[0]
        return await ctx.gateway.change_subscription_items(
            subscription.id,
            (ItemChange(item_id=item.id, price_id=price.id, quantity=item.quantity),),
            proration_behavior=configuration.features.subscription_update_proration_behavior,
            proration_date=None,
            idempotency_key=key,
        )
    raise reject(UserErrorCode.OFFER_NOT_AVAILABLE, "This offer no longer applies.", "offer_id")


async def _accept(ctx: RequestContext, subscription_id: str, offer_id: str) -> Subscription:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    subscription, configuration = await _subject(ctx, principal, subscription_id)
    refuse(rules.ended_refusal(subscription))
    if len(offer_id) > 40:
        raise reject(UserErrorCode.OFFER_NOT_AVAILABLE, "No such offer.", "offer_id")
    store = _store(ctx)
    found_grant, found_offer = await asyncio.gather(
        _shown(ctx, subscription, offer_id), store.offer(offer_id), return_exceptions=True
    )
    grant, offer = settled(found_grant), settled(found_offer)
    if offer is None:
        raise reject(UserErrorCode.OFFER_NOT_AVAILABLE, "No such offer.", "offer_id")
    won = grant.outcome is OfferOutcome.SHOWN and await store.decide(grant.id, OfferOutcome.ACCEPTED)
    if grant.outcome is OfferOutcome.ACCEPTED and grant.applied_at is not None:
        return subscription  # applied before: a retry, or a concurrent accept that finished first
    grant = await _shown(ctx, subscription, offer_id)  # with the instant it was taken
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_ACCEPT,
        object_type="subscription",
        object_id=subscription.id,
        customer_id=subscription.customer_id,
        before=None,
        after={"offer": offer.id, "kind": offer.kind.value},
    )
    key = f"retention:{grant.id}"
    try:
        async with writes.audited_write(ctx, key=key, target=("retention", grant.id), entry=entry):
            applied = await _apply(ctx, subscription, offer, grant, configuration)
            ctx.forget_reads()
    except (Rejected, InvalidRequest):
        if won:
            await store.undecide(grant.id)
        raise
    await store.applied(grant.id)
    return applied


async def accept_retention_offer(
    ctx: RequestContext, *, subscription_id: str, offer_id: str
) -> Outcome[Subscription]:
    return await attempt(_accept(ctx, subscription_id, offer_id))
