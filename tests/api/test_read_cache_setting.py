"""`PORTALQL_READ_CACHE`: on, a repeated dashboard comes from the cache; off, every read goes to Stripe.
`PORTALQL_RESPONSE_CACHE`: on (with the read cache), the repeat is answered whole; off, it is executed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr

from portalql.cli.demo import DASHBOARD_QUERY
from portalql.web.app import create_app
from tests.fixtures.app import app_settings, client_for, graphql
from tests.fixtures.sandbox import SANDBOX_API_KEY

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle


@pytest.mark.parametrize(("read_cache", "repeat_reads_stripe"), [(True, False), (False, True)])
async def test_a_repeated_dashboard_reads_stripe_only_without_the_read_cache(
    sandbox: SandboxHandle,
    database: Database,
    tokens: Tokens,
    customer_a: str,
    *,
    read_cache: bool,
    repeat_reads_stripe: bool,
) -> None:
    settings = app_settings(
        stripe_api_key=SecretStr(SANDBOX_API_KEY), stripe_api_base=sandbox.url, read_cache=read_cache
    )
    app = create_app(settings, database=database)  # the lifespan builds the gateway from the settings
    token = await tokens.customer_session(customer_a)

    async with app.router.lifespan_context(app), client_for(app) as api:
        sandbox.reset_calls()
        first = await graphql(api, DASHBOARD_QUERY, token=token)
        first_calls = sum(sandbox.calls().values())
        sandbox.reset_calls()
        repeat = await graphql(api, DASHBOARD_QUERY, token=token)
        repeat_calls = sum(sandbox.calls().values())

    assert "errors" not in first
    assert repeat == first
    assert first_calls > 0
    assert repeat_calls == (first_calls if repeat_reads_stripe else 0)


@pytest.mark.parametrize(
    ("read_cache", "response_cache", "answered_whole"),
    [(True, True, 1), (True, False, 0), (False, True, 0)],
)
async def test_a_repeated_dashboard_is_answered_whole_only_with_both_caches(
    sandbox: SandboxHandle,
    database: Database,
    tokens: Tokens,
    customer_a: str,
    *,
    read_cache: bool,
    response_cache: bool,
    answered_whole: int,
) -> None:
    settings = app_settings(
        stripe_api_key=SecretStr(SANDBOX_API_KEY),
        stripe_api_base=sandbox.url,
        read_cache=read_cache,
        response_cache=response_cache,
    )
    app = create_app(settings, database=database)
    token = await tokens.customer_session(customer_a)

    async with app.router.lifespan_context(app), client_for(app) as api:
        first = await graphql(api, DASHBOARD_QUERY, token=token)
        hits = _hits()
        repeat = await graphql(api, DASHBOARD_QUERY, token=token)

    assert "errors" not in first
    assert repeat == first
    assert _hits() - hits == answered_whole


def _hits() -> float:
    return REGISTRY.get_sample_value("portalql_response_cache_total", {"outcome": "hit"}) or 0.0
