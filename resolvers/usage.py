"""Reading usage: a metered item's meter and its usage this period, and a customer's usage timeline.

The usage of the current period so far is the item's line on the subscription's upcoming invoice: Stripe
prices it there (tiers included), so the quantity and the charge shown come from one answer and agree. A
timeline reads the meter's summaries, whose bounds Stripe requires aligned to the window (UTC hours or
days); the rules for them live here, and a range that breaks one is refused with its own code before any
call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from resolvers.errors import NotFoundError, ResolverError
from resolvers.loaders.invoices import UpcomingKey
from resolvers.loaders.usage import UsageKey
from resolvers.policy import check_owner, fetch_by_id, require_scope
from resolvers.principals import Scope
from stripe_gateway.ids import IdKind, is_well_formed
from stripe_gateway.records import UsageWindow

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import Invoice, Meter, Subscription, SubscriptionItem, UsageSeries

WINDOW_SECONDS = {UsageWindow.HOUR: 3_600, UsageWindow.DAY: 86_400}
# One page of Stripe's summaries: a timeline is one call.
MAX_WINDOWS = 100


class UsageRangeError(ResolverError):
    """A timeline's range that Stripe would refuse, or that would take more than one call."""


class UsageRangeMisalignedError(UsageRangeError):
    code: ClassVar[str] = "USAGE_RANGE_MISALIGNED"


class UsageRangeTooLongError(UsageRangeError):
    code: ClassVar[str] = "USAGE_RANGE_TOO_LONG"


class UsageRangeEmptyError(UsageRangeError):
    code: ClassVar[str] = "USAGE_RANGE_EMPTY"


def usage_range_refusal(start: int, end: int, window: UsageWindow) -> UsageRangeError | None:
    """Why `[start, end)` cannot be a timeline per `window`; None when it can."""
    if end <= start:
        return UsageRangeEmptyError("`to` must be after `from`.")
    size = WINDOW_SECONDS[window]
    unit = "UTC hour" if window is UsageWindow.HOUR else "UTC day (midnight UTC)"
    for name, at in (("from", start), ("to", end)):
        if at % size:
            return UsageRangeMisalignedError(f"`{name}` must fall on the start of a {unit}.")
    if (end - start) // size > MAX_WINDOWS:
        return UsageRangeTooLongError(f"A timeline has at most {MAX_WINDOWS} steps of one {unit}.")
    return None


async def customer_usage(
    ctx: RequestContext, customer_id: str, meter_id: str, *, start: int, end: int, window: UsageWindow
) -> UsageSeries:
    """The customer's usage of a meter per hour or day over `[start, end)`, in one Stripe call."""
    check_owner(require_scope(ctx, Scope.USAGE_READ), customer_id, customer_id)
    if not is_well_formed(IdKind.METER, meter_id):
        raise NotFoundError(meter_id)
    refusal = usage_range_refusal(start, end, window)
    if refusal is not None:
        raise refusal
    key = UsageKey(meter_id, customer_id, start, end, window)
    return await fetch_by_id(meter_id, ctx.loaders.usage(key))


async def item_meter(ctx: RequestContext, subscription: Subscription, item: SubscriptionItem) -> Meter | None:
    """The meter a metered item bills; None for a licensed one (or a meter since deactivated)."""
    check_owner(require_scope(ctx, Scope.USAGE_READ), subscription.id, subscription.customer_id)
    if item.price.recurring is None or item.price.recurring.meter_id is None:
        return None
    meters = await ctx.loaders.meters()
    return next((m for m in meters if m.id == item.price.recurring.meter_id), None)


@dataclass(frozen=True, slots=True)
class ItemUsage:
    """A metered item's usage of the current period so far, and its charge, from the upcoming invoice."""

    quantity: int
    amount: int
    currency: str
    period_start: int
    period_end: int
    as_of: int | None


async def item_usage(
    ctx: RequestContext, subscription: Subscription, item: SubscriptionItem
) -> ItemUsage | None:
    """None for a licensed item, or when the subscription will not invoice again."""
    check_owner(require_scope(ctx, Scope.USAGE_READ), subscription.id, subscription.customer_id)
    if not item.price.is_metered or not subscription.invoices_again:
        return None
    preview = await ctx.loaders.upcoming_invoice(UpcomingKey(subscription.customer_id, subscription.id))
    return None if preview is None else _usage_line(preview, item)


def _usage_line(preview: Invoice, item: SubscriptionItem) -> ItemUsage:
    lines = [line for line in preview.lines if line.subscription_item_id == item.id and not line.proration]
    return ItemUsage(
        quantity=sum(line.quantity or 0 for line in lines),
        amount=sum(line.amount for line in lines),
        currency=preview.currency,
        period_start=item.current_period_start,
        period_end=item.current_period_end,
        as_of=preview.as_of,
    )
