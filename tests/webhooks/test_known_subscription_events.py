"""Subscription events keep the hint of which subscriptions a customer's dashboards preview ahead."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portalql.persistence.known_subscriptions import DatabaseKnownSubscriptions
from portalql.webhooks.inbox import EventProcessor, dispatch, store_event
from stripe_gateway.records import SubscriptionStatus
from tests.webhooks.events import subscription, typed_event

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from stripe_gateway.records import Event


def subscription_event(event_id: str, event_type: str, *, created: int, **fields: Any) -> Event:
    return typed_event(event_type, subscription(**fields), created=created, event_id=event_id)


async def deliver(
    database: Database, gateway: StripeGateway, known: DatabaseKnownSubscriptions, event: Event
) -> None:
    change = dispatch(event)
    assert change is not None
    await store_event(database, event, change)
    assert await EventProcessor(database, gateway, known).process(event, change)


async def test_subscription_events_add_and_remove_what_a_dashboard_previews_ahead(
    database: Database, gateway: StripeGateway
) -> None:
    known = DatabaseKnownSubscriptions(database)
    assert await known.of("cus_A") == frozenset()  # now held in memory

    await deliver(
        database, gateway, known, subscription_event("evt_1", "customer.subscription.created", created=100)
    )
    assert await known.of("cus_A") == {"sub_1"}

    scheduled = subscription_event(
        "evt_2", "customer.subscription.updated", created=200, cancel_at_period_end=True
    )
    await deliver(database, gateway, known, scheduled)
    assert await known.of("cus_A") == frozenset()

    await deliver(
        database, gateway, known, subscription_event("evt_3", "customer.subscription.updated", created=300)
    )
    assert await known.of("cus_A") == {"sub_1"}

    ended = subscription_event(
        "evt_4", "customer.subscription.deleted", created=400, status=SubscriptionStatus.CANCELED
    )
    await deliver(database, gateway, known, ended)
    assert await DatabaseKnownSubscriptions(database).of("cus_A") == frozenset()


async def test_an_older_event_arriving_late_changes_nothing(
    database: Database, gateway: StripeGateway
) -> None:
    known = DatabaseKnownSubscriptions(database)
    ended = subscription_event(
        "evt_2", "customer.subscription.deleted", created=200, status=SubscriptionStatus.CANCELED
    )
    await deliver(database, gateway, known, ended)

    await deliver(
        database, gateway, known, subscription_event("evt_1", "customer.subscription.created", created=100)
    )

    assert await known.of("cus_A") == frozenset()
