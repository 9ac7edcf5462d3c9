"""Previewing and making a plan change: a subscription's plan moved to another price, quantities changed,
add-ons added or removed, several of these at once.

The preview runs Stripe's `create_preview` for the change; the change is applied with the preview's
proration date, so the customer pays exactly what the preview showed. A change the configuration leaves for
the end of the period (`schedule_at_period_end`) is previewed as the renewal it makes, with nothing to pay
now, and made through a subscription schedule. A customer session may make only
the edits the portal configuration allows (`rules.item_edits_refusal`); the proration behavior, the billing
cycle and what happens to a trial are the configuration's for every caller.
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
    from collections.abc import Sequence

    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Invoice, InvoiceLine, Price, Subscription

# Subscription item ids are Stripe's (`si_…`); anything longer names none.
_MAX_ITEM_ID = 255


@dataclass(frozen=True, slots=True)
class ItemInput:
    """One item edit as asked: `item_id` None adds `price_id`; `remove` drops the item; otherwise the item
    moves to `price_id` (None keeps its price) and `quantity` (None keeps it)."""

    item_id: str | None = None
    price_id: str | None = None
    quantity: int | None = None
    remove: bool = False


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
    # What the change leaves in the customer's favour (a downgrade's unused time), kept as credit balance.
    credit: int
    # The customer's credit balance taken off what is charged now.
    balance_applied_now: int
    # When the change takes effect: None for at once, else the end of the current period.
    effective_at: int | None = None


@dataclass(frozen=True, slots=True)
class _Change:
    subscription: Subscription
    edits: tuple[rules.ItemEdit, ...]
    proration_behavior: str
    moves: rules.CycleMoves
    at_period_end: bool

    @property
    def is_noop(self) -> bool:
        return all(
            edit.item is not None
            and not edit.remove
            and edit.price.id == edit.item.price.id
            and edit.quantity == edit.item.quantity
            for edit in self.edits
        )

    @property
    def item_changes(self) -> tuple[ItemChange, ...]:
        return tuple(
            ItemChange(
                item_id=None if edit.item is None else edit.item.id,
                price_id=None if edit.remove else edit.price.id,
                quantity=None if edit.remove else edit.quantity,
                deleted=edit.remove,
            )
            for edit in self.edits
        )

    @property
    def items_after(self) -> tuple[ItemChange, ...]:
        """Every item as the change leaves it (a schedule's next phase names them all)."""
        edited = {edit.item.id: edit for edit in self.edits if edit.item is not None}
        after = []
        for item in self.subscription.items:
            edit = edited.get(item.id)
            if edit is None:
                after.append(ItemChange(None, item.price.id, item.quantity))
            elif not edit.remove:
                after.append(ItemChange(None, edit.price.id, edit.quantity))
        after += [ItemChange(None, e.price.id, e.quantity) for e in self.edits if e.item is None]
        return tuple(after)

    @property
    def target(self) -> tuple[object, ...]:
        """What the change asks for, as the audit log and a retry recognise it."""
        return ("change_plan", *((c.item_id, c.price_id, c.quantity, c.deleted) for c in self.item_changes))


def _check_inputs(subscription_id: str, asked: Sequence[ItemInput], *, legacy: bool) -> None:
    check_id(IdKind.SUBSCRIPTION, subscription_id, "subscription_id")
    if len(asked) > rules.MAX_ITEM_EDITS:
        raise reject(
            UserErrorCode.INVALID_INPUT, f"Give at most {rules.MAX_ITEM_EDITS} item changes.", "items"
        )
    for index, edit in enumerate(asked):
        at = ("price_id",) if legacy else ("items", str(index), "price_id")
        check_id(IdKind.PRICE, edit.price_id, *at)
        if edit.item_id is not None and not 0 < len(edit.item_id) <= _MAX_ITEM_ID:
            raise reject(UserErrorCode.NOT_FOUND, "No such item.", "items", str(index), "item_id")


async def _price(
    ctx: RequestContext, catalog: dict[str, Price], price_id: str, field: tuple[str, ...]
) -> Price:
    """A price from the catalog read (with its product); one not in it (archived, one-off) is read alone."""
    if (found := catalog.get(price_id)) is not None:
        return found
    try:
        return await ctx.loaders.price(price_id)
    except NotFound as error:
        raise reject(UserErrorCode.NOT_FOUND, f"No price with id '{price_id}'.", *field) from error


async def _change(
    ctx: RequestContext,
    principal: Principal,
    *,
    subscription_id: str,
    asked: Sequence[ItemInput] | None,
    price_id: str | None,
    quantity: int | None,
) -> _Change:
    """The change asked for, read and checked: `asked` item edits, or (the single-item form) the plan, the
    subscription's first item, moved to `price_id` at `quantity`."""
    legacy = asked is None
    if asked is None:
        if price_id is None:
            raise reject(UserErrorCode.INVALID_INPUT, "Give either priceId or items.", "price_id")
        asked = (ItemInput(price_id=price_id, quantity=quantity),)
    elif price_id is not None or quantity is not None:
        raise reject(UserErrorCode.INVALID_INPUT, "Give either priceId and quantity, or items.", "items")
    _check_inputs(subscription_id, asked, legacy=legacy)
    # The three reads go to Stripe together; the checks still run in this order, so a refusal says nothing
    # about a price to a caller who may not see the subscription.
    found_subscription, found_features, found_catalog = await asyncio.gather(
        owned_subscription(ctx, principal, subscription_id, "subscription_id"),
        portal_features(ctx),
        ctx.loaders.catalog_prices(),
        return_exceptions=True,
    )
    subscription = settled(found_subscription)
    features = settled(found_features)
    limits = held_to(principal, features)
    refuse(rules.plan_change_refusal(subscription, limits))
    catalog_prices = settled(found_catalog)
    catalog = {price.id: price for price in catalog_prices}
    items = {item.id: item for item in subscription.items}
    edits = []
    for index, edit in enumerate(asked):
        at = ("price_id",) if legacy else ("items", str(index), "price_id")
        item = subscription.items[0] if legacy else None
        if edit.item_id is not None:
            item = items.get(edit.item_id)
            if item is None:
                raise reject(
                    UserErrorCode.NOT_FOUND,
                    f"No item '{edit.item_id}' on this plan.",
                    "items",
                    str(index),
                    "item_id",
                )
        if edit.price_id is not None:
            price = await _price(ctx, catalog, edit.price_id, at)
        elif item is not None:
            price = catalog.get(item.price.id, item.price)
        else:
            raise reject(
                UserErrorCode.INVALID_INPUT, "Say which price to add.", "items", str(index), "price_id"
            )
        kept = item.quantity if item is not None else 1
        edits.append(
            rules.ItemEdit(
                item=item,
                price=price,
                quantity=kept if edit.quantity is None else edit.quantity,
                remove=edit.remove,
            )
        )
    refusal = rules.item_edits_refusal(subscription, limits, edits, rules.add_on_products(catalog_prices))
    if refusal is not None and legacy and refusal.field is not None:
        # The single-item form names its own fields: `priceId` and `quantity`.
        refuse(refusal, refusal.field[-1])
    refuse(refusal)
    at_period_end = rules.scheduled_for_period_end(features, edits)
    return _Change(
        subscription=subscription,
        edits=tuple(edits),
        proration_behavior=features.subscription_update_proration_behavior,
        # A change left for the period's end moves no cycle now: it starts with the next period.
        moves=rules.CycleMoves(False, False) if at_period_end else rules.cycle_moves(subscription, limits),
        at_period_end=at_period_end,
    )


async def _preview(ctx: RequestContext, change: _Change, *, recurring: bool = False) -> Invoice | None:
    return await ctx.gateway.preview_invoice(
        customer_id=change.subscription.customer_id,
        subscription_id=change.subscription.id,
        items=change.item_changes,
        # At the period's end nothing is prorated: the renewal bills the new items.
        proration_behavior="none" if change.at_period_end else change.proration_behavior,
        recurring=recurring,
        reset_billing_cycle=change.moves.reset_billing_cycle,
        end_trial=change.moves.end_trial,
    )


async def _preview_plan_change(
    ctx: RequestContext,
    subscription_id: str,
    items: Sequence[ItemInput] | None,
    price_id: str | None,
    quantity: int | None,
) -> PlanChangePreview:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    change = await _change(
        ctx, principal, subscription_id=subscription_id, asked=items, price_id=price_id, quantity=quantity
    )
    if change.at_period_end:
        return PlanChangePreview(
            subscription=change.subscription,
            proration_date=None,
            amount_due_now=0,
            currency=change.subscription.currency,
            proration_lines=(),
            next_invoice=await _preview(ctx, change, recurring=True),
            credit=0,
            balance_applied_now=0,
            effective_at=change.subscription.current_period_end,
        )
    first = await _preview(ctx, change)
    lines = () if first is None else tuple(line for line in first.lines if line.proration)
    billed_now = first is not None and first.billed_now
    # Billed now, the change's invoice is all it costs; otherwise its prorations wait for the next one.
    net = first.total if first is not None and billed_now else sum(line.amount for line in lines)
    return PlanChangePreview(
        subscription=change.subscription,
        # A proration line covers the time from the proration date to the end of the item's period.
        proration_date=min((line.period_start for line in lines), default=None),
        amount_due_now=first.amount_due if first is not None and billed_now else 0,
        currency=change.subscription.currency,
        proration_lines=lines,
        # Billed now, the preview is that invoice; the one after it needs Stripe's recurring preview.
        next_invoice=await _preview(ctx, change, recurring=True) if billed_now else first,
        credit=max(0, -net),
        balance_applied_now=first.balance_applied if first is not None and billed_now else 0,
    )


async def preview_plan_change(
    ctx: RequestContext,
    *,
    subscription_id: str,
    price_id: str | None,
    quantity: int | None,
    items: Sequence[ItemInput] | None = None,
) -> Outcome[PlanChangePreview]:
    return await attempt(_preview_plan_change(ctx, subscription_id, items, price_id, quantity))


_ACTION = "subscription.change_plan"


def _plan_of(subscription: Subscription) -> dict[str, Any]:
    return {
        "status": subscription.status.value,
        "items": [{"price": item.price.id, "quantity": item.quantity} for item in subscription.items],
    }


def _direction(change: _Change) -> PlanChangeDirection:
    items = change.subscription.items
    edited = {edit.item.id: edit for edit in change.edits if edit.item is not None}
    after = [(item.price, item.quantity) for item in items if item.id not in edited]
    after += [(edit.price, edit.quantity) for edit in change.edits if not edit.remove]
    return plan_change_direction([(item.price, item.quantity) for item in items], after)


def _check_proration_date(change: _Change, proration_date: int | None) -> None:
    subscription = change.subscription
    start, end = subscription.current_period_start, subscription.current_period_end
    if (
        proration_date is not None
        and start is not None
        and end is not None
        and not start <= proration_date <= end
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
    items: Sequence[ItemInput] | None,
    price_id: str | None,
    quantity: int | None,
    proration_date: int | None,
    client_key: str | None,
) -> Subscription:
    principal = require_scope(ctx, Scope.SUBSCRIPTIONS_WRITE)
    writes.check_client_key(client_key)
    change = await _change(
        ctx, principal, subscription_id=subscription_id, asked=items, price_id=price_id, quantity=quantity
    )
    target = change.target
    if change.is_noop:
        # Already on that plan: nothing to do, or a retry of a change whose answer was lost.
        after = {**_plan_of(change.subscription), "prorationBehavior": change.proration_behavior}
        await writes.already_done(ctx, action=_ACTION, object_id=subscription_id, target=target, after=after)
        return change.subscription
    _check_proration_date(change, proration_date)
    key = writes.idempotency_key(ctx, principal, client_key, subscription_id, *target)
    before = _plan_of(change.subscription)
    asked = [
        {"item": c.item_id, "price": c.price_id, "quantity": c.quantity, "deleted": c.deleted}
        for c in change.item_changes
    ]
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
            "edits": asked,
            "prorationBehavior": change.proration_behavior,
            "atPeriodEnd": change.at_period_end,
            "direction": _direction(change).value,
        },
    )
    async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
        changed = await _apply(ctx, change, proration_date, key)
        ctx.forget_reads()
        written.after = {
            **_plan_of(changed),
            "prorationBehavior": change.proration_behavior,
            "atPeriodEnd": change.at_period_end,
            "direction": _direction(change).value,
        }
    return changed


