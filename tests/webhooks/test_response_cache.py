"""The response cache in the app over the read cache: a query asked again is answered whole, before any
execution, and whatever drops one of the reads it was built from drops it too (a webhook, portalql's own
write); answers are per credential; anything read outside the read cache, and any error, is never kept."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from prometheus_client import REGISTRY

from portalql.cli.demo import DASHBOARD_QUERY
from portalql.persistence.repositories.external_ids import replace_external_id
from portalql.web.app import create_app
from portalql.web.response_cache import Answer, ResponseCache
from resolvers.principals import ApiKeyPrincipal, CustomerPrincipal, Scope
from stripe_gateway.caching import CachedGateway, MemoryStore
from stripe_gateway.caching.dependencies import Dependencies, recording, uncached, valid_for
from stripe_sandbox.seed import usage_customer
from tests.api.mutation_support import mutate
from tests.fixtures.app import app_settings, client_for, error_codes

if TYPE_CHECKING:
    import httpx
    import stripe

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle
    from tests.webhooks.conftest import Served

OUTCOMES = ("hit", "stored", "uncached")
CREDITS = "{ viewer { customer { credits { grants { name usable } balances { pending { amount } } } } } }"


def outcomes() -> dict[str, float]:
    return {
        outcome: REGISTRY.get_sample_value("portalql_response_cache_total", {"outcome": outcome}) or 0.0
        for outcome in OUTCOMES
    }


def read_cache_lookups() -> float:
    return sum(
        sample.value
        for family in REGISTRY.collect()
        if family.name == "portalql_read_cache_lookups"
        for sample in family.samples
        if sample.name.endswith("_total")
    )


class Counted:
    """What the response cache did between the block's start and `moved()`."""

    def __init__(self) -> None:
        self._before = outcomes()

    def moved(self) -> dict[str, int]:
        after = outcomes()
        return {k: int(after[k] - self._before[k]) for k in OUTCOMES if after[k] != self._before[k]}


