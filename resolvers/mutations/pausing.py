"""Pausing a subscription's payments for a while, previewing what resuming will cost, and resuming.

A pause is Stripe's `pause_collection` with `behavior=void` and `resumes_at`, as Stripe's own portal pauses:
the subscription stays active and renews on its cycle, the invoices made meanwhile are voided (nothing is
charged), and Stripe resumes collection by itself at `resumes_at`, with no job of ours to run. (The hard
pause, `POST /subscriptions/:id/pause`, has no resumption date: something would have to call `resume` on
time, and resuming bills a new period at once.) A customer session pauses only where the portal
configuration lets customers pause, and only for a length it offers; an API key for any length up to three
years.
"""

from __future__ import annotations

import asyncio
import calendar
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from resolvers import rules
from resolvers.loaders.invoices import UpcomingKey
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.targets import (
    check_id,
    held_to,
    owned_subscription,
    portal_features,
    refuse,
    settled,
)
from resolvers.policy import check_owner, require_scope
from resolvers.ports import RetentionEvent, RetentionEventKind
from resolvers.principals import Scope
from stripe_gateway.errors import IdempotencyConflict
from stripe_gateway.ids import IdKind
from stripe_gateway.records import Interval

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Invoice, PauseDuration, PortalFeatures, Subscription

_PAUSE = "subscription.pause"
_RESUME = "subscription.resume"
_SECONDS = {Interval.DAY: 86_400, Interval.WEEK: 7 * 86_400}


def later(start: int, interval: Interval, count: int) -> int:
    """`start` moved on by `count` intervals; months and years keep the day (Jan 31 -> Feb 28)."""
    if interval in _SECONDS:
        return start + count * _SECONDS[interval]
    moment = datetime.fromtimestamp(start, UTC)
    index = moment.year * 12 + moment.month - 1 + count * (12 if interval is Interval.YEAR else 1)
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return int(moment.replace(year=year, month=month + 1, day=day).timestamp())


def _first_renewal_from(subscription: Subscription, instant: int) -> int | None:
    """The first renewal of the subscription at or after `instant`: the first invoice charged after a
    pause that ends then."""
    renewal, recurring = subscription.current_period_end, subscription.items[0].price.recurring
    if renewal is None or recurring is None:
        return None
    step, anchor = 0, renewal
    while renewal < instant:
        step += recurring.interval_count
        renewal = later(anchor, recurring.interval, step)
    return renewal


@dataclass(frozen=True, slots=True)
class PausePreview:
    """What pausing for a length means: when payments resume, and the first charge after that."""

    subscription: Subscription
    resumes_at: int | None  # None: until resumed
    next_charge_at: int | None  # None: unknown until resumed
    # The invoice each renewal makes once payments resume; None when nothing more will be invoiced.
    renewal: Invoice | None


def _pause_of(subscription: Subscription) -> dict[str, Any]:
    pause = subscription.pause_collection
    return {
        "paused": pause is not None,
        "resumesAt": None if pause is None else pause.resumes_at,
        "behavior": None if pause is None else pause.behavior.value,
    }


async def _pausable(
    ctx: RequestContext, principal: Principal, subscription_id: str, duration: PauseDuration | None
) -> tuple[Subscription, PortalFeatures]:
    check_id(IdKind.SUBSCRIPTION, subscription_id, "subscription_id")
    found_subscription, found_features = await asyncio.gather(
        owned_subscription(ctx, principal, subscription_id, "subscription_id"),
        portal_features(ctx),
        return_exceptions=True,
    )
    subscription = settled(found_subscription)
    features = settled(found_features)
    refuse(rules.pause_refusal(subscription, held_to(principal, features), duration))
    return subscription, features


def _resumes_at(duration: PauseDuration | None, now: int) -> int | None:
    return None if duration is None else later(now, duration.interval, duration.interval_count)


async def renewal_after_pause(ctx: RequestContext, subscription: Subscription) -> Invoice | None:
    """The invoice the subscription's renewals make once its payments resume: the preview of its next
    invoice, the read the dashboard makes anyway (so showing it costs no other Stripe call)."""
    if not subscription.invoices_again:
        return None
    return await ctx.loaders.upcoming_invoice(UpcomingKey(subscription.customer_id, subscription.id))