async def _schedule(ctx: RequestContext, change: _Change, key: str) -> Subscription:
    subscription = change.subscription
    start, end = subscription.current_period_start, subscription.current_period_end
    if start is None or end is None:
        raise reject(
            UserErrorCode.INVALID_INPUT, "This plan has no current period to end.", "subscription_id"
        )
    return await ctx.gateway.schedule_subscription_change(
        subscription.id,
        current=tuple(ItemChange(None, item.price.id, item.quantity) for item in subscription.items),
        upcoming=change.items_after,
        period_start=start,
        period_end=end,
        idempotency_key=key,
    )


async def _apply(ctx: RequestContext, change: _Change, proration_date: int | None, key: str) -> Subscription:
    if change.at_period_end:
        return await _schedule(ctx, change, key)
    try:
        return await ctx.gateway.change_subscription_items(
            change.subscription.id,
            change.item_changes,
            proration_behavior=change.proration_behavior,
            proration_date=proration_date,
            idempotency_key=key,
            reset_billing_cycle=change.moves.reset_billing_cycle,
            end_trial=change.moves.end_trial,
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
    price_id: str | None,
    quantity: int | None,
    proration_date: int | None,
    idempotency_key: str | None,
    items: Sequence[ItemInput] | None = None,
) -> Outcome[Subscription]:
    return await attempt(
        _change_plan(
            ctx,
            subscription_id=subscription_id,
            items=items,
            price_id=price_id,
            quantity=quantity,
            proration_date=proration_date,
            client_key=idempotency_key,
        )
    )
