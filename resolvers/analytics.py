"""Portal analytics (API keys only): what customers did through the portal over a period.

Counted by SQL aggregates over the audit trail and the session tables (see `ports.Analytics`), never by
reading events into Python. A plan change's direction is decided when it is audited (`plan_change_direction`,
kept in the entry as `direction`), so counting ups and downs is a GROUP BY, not a price lookup per change;
changes audited from Stripe's webhooks (made in Stripe's own portal or dashboard) carry no direction and
are counted as `otherPlanChanges`. A subscription that ends as scheduled reaches the trail again through
Stripe's `deleted` event; that entry is not a cancellation asked for, and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from resolvers.errors import InvalidArgumentError
from resolvers.policy import require_api_key
from resolvers.ports import AuditSource
from stripe_gateway.records import Interval

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from resolvers.context import RequestContext
    from resolvers.ports import ActionCount
    from stripe_gateway.records import Price

# The longest period one query covers.
MAX_PERIOD = timedelta(days=366)
_PERIODS_PER_YEAR = {Interval.DAY: 365, Interval.WEEK: 52, Interval.MONTH: 12, Interval.YEAR: 1}


class PlanChangeDirection(StrEnum):
    UP = "up"  # pays more per year
    DOWN = "down"  # pays less per year
    SEATS = "seats"  # the same price, another quantity
    LATERAL = "lateral"  # another price at the same yearly amount


def _yearly(price: Price, quantity: int) -> int:
    per_year = 1
    if price.recurring is not None:
        per_year = _PERIODS_PER_YEAR[price.recurring.interval] // price.recurring.interval_count or 1
    return (price.unit_amount or 0) * quantity * per_year


def plan_change_direction(
    before: Sequence[tuple[Price, int]], after: Sequence[tuple[Price, int]]
) -> PlanChangeDirection:
    """Whether a change from some prices and quantities to others is an upgrade, a downgrade or a change
    of seats (the same prices, other quantities), compared by what the customer pays per year (a monthly
    and a yearly price compare)."""
    if {price.id for price, _ in before} == {price.id for price, _ in after}:
        return PlanChangeDirection.SEATS
    was = sum(_yearly(price, quantity) for price, quantity in before)
    now = sum(_yearly(price, quantity) for price, quantity in after)
    if now == was:
        return PlanChangeDirection.LATERAL
    return PlanChangeDirection.UP if now > was else PlanChangeDirection.DOWN


class _Action(StrEnum):
    """The audited actions the figures count."""

    PORTAL_SESSION = "portal_session.create"
    PLAN_CHANGE = "subscription.change_plan"
    CANCEL = "subscription.cancel"
    REACTIVATE = "subscription.reactivate"
    CARD_ADDED = "payment_method.attach"
    INVOICE_PAID = "invoice.pay"


# The kinds of portal session (`PortalKind` values) as the audit entry records them.
_HOSTED, _STRIPE = "hosted", "stripe"


@dataclass(frozen=True, slots=True)
class PortalAnalytics:
    since: datetime
    until: datetime
    portal_links_created: int
    portal_links_redeemed: int
    stripe_portal_sessions_created: int
    customer_sessions_started: int
    plan_upgrades: int
    plan_downgrades: int
    seat_changes: int
    other_plan_changes: int
    cancellations: int
    reactivations: int
    cards_added: int
    invoices_paid: int


def _count(counts: tuple[ActionCount, ...], action: _Action, **where: object) -> int:
    return sum(
        found.count
        for found in counts
        if found.action == action.value
        and all(getattr(found, name) == value for name, value in where.items())
    )


async def portal_analytics(ctx: RequestContext, *, since: datetime, until: datetime) -> PortalAnalytics:
    require_api_key(ctx)
    if not since < until <= since + MAX_PERIOD:
        raise InvalidArgumentError(f"`until` must come after `since`, at most {MAX_PERIOD.days} days later.")
    if ctx.stores is None:
        raise RuntimeError("this request context has no persistence stores; the app injects them")
    activity = await ctx.stores.analytics.activity(
        since=since, until=until, actions=[action.value for action in _Action]
    )
    counts = activity.actions
    directions = {direction.value for direction in PlanChangeDirection}
    plan_changes = _count(counts, _Action.PLAN_CHANGE)
    known = sum(
        found.count
        for found in counts
        if found.action == _Action.PLAN_CHANGE.value and found.direction in directions - {"lateral"}
    )
    return PortalAnalytics(
        since=since,
        until=until,
        portal_links_created=_count(counts, _Action.PORTAL_SESSION, kind=_HOSTED),
        portal_links_redeemed=activity.links_redeemed,
        stripe_portal_sessions_created=_count(counts, _Action.PORTAL_SESSION, kind=_STRIPE),
        customer_sessions_started=activity.customer_sessions,
        plan_upgrades=_count(counts, _Action.PLAN_CHANGE, direction=PlanChangeDirection.UP.value),
        plan_downgrades=_count(counts, _Action.PLAN_CHANGE, direction=PlanChangeDirection.DOWN.value),
        seat_changes=_count(counts, _Action.PLAN_CHANGE, direction=PlanChangeDirection.SEATS.value),
        other_plan_changes=plan_changes - known,
        # A subscription ending at its scheduled time (Stripe's `deleted` event, audited with no before-state)
        # was counted when the cancellation was asked for.
        cancellations=_count(counts, _Action.CANCEL)
        - _count(counts, _Action.CANCEL, source=AuditSource.EXTERNAL, has_before=False),
        reactivations=_count(counts, _Action.REACTIVATE),
        cards_added=_count(counts, _Action.CARD_ADDED),
        # Paid elsewhere (a renewal charged, Stripe's invoice page) is audited too, as external.
        invoices_paid=_count(counts, _Action.INVOICE_PAID, source=AuditSource.PORTALQL),
    )
