"""Live updates: what changed for a customer, told to whoever watches that customer as it happens.

A change is published where it becomes known, once it has taken effect: a verified Stripe webhook (any
change, made anywhere) and a portalql write (so that watchers hear of it without webhooks configured too).
It names the customer and the topics whose reads are stale, never the data: a watcher reads what it needs
again, through the same scopes and ownership rules as any read. A change heard twice (portalql's write, then
its webhook) costs a watcher one more read, never a wrong answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from resolvers.errors import ForbiddenError
from resolvers.policy import authenticated, check_owner, may_use
from resolvers.principals import CustomerPrincipal, Scope

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterator, Collection
    from contextlib import AbstractAsyncContextManager

    from resolvers.context import RequestContext
    from resolvers.principals import Principal


class BillingTopic(StrEnum):
    """A part of a customer's billing that a change makes stale."""

    SUBSCRIPTIONS = "subscriptions"
    INVOICES = "invoices"
    PAYMENT_METHODS = "payment_methods"
    CREDITS = "credits"
    USAGE = "usage"
    DETAILS = "details"


# The scope a customer session needs to hear of each topic (an API key hears of all).
TOPIC_SCOPES: dict[BillingTopic, Scope] = {
    BillingTopic.SUBSCRIPTIONS: Scope.SUBSCRIPTIONS_READ,
    BillingTopic.INVOICES: Scope.INVOICES_READ,
    BillingTopic.PAYMENT_METHODS: Scope.PAYMENT_METHODS_READ,
    BillingTopic.CREDITS: Scope.CREDITS_READ,
    BillingTopic.USAGE: Scope.USAGE_READ,
    BillingTopic.DETAILS: Scope.CUSTOMER_READ,
}

# What each audited action makes stale, by the action's longest matching prefix. A subscription's change
# moves its upcoming invoice, a payment its invoice and the card it used, usage the invoice it accrues on.
_ACTION_TOPICS: dict[str, frozenset[BillingTopic]] = {
    "subscription.": frozenset({BillingTopic.SUBSCRIPTIONS, BillingTopic.INVOICES}),
    "invoice.": frozenset({BillingTopic.INVOICES}),
    "invoice.pay": frozenset({BillingTopic.INVOICES, BillingTopic.SUBSCRIPTIONS}),
    "payment.refund": frozenset({BillingTopic.INVOICES}),
    "payment_method.": frozenset({BillingTopic.PAYMENT_METHODS}),
    "customer.set_default_payment_method": frozenset({BillingTopic.PAYMENT_METHODS}),
    "customer.": frozenset({BillingTopic.DETAILS}),
    "usage.": frozenset({BillingTopic.USAGE, BillingTopic.INVOICES}),
}


def topics_of_action(action: str) -> frozenset[BillingTopic]:
    """The topics an audited action makes stale; none for actions outside a customer's billing (sessions,
    portal links, endpoints, offers)."""
    matches = [prefix for prefix in _ACTION_TOPICS if action.startswith(prefix)]
    return _ACTION_TOPICS[max(matches, key=len)] if matches else frozenset()


@dataclass(frozen=True, slots=True)
class BillingChange:
    """One change of a customer's billing, as watchers are told of it."""

    customer_id: str
    topics: frozenset[BillingTopic]
    occurred_at: datetime

    @classmethod
    def now(cls, customer_id: str, topics: Collection[BillingTopic]) -> BillingChange:
        return cls(customer_id, frozenset(topics), datetime.now(UTC))


class LiveChanges(Protocol):
    """Where changes are published and watched: this process alone, or every instance through Redis."""

    async def publish(self, change: BillingChange) -> None:
        """Tell every watcher of the change's customer, on every instance; never raises (a change that
        cannot be told is logged: the data itself is safe, watchers just learn of it on their next read)."""
        ...

    def watch(self, customer_id: str) -> AbstractAsyncContextManager[AsyncIterator[BillingChange]]:
        """The changes of one customer from now on, for as long as the context lasts."""
        ...


async def announce(ctx: RequestContext, customer_id: str | None, topics: Collection[BillingTopic]) -> None:
    """Tell the customer's watchers of a change made through portalql, once it took effect."""
    if ctx.live is not None and customer_id is not None and topics:
        await ctx.live.publish(BillingChange.now(customer_id, topics))


def watchable_topics(principal: Principal) -> frozenset[BillingTopic]:
    return frozenset(topic for topic, scope in TOPIC_SCOPES.items() if may_use(principal, scope))


def watched_customer(ctx: RequestContext, customer_id: str | None) -> tuple[str, frozenset[BillingTopic]]:
    """The customer a watch is for and the topics its caller may hear of: a session's own customer (another
    id is NOT_FOUND, as for every read), or for an API key the customer it names."""
    principal = authenticated(ctx)
    if isinstance(principal, CustomerPrincipal):
        customer_id = customer_id if customer_id is not None else principal.customer_id
    elif customer_id is None:
        raise ForbiddenError("An API key watches one customer at a time: give customerId.")
    check_owner(principal, customer_id, customer_id)
    topics = watchable_topics(principal)
    if not topics:
        raise ForbiddenError("This customer session may read none of what changes are told about.")
    return customer_id, topics


def billing_changes(ctx: RequestContext, customer_id: str | None) -> AsyncGenerator[BillingChange]:
    """Every change of the customer the caller may watch, reduced to the topics it may read, until a
    session's expiry. The caller is checked now, so that a refusal is the subscription's answer."""
    watched, topics = watched_customer(ctx, customer_id)
    if ctx.live is None:
        raise RuntimeError("this request context has no live changes; the app injects them")
    return _changes(ctx.live, authenticated(ctx), watched, topics)


async def _changes(
    live: LiveChanges, principal: Principal, customer_id: str, topics: frozenset[BillingTopic]
) -> AsyncGenerator[BillingChange]:
    async with live.watch(customer_id) as changes:
        async for change in changes:
            if isinstance(principal, CustomerPrincipal) and principal.expires_at <= datetime.now(UTC):
                return
            visible = change.topics & topics
            if visible:
                yield BillingChange(change.customer_id, visible, change.occurred_at)