async def renewal_charge(ctx: RequestContext, subscription: Subscription) -> Invoice | None:
    """`renewal_after_pause` for a reader of the subscription's invoices (the `invoices:read` scope)."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), subscription.id, subscription.customer_id)
    return await renewal_after_pause(ctx, subscription)


async def _preview_pause(
    ctx: RequestContext, subscription_id: str, duration: PauseDuration | None
) -> PausePreview:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    subscription, _ = await _pausable(ctx, principal, subscription_id, duration)
    resumes_at = _resumes_at(duration, int(time.time()))
    return PausePreview(
        subscription=subscription,
        resumes_at=resumes_at,
        next_charge_at=None if resumes_at is None else _first_renewal_from(subscription, resumes_at),
        renewal=await renewal_after_pause(ctx, subscription),
    )


async def preview_pause(
    ctx: RequestContext, *, subscription_id: str, duration: PauseDuration | None
) -> Outcome[PausePreview]:
    return await attempt(_preview_pause(ctx, subscription_id, duration))


async def pause_now(
    ctx: RequestContext,
    principal: Principal,
    subscription: Subscription,
    *,
    resumes_at: int | None,
    paused_at: int,
    key: str,
    asked: dict[str, Any],
) -> Subscription:
    """Send the pause, audited, and count it for the cancellation report; `key` is its idempotency key."""
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_PAUSE,
        object_type="subscription",
        object_id=subscription.id,
        customer_id=subscription.customer_id,
        before=_pause_of(subscription),
        after=asked,
    )
    async with writes.audited_write(ctx, key=key, target=("pause",), entry=entry) as written:
        try:
            paused = await ctx.gateway.pause_collection(
                subscription.id, resumes_at=resumes_at, paused_at=paused_at, idempotency_key=key
            )
        except IdempotencyConflict as error:
            raise reject(
                UserErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This idempotency key was used for another change.",
                "idempotency_key",
            ) from error
        ctx.forget_reads()
        written.after = _pause_of(paused)
    await writes.stores(ctx).retention.record_event(
        RetentionEvent(key, RetentionEventKind.PAUSED, subscription.customer_id, subscription.id)
    )
    return paused


async def _pause_subscription(
    ctx: RequestContext, subscription_id: str, duration: PauseDuration | None, client_key: str | None
) -> Subscription:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    writes.check_client_key(client_key)
    check_id(IdKind.SUBSCRIPTION, subscription_id, "subscription_id")
    subscription = await owned_subscription(ctx, principal, subscription_id, "subscription_id")
    if subscription.is_paused:
        # A retry of a pause whose answer was lost audits it; the caller learns it is paused.
        await writes.already_done(
            ctx, action=_PAUSE, object_id=subscription.id, target=("pause",), after=_pause_of(subscription)
        )
    subscription, _ = await _pausable(ctx, principal, subscription_id, duration)
    now = int(time.time())
    resumes_at = _resumes_at(duration, now)
    key = writes.idempotency_key(ctx, principal, client_key, "pause", subscription.id, duration)
    asked = {"paused": True, "resumesAt": resumes_at, "behavior": "void"}
    return await pause_now(
        ctx, principal, subscription, resumes_at=resumes_at, paused_at=now, key=key, asked=asked
    )


async def pause_subscription(
    ctx: RequestContext, *, subscription_id: str, duration: PauseDuration | None, idempotency_key: str | None
) -> Outcome[Subscription]:
    return await attempt(_pause_subscription(ctx, subscription_id, duration, idempotency_key))


async def _resume_subscription(ctx: RequestContext, subscription_id: str) -> Subscription:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    check_id(IdKind.SUBSCRIPTION, subscription_id, "subscription_id")
    subscription = await owned_subscription(ctx, principal, subscription_id, "subscription_id")
    refuse(rules.resume_refusal(subscription))
    target = ("resume",)
    if not subscription.is_paused:
        # Not paused: nothing to do, or a retry of a resumption whose answer was lost.
        await writes.already_done(
            ctx, action=_RESUME, object_id=subscription.id, target=target, after=_pause_of(subscription)
        )
        return subscription
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_RESUME,
        object_type="subscription",
        object_id=subscription.id,
        customer_id=subscription.customer_id,
        before=_pause_of(subscription),
        after={"paused": False, "resumesAt": None, "behavior": None},
    )
    key = writes.idempotency_key(ctx, principal, None, "resume", subscription.id)
    async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
        resumed = await ctx.gateway.resume_collection(subscription.id, idempotency_key=key)
        ctx.forget_reads()
        written.after = _pause_of(resumed)
    await writes.stores(ctx).retention.record_event(
        RetentionEvent(key, RetentionEventKind.RESUMED, subscription.customer_id, subscription.id)
    )
    return resumed


async def resume_subscription(ctx: RequestContext, *, subscription_id: str) -> Outcome[Subscription]:
    return await attempt(_resume_subscription(ctx, subscription_id))
