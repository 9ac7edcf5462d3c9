"""Previewing and making a plan change: moving a single-item subscription to another price or quantity.

The preview runs Stripe's `create_preview` for the change; the change is applied with the preview's
proration date, so the customer pays exactly what the preview showed. A customer session may switch only
to prices the portal configuration offers, and change the quantity only where it allows; the proration
behavior is the configuration's for every caller.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from resolvers import rules
from resolvers.analytics import PlanChangeDirection, plan_change_direction
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
from resolvers.policy import require_scope
from resolvers.principals import Scope
from stripe_gateway.errors import CardDeclined, IdempotencyConflict, InvalidRequest, NotFound
from stripe_gateway.ids import IdKind
from stripe_gateway.records import ItemChange

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Invoice, InvoiceLine, Price, Subscription, SubscriptionItem


@dataclass(frozen=True, slots=True)
class PlanChangePreview:
    subscription: Subscription
    # The instant the change is prorated at; None when nothing is prorated (trials, no proration).
    proration_date: int | None
    amount_due_now: int
    currency: str
    proration_lines: tuple[InvoiceLine, ...]
    # The first regular invoice after the change; None when none will follow.
    next_invoice: Invoice | None


@dataclass(frozen=True, slots=True)
class _Change:
    subscription: Subscription
    item: SubscriptionItem
    price: Price
    quantity: int
    proration_behavior: str

    @property
    def is_noop(self) -> bool:
        return self.price.id == self.item.price.id and self.quantity == self.item.quantity

    @property
    def item_change(self) -> ItemChange:
        return ItemChange(item_id=self.item.id, price_id=self.price.id, quantity=self.quantity)


async def _change(
    ctx: RequestContext, principal: Principal, subscription_id: str, price_id: str, quantity: int | None
) -> _Change:
    check_id(IdKind.SUBSCRIPTION, subscription_id, "subscription_id")
    check_id(IdKind.PRICE, price_id, "price_id")
    # The three reads go to Stripe together; the checks still run in this order, so a refusal says nothing
    # about the price to a caller who may not see the subscription.
    found_subscription, found_features, found_price = await asyncio.gather(
        owned_subscription(ctx, principal, subscription_id, "subscription_id"),
        portal_features(ctx),
        ctx.loaders.price(price_id),
        return_exceptions=True,
    )
    subscription = settled(found_subscription)
    features = settled(found_features)
    limits = held_to(principal, features)
    refuse(rules.plan_change_refusal(subscription, limits))
    if isinstance(found_price, NotFound):
        raise reject(UserErrorCode.NOT_FOUND, f"No price with id '{price_id}'.", "price_id") from found_price
    price = settled(found_price)
    item = subscription.items[0]
    change = _Change(
        subscription=subscription,
        item=item,
        price=price,
        quantity=item.quantity if quantity is None else quantity,
        proration_behavior=features.subscription_update_proration_behavior,
    )
    refuse(rules.price_refusal(subscription, limits, price))
    refuse(rules.quantity_refusal(subscription, limits, price, change.quantity))
    return change


async def _preview(ctx: RequestContext, change: _Change, *, recurring: bool = False) -> Invoice | None:
    return await ctx.gateway.preview_invoice(
        customer_id=change.subscription.customer_id,
        subscription_id=change.subscription.id,
        items=(change.item_change,),
        proration_behavior=change.proration_behavior,
        recurring=recurring,
    )


async def _preview_plan_change(
    ctx: RequestContext, subscription_id: str, price_id: str, quantity: int | None
) -> PlanChangePreview:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    change = await _change(ctx, principal, subscription_id, price_id, quantity)
    first = await _preview(ctx, change)
    lines = () if first is None else tuple(line for line in first.lines if line.proration)
    billed_now = first is not None and first.billed_now
    return PlanChangePreview(
        subscription=change.subscription,
        # A proration line covers the time from the proration date to the end of the item's period.
        proration_date=min((line.period_start for line in lines), default=None),
        amount_due_now=first.amount_due if first is not None and billed_now else 0,
        currency=change.subscription.currency,
        proration_lines=lines,
        # Billed now, the preview is that invoice; the one after it needs Stripe's recurring preview.
        next_invoice=await _preview(ctx, change, recurring=True) if billed_now else first,
    )


async def preview_plan_change(
    ctx: RequestContext, *, subscription_id: str, price_id: str, quantity: int | None
) -> Outcome[PlanChangePreview]:
    return await attempt(_preview_plan_change(ctx, subscription_id, price_id, quantity))


_ACTION = "subscription.change_plan"


def _plan_of(subscription: Subscription) -> dict[str, Any]:
    return {
        "status": subscription.status.value,
        "items": [{"price": item.price.id, "quantity": item.quantity} for item in subscription.items],
    }


def _direction(change: _Change) -> PlanChangeDirection:
    return plan_change_direction(change.item.price, change.item.quantity, change.price, change.quantity)


def _check_proration_date(change: _Change, proration_date: int | None) -> None:
    item = change.item
    if (
        proration_date is not None
        and not item.current_period_start <= proration_date <= item.current_period_end
    ):
        raise reject(
            UserErrorCode.PRORATION_DATE_OUT_OF_PERIOD,
            "The proration date lies outside the subscription's current period; preview the change again.",
            "proration_date",
        )


async def _change_plan(
    ctx: RequestContext,
    *,
    subscription_id: str,
    price_id: str,
    quantity: int | None,
    proration_date: int | None,
    client_key: str | None,
) -> Subscription:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    writes.check_client_key(client_key)
    change = await _change(ctx, principal, subscription_id, price_id, quantity)
    target = ("change_plan", change.price.id, change.quantity)
    if change.is_noop:
        # Already on that plan: nothing to do, or a retry of a change whose answer was lost.
        after = {**_plan_of(change.subscription), "prorationBehavior": change.proration_behavior}
        await writes.already_done(ctx, action=_ACTION, object_id=subscription_id, target=target, after=after)
        return change.subscription
    _check_proration_date(change, proration_date)
    key = writes.idempotency_key(
        ctx, principal, client_key, "change_plan", subscription_id, price_id, quantity
    )
    before = _plan_of(change.subscription)
    asked = [{"price": change.price.id, "quantity": change.quantity}, *before["items"][1:]]
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_ACTION,
        object_type="subscription",
        object_id=subscription_id,
        customer_id=change.subscription.customer_id,
        before=before,
        after={
            **before,
            "items": asked,
            "prorationBehavior": change.proration_behavior,
            "direction": _direction(change).value,
        },
    )
    async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
        changed = await _apply(ctx, change, proration_date, key)
        ctx.forget_reads()
        written.after = {
            **_plan_of(changed),
            "prorationBehavior": change.proration_behavior,
            "direction": _direction(change).value,
        }
    return changed


async def _apply(ctx: RequestContext, change: _Change, proration_date: int | None, key: str) -> Subscription:
    try:
        return await ctx.gateway.change_subscription_items(
            change.subscription.id,
            (change.item_change,),
            proration_behavior=change.proration_behavior,
            proration_date=proration_date,
            idempotency_key=key,
        )
    except CardDeclined as error:
        raise reject(
            UserErrorCode.PAYMENT_FAILED,
            "The payment for this change was declined; the subscription was not changed.",
        ) from error
    except IdempotencyConflict as error:
        raise reject(
            UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for another change.",
            "idempotency_key",
        ) from error
    except InvalidRequest as error:
        if error.param != "proration_date":
            raise
        raise reject(UserErrorCode.PRORATION_DATE_OUT_OF_PERIOD, error.message, "proration_date") from error


async def change_plan(
    ctx: RequestContext,
    *,
    subscription_id: str,
    price_id: str,
    quantity: int | None,
    proration_date: int | None,
    idempotency_key: str | None,
) -> Outcome[Subscription]:
    return await attempt(
        _change_plan(
            ctx,
            subscription_id=subscription_id,
            price_id=price_id,
            quantity=quantity,
            proration_date=proration_date,
            client_key=idempotency_key,
        )
    )