async def ask(
    client: httpx.AsyncClient, query: str, token: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response


def dashboard_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert "errors" not in body, body["errors"]
    customer: dict[str, Any] = body["data"]["viewer"]["customer"]
    return customer


async def test_a_query_asked_again_is_answered_whole_without_executing_or_calling_stripe(
    client: httpx.AsyncClient, sandbox: SandboxHandle, tokens: Tokens, customer_a: str
) -> None:
    token = await tokens.customer_session(customer_a)
    counted = Counted()
    first = await ask(client, DASHBOARD_QUERY, token)
    sandbox.reset_calls()
    lookups = read_cache_lookups()

    again = [await ask(client, DASHBOARD_QUERY, token) for _ in range(2)]

    assert counted.moved() == {"stored": 1, "hit": 2}
    assert sandbox.calls() == {}
    assert read_cache_lookups() == lookups  # not even the read cache was asked: nothing was executed
    assert [response.content for response in again] == [first.content, first.content]
    assert dashboard_of(first)["id"] == customer_a
    assert {response.headers["content-type"] for response in [first, *again]} == {"application/json"}
    assert len({response.headers["x-request-id"] for response in [first, *again]}) == 3


async def test_a_webhook_about_the_customer_drops_the_answer(
    *,
    client: httpx.AsyncClient,
    served: Served,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
    customer_a: str,
) -> None:
    token = await tokens.customer_session(customer_a)
    before = dashboard_of(await ask(client, DASHBOARD_QUERY, token))
    [subscription] = before["subscriptions"]
    await ask(client, DASHBOARD_QUERY, token)

    # As if in Stripe's dashboard: the sandbox then delivers the signed event to the webhook endpoint.
    await stripe_client.v1.subscriptions.update_async(subscription["id"], {"cancel_at_period_end": True})
    delivered = await served.deliveries()
    counted = Counted()
    after = dashboard_of(await ask(client, DASHBOARD_QUERY, token))

    assert len(delivered) == 1
    assert subscription["cancelAtPeriodEnd"] is False
    assert [s["cancelAtPeriodEnd"] for s in after["subscriptions"]] == [True]
    assert counted.moved() == {"stored": 1}


async def test_a_write_through_portalql_drops_the_answer_and_a_mutation_is_never_kept(
    client: httpx.AsyncClient, tokens: Tokens, customer_a: str
) -> None:
    session, api_key = await tokens.customer_session(customer_a), await tokens.api_key()
    await ask(client, DASHBOARD_QUERY, session)
    await ask(client, DASHBOARD_QUERY, session)

    counted = Counted()
    renames = [
        await mutate(client, "updateCustomer", {"customerId": customer_a, "name": name}, api_key)
        for name in ("Maya C.", "Maya C.")
    ]
    after = dashboard_of(await ask(client, DASHBOARD_QUERY, session))

    assert [payload["userErrors"] for payload in renames] == [[], []]
    assert after["name"] == "Maya C."
    assert counted.moved() == {"uncached": 2, "stored": 1}


async def test_each_credential_has_its_own_answers(
    client: httpx.AsyncClient, tokens: Tokens, customer_a: str, customer_b: str
) -> None:
    first, second = await tokens.customer_session(customer_a), await tokens.customer_session(customer_a)
    narrow = await tokens.customer_session(customer_a, scopes={Scope.CUSTOMER_READ})
    other = await tokens.customer_session(customer_b)
    mine = await ask(client, DASHBOARD_QUERY, first)

    counted = Counted()
    answers = {
        name: await ask(client, DASHBOARD_QUERY, t) for name, t in [("second", second), ("other", other)]
    }
    refused = (await ask(client, DASHBOARD_QUERY, narrow)).json()
    again = await ask(client, DASHBOARD_QUERY, first)

    # Each of the other sessions was executed for itself; only the first session's own repeat was a hit.
    assert counted.moved() == {"stored": 2, "uncached": 1, "hit": 1}
    assert answers["second"].content == mine.content == again.content
    assert dashboard_of(answers["other"])["id"] == customer_b
    assert "FORBIDDEN" in error_codes(refused)


async def test_an_answer_that_read_the_database_is_never_kept(
    client: httpx.AsyncClient, tokens: Tokens, customer_a: str, database: Database
) -> None:
    api_key = await tokens.api_key()
    query = "query($id: ID!) { customer(id: $id) { id name externalId } }"
    counted = Counted()
    before = (await ask(client, query, api_key, {"id": customer_a})).json()
    # Changed in the database directly: no invalidation of any cache is made.
    async with database.session() as db:
        await replace_external_id(db, "user-7", customer_a)
    after = (await ask(client, query, api_key, {"id": customer_a})).json()

    assert before["data"]["customer"]["externalId"] is None
    assert after["data"]["customer"]["externalId"] == "user-7"
    assert counted.moved() == {"uncached": 2}


async def test_an_answer_with_errors_is_never_kept(
    client: httpx.AsyncClient, sandbox: SandboxHandle, tokens: Tokens
) -> None:
    api_key = await tokens.api_key()
    query = '{ customer(id: "cus_NotThere") { id } }'
    counted = Counted()
    sandbox.reset_calls()

    answers = [(await ask(client, query, api_key)).json() for _ in range(2)]

    assert [error_codes(answer) for answer in answers] == [["NOT_FOUND"], ["NOT_FOUND"]]
    assert sandbox.calls() == {"GET /v1/customers/{id}": 2}
    assert counted.moved() == {"uncached": 2}


async def test_a_revoked_session_is_refused_not_answered_from_the_cache(
    client: httpx.AsyncClient, tokens: Tokens, customer_a: str
) -> None:
    session, api_key = await tokens.customer_session(customer_a), await tokens.api_key()
    await ask(client, DASHBOARD_QUERY, session)
    await ask(client, DASHBOARD_QUERY, session)

    revoked = await mutate(client, "revokeCustomerSession", {"token": session}, api_key)
    counted = Counted()
    refused = await ask(client, DASHBOARD_QUERY, session)

    assert revoked["userErrors"] == []
    assert set(error_codes(refused.json())) == {"UNAUTHENTICATED"}
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert counted.moved() == {}  # authentication refused it before any lookup


async def test_credit_that_takes_effect_later_bounds_how_long_the_answer_is_kept(
    *,
    gateway: StripeGateway,
    database: Database,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
) -> None:
    kofi = usage_customer(sandbox.state.store)["id"]
    # Pending by this server's clock (which judges it), for the next 30 s.
    await stripe_client.v1.billing.credit_grants.create_async(
        {
            "customer": kofi,
            "name": "Next month's credit",
            "amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 1000}},
            "applicability_config": {"scope": {"price_type": "metered"}},
            "effective_at": int(time.time()) + 30,
        }
    )
    clock = StoreClock()
    gateway_over_clock = CachedGateway(gateway, MemoryStore(clock=clock))
    token = await tokens.customer_session(kofi)
    async with client_for(create_app(app_settings(), gateway=gateway_over_clock, database=database)) as app:
        first = (await ask(app, CREDITS, token)).json()
        counted = Counted()
        await ask(app, CREDITS, token)
        clock.now += 31  # past the grant's start, well within the reads' minute
        sandbox.reset_calls()
        await ask(app, CREDITS, token)

    grants = first["data"]["viewer"]["customer"]["credits"]["grants"]
    assert {"name": "Next month's credit", "usable": False} in grants
    assert counted.moved() == {"hit": 1, "stored": 1}
    assert sandbox.calls() == {}  # executed again from the read cache, whose entries still held


class StoreClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the cache's rules, without the app ----------------------------------------------------------------------

SESSION = CustomerPrincipal(
    session_id="pqcs_1",
    customer_id="cus_1",
    scopes=frozenset(Scope),
    expires_at=None,  # type: ignore[arg-type]  # not read by the key
    configuration_id=None,
    return_url=None,
    locale=None,
)
KEY = ApiKeyPrincipal(key_id="pqk_1", name="backend", livemode=False)


def request(query: str = "{ viewer { kind } }", **fields: Any) -> Any:
    from strawberry.http import GraphQLRequestData  # noqa: PLC0415 - only these tests build one

    return GraphQLRequestData(
        query=query,
        variables=fields.get("variables"),
        operation_name=fields.get("operation_name"),
        extensions=fields.get("extensions"),
    )


def test_an_answer_is_kept_apart_by_credential_language_document_operation_variables_and_extensions() -> None:
    cache = ResponseCache(MemoryStore())
    asked = request(variables={"a": 1, "b": [2]})

    keys = {
        cache.key(SESSION, "en", asked),
        cache.key(KEY, "en", asked),
        cache.key(SESSION, "de", asked),
        cache.key(SESSION, "en", request("{ viewer { customer { id } } }", variables={"a": 1, "b": [2]})),
        cache.key(SESSION, "en", request(variables={"a": 1, "b": [2]}, operation_name="Other")),
        cache.key(SESSION, "en", request(variables={"a": 2, "b": [2]})),
        cache.key(SESSION, "en", request(variables={"a": 1, "b": [2]}, extensions={"documentId": "x"})),
    }

    assert None not in keys
    assert len(keys) == 7
    # The variables' order is not a difference; no credential has no key.
    assert cache.key(SESSION, "en", request(variables={"b": [2], "a": 1})) == cache.key(SESSION, "en", asked)
    assert cache.key(None, "en", asked) is None


async def test_an_answer_is_kept_only_when_cacheable_in_time_and_not_too_large() -> None:
    store = MemoryStore()
    cache = ResponseCache(store, max_bytes=10)
    since = await cache.mark()
    read = Dependencies(groups={"customer:cus_1"}, ttl=60)

    await cache.keep("small", Answer("Q", b"{}"), read, since=since)
    await cache.keep("large", Answer("Q", b"{" + b" " * 10 + b"}"), read, since=since)
    await cache.keep("uncacheable", Answer("Q", b"{}"), Dependencies(cacheable=False), since=since)
    await cache.keep("expired", Answer("Q", b"{}"), Dependencies(ttl=0), since=since)
    await cache.keep("no answer", None, read, since=since)

    assert await cache.get("small") == Answer("Q", b"{}")
    assert [await cache.get(k) for k in ("large", "uncacheable", "expired", "no answer")] == [None] * 4
    await store.invalidate(["customer:cus_1"])
    assert await cache.get("small") is None


async def test_reads_are_recorded_by_the_tasks_a_recording_starts_and_ignored_outside_one() -> None:
    import asyncio  # noqa: PLC0415

    uncached()  # outside a recording: nothing to report to
    with recording() as recorded:

        async def dataloader_batch() -> None:
            valid_for(5)

        await asyncio.gather(asyncio.create_task(dataloader_batch()))
        uncached()

    assert recorded == Dependencies(groups=set(), ttl=5, cacheable=False)
