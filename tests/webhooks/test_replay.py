"""`portalql webhooks replay --since …`: missed events are fetched from Stripe and processed once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr

from portalql.cli.main import main
from portalql.persistence.db import Database
from portalql.web.app import create_app
from portalql.webhooks.replay import ReplayReport, parse_since, replay_events
from resolvers.ports import AuditSource
from stripe_gateway.caching import CachedGateway, CacheUnavailable, MemoryStore
from tests.fixtures.app import app_settings, client_for
from tests.fixtures.sandbox import SANDBOX_API_KEY, SANDBOX_NOW
from tests.webhooks.conftest import WEBHOOK_SECRET, audit_trail, deliver, inbox
from tests.webhooks.test_freshness import AFTER_A_CANCEL, dashboard

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

    import httpx
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

AN_HOUR_BEFORE = datetime.fromtimestamp(SANDBOX_NOW, UTC) - timedelta(hours=1)


async def cancel_and_change_email(
    sandbox: SandboxHandle, stripe_client: stripe.StripeClient, customer_id: str
) -> None:
    """Two changes made in Stripe while no webhook reached portalql."""
    [subscription] = [
        s for s in sandbox.state.store.iter_type("subscription") if s["customer"] == customer_id
    ]
    await stripe_client.v1.subscriptions.update_async(subscription["id"], {"cancel_at_period_end": True})
    await stripe_client.v1.customers.update_async(customer_id, {"email": "maya@chen.example.com"})


async def test_missed_events_are_processed_once_however_often_replay_runs(
    *,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    cached_gateway: CachedGateway,
    database: Database,
    tokens: Tokens,
    customer_a: str,
) -> None:
    token = await tokens.customer_session(customer_a)
    await dashboard(client, token, sandbox)
    await cancel_and_change_email(sandbox, stripe_client, customer_a)

    first = await replay_events(database, cached_gateway, since=AN_HOUR_BEFORE)
    after, refreshed = await dashboard(client, token, sandbox)
    sandbox.reset_calls()
    second = await replay_events(database, cached_gateway, since=AN_HOUR_BEFORE)
    _, still_warm = await dashboard(client, token, sandbox)

    assert first == ReplayReport(fetched=2, processed=2)
    assert [s["cancelAtPeriodEnd"] for s in after["subscriptions"]] == [True]
    assert after["email"] == "maya@chen.example.com"
    assert refreshed == AFTER_A_CANCEL
    assert second == ReplayReport(fetched=2, processed=0)
    assert still_warm == {}
    trail = await audit_trail(database)
    assert [(e.action, e.source) for e in trail] == [
        ("subscription.cancel", AuditSource.EXTERNAL),
        ("customer.update", AuditSource.EXTERNAL),
    ]


class UnreachableStore(MemoryStore):
    """A cache whose backing service is down."""

    async def invalidate(self, groups: Collection[str]) -> None:
        raise CacheUnavailable(f"cannot drop {sorted(groups)}")


async def test_a_missed_catalog_change_is_replayed_beside_the_other_handled_types(
    *,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    cached_gateway: CachedGateway,
    database: Database,
    tokens: Tokens,
    customer_a: str,
) -> None:
    token = await tokens.customer_session(customer_a)
    await dashboard(client, token, sandbox)
    [subscription] = [s for s in sandbox.state.store.iter_type("subscription") if s["customer"] == customer_a]
    product_id = subscription["items"]["data"][0]["price"]["product"]
    await stripe_client.v1.subscriptions.update_async(subscription["id"], {"cancel_at_period_end": True})
    await stripe_client.v1.products.update_async(product_id, {"name": "Pro (2027)"})

    # More types are handled than Stripe filters one listing by (20): `product.updated` is in the second.
    report = await replay_events(database, cached_gateway, since=AN_HOUR_BEFORE)
    after, refreshed = await dashboard(client, token, sandbox)

    assert report == ReplayReport(fetched=2, processed=2)
    assert [i["price"]["product"]["name"] for i in after["subscriptions"][0]["items"]] == ["Pro (2027)"]
    assert refreshed == {**AFTER_A_CANCEL, "GET /v1/prices": 1}


async def test_an_event_whose_processing_failed_is_left_for_replay(
    *,
    gateway: StripeGateway,
    cached_gateway: CachedGateway,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    database: Database,
    customer_a: str,
) -> None:
    [subscription] = [s for s in sandbox.state.store.iter_type("subscription") if s["customer"] == customer_a]
    await stripe_client.v1.subscriptions.update_async(subscription["id"], {"cancel_at_period_end": True})
    [event] = sandbox.state.store.events
    settings = app_settings(stripe_webhook_secret=SecretStr(WEBHOOK_SECRET))
    broken_cache = CachedGateway(gateway, UnreachableStore())
    async with client_for(create_app(settings, gateway=broken_cache, database=database)) as client:
        delivered = await deliver(client, event)
    [stored] = await inbox(database)
    trail_before_replay = await audit_trail(database)

    report = await replay_events(database, cached_gateway, since=AN_HOUR_BEFORE)

    assert delivered.status_code == 200
    assert (stored.stripe_event_id, stored.processed_at) == (event["id"], None)
    assert trail_before_replay == []
    assert report == ReplayReport(fetched=1, processed=1)
    assert [(e.action, e.object_id) for e in await audit_trail(database)] == [
        ("subscription.cancel", subscription["id"])
    ]


def test_since_reads_durations_and_times() -> None:
    now = datetime(2026, 11, 15, 12, tzinfo=UTC)

    assert parse_since("2h", now=now) == datetime(2026, 11, 15, 10, tzinfo=UTC)
    assert parse_since("30m", now=now) == datetime(2026, 11, 15, 11, 30, tzinfo=UTC)
    assert parse_since("7d", now=now) == datetime(2026, 11, 8, 12, tzinfo=UTC)
    assert parse_since("2026-11-15T10:00:00Z") == datetime(2026, 11, 15, 10, tzinfo=UTC)
    assert parse_since("2026-11-15 10:00") == datetime(2026, 11, 15, 10, tzinfo=UTC)
    assert parse_since("2026-11-15T10:00:00+01:00") == datetime(2026, 11, 15, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a time or a duration"):
        parse_since("yesterday")


def test_the_command_refuses_what_is_not_a_time(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["webhooks", "replay", "--since", "yesterday"])

    assert exited.value.code == 2
    assert "not a time or a duration: 'yesterday'" in capsys.readouterr().err


def test_the_command_needs_a_stripe_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'portalql.db'}")
    monkeypatch.chdir(tmp_path)

    status = main(["webhooks", "replay", "--since", "2h"])

    assert status == 1
    assert capsys.readouterr().err == (
        "portalql: STRIPE_API_KEY is not set; replay reads the events of a Stripe account\n"
    )


async def test_the_command_replays_from_the_configured_stripe_account(
    *,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    customer_a: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'portalql.db'}"
    for name, value in {
        "DATABASE_URL": url,
        "STRIPE_API_KEY": SANDBOX_API_KEY,
        "STRIPE_API_BASE": sandbox.url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    await cancel_and_change_email(sandbox, stripe_client, customer_a)

    status = await asyncio.to_thread(main, ["webhooks", "replay", "--since", AN_HOUR_BEFORE.isoformat()])

    assert status == 0
    assert capsys.readouterr().err.startswith(f"2 events since {AN_HOUR_BEFORE.isoformat()}: 2 processed now")
    database = Database(url)
    try:
        assert {row.type for row in await inbox(database) if row.processed_at} == {
            "customer.subscription.updated",
            "customer.updated",
        }
    finally:
        await database.dispose()
