"""`portalql serve` on the sandbox: a change made straight against the sandbox, as if in Stripe's dashboard,
reaches the API as a webhook and shows in the next query."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import httpx
import stripe

from portalql.cli.demo import DASHBOARD_QUERY
from tests.test_serve import serve

if TYPE_CHECKING:
    from pathlib import Path

# Bounds a failing test only: the API applies a delivered event within milliseconds.
_PROCESSING_SECONDS = 10.0


async def test_a_change_made_on_the_served_sandbox_shows_in_the_next_query(tmp_path: Path) -> None:
    async with serve(tmp_path) as served, httpx.AsyncClient(timeout=30.0) as http:
        sandbox_url = (await served.read_until(r"serving a Stripe sandbox with demo data on (http://\S+)$"))[
            1
        ]
        webhooks = (await served.read_until(r"^Webhooks: the sandbox sends its events to (http://\S+),"))[1]
        session = (await served.read_until(r"^Customer session \(demo customer cus_\w+, .*\): (pqs_\w+)$"))[1]
        graphql_url = (await served.read_until(r"^GraphiQL: (http://\S+/graphql)$"))[1]
        await served.read_until(r"^Press Ctrl\+C to stop\.$")

        async def dashboard() -> Any:
            response = await http.post(
                graphql_url, json={"query": DASHBOARD_QUERY}, headers={"Authorization": f"Bearer {session}"}
            )
            return response.json()["data"]["viewer"]["customer"]

        before = await dashboard()
        [subscription] = before["subscriptions"]
        sdk_http = stripe.HTTPXClient()
        try:
            sdk = stripe.StripeClient(
                "sk_test_dashboard", http_client=sdk_http, base_addresses={"api": sandbox_url}
            )
            await sdk.v1.subscriptions.update_async(subscription["id"], {"cancel_at_period_end": True})
        finally:
            await sdk_http.close_async()  # type: ignore[no-untyped-call]  # untyped in the SDK
        deliveries = (await http.post(f"{sandbox_url}/_sandbox/webhooks/drain")).json()["deliveries"]
        async with asyncio.timeout(_PROCESSING_SECONDS):
            while True:
                after = await dashboard()
                if after["subscriptions"][0]["cancelAtPeriodEnd"]:
                    break
                await asyncio.sleep(0.05)

        status = await served.interrupt()

    assert webhooks == graphql_url.replace("/graphql", "/webhooks/stripe")
    assert subscription["cancelAtPeriodEnd"] is False
    assert [(d["event_type"], d["status"]) for d in deliveries] == [("customer.subscription.updated", 200)]
    assert [(s["id"], s["cancelAtPeriodEnd"]) for s in after["subscriptions"]] == [(subscription["id"], True)]
    assert status == 0
