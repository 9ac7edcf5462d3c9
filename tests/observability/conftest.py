"""The app as production wires it for observability: over the read cache, with webhooks, scraped at
`/metrics`. Metrics are the process's own and only grow, so tests compare a scrape before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from portalql.web.app import create_app
from stripe_gateway.caching import CachedGateway, MemoryStore
from tests.fixtures.app import app_settings, client_for
from tests.webhooks.conftest import WEBHOOK_SECRET

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway

METRICS_TOKEN = "metrics-token-for-tests"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
async def observed(
    connect_gateway: Callable[..., Awaitable[StripeGateway]], database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    # No retries: a failure injected once is the answer, without the SDK's backoff sleeping.
    gateway = await connect_gateway(max_network_retries=0)
    store = MemoryStore()
    settings = app_settings(
        stripe_webhook_secret=SecretStr(WEBHOOK_SECRET), metrics_token=SecretStr(METRICS_TOKEN)
    )
    async with client_for(
        create_app(settings, gateway=CachedGateway(gateway, store), database=database)
    ) as http:
        yield http
    await store.close()


async def scrape(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def moved(before: Samples, after: Samples, name: str, **labels: Any) -> float:
    """How much the sample `name{labels}` grew between two scrapes."""
    key = (name, frozenset((k, str(v)) for k, v in labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)
