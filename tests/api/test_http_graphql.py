"""The GraphQL endpoint over HTTP: GraphiQL, introspection and its switch, request ids, masked errors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from graphql import get_introspection_query

from portalql.persistence.db import Database
from portalql.web.app import create_app
from stripe_gateway.gateway import StripeGateway
from tests.fixtures.app import AnErrorId, app_settings, client_for, error_codes, graphql

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from contextlib import AbstractAsyncContextManager
    from pathlib import Path

    import httpx
    from sqlalchemy.ext.asyncio import AsyncSession

    from stripe_gateway.records import Customer
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

GENERATED_REQUEST_ID = re.compile(r"req_[0-9a-f]{24}")
# What GraphiQL sends to draw its documentation explorer.
GRAPHIQL_INTROSPECTION = get_introspection_query(
    descriptions=True, specified_by_url=True, directive_is_repeatable=True, input_value_deprecation=True
)
SECRET = "sk_live_do_not_print_me"

INTERNAL = {"code": "INTERNAL", "errorId": AnErrorId()}


class BrokenGateway(StripeGateway):
    """A gateway with a bug: the error text carries a secret that must never reach a client."""

    async def retrieve_customer(self, customer_id: str, *, with_subscriptions: bool = False) -> Customer:  # noqa: ARG002
        raise RuntimeError(f"bug while loading {customer_id} with key {SECRET}")


async def test_graphiql_is_served_to_browsers(api: httpx.AsyncClient) -> None:
    response = await api.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_graphiql_can_introspect_the_schema_without_credentials(api: httpx.AsyncClient) -> None:
    body = await graphql(api, GRAPHIQL_INTROSPECTION)

    assert "errors" not in body
    type_names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"Query", "Customer", "Subscription", "Invoice", "Money"} <= type_names


async def test_introspection_switched_off_refuses_schema_queries_and_graphiql(
    gateway: StripeGateway, database: Database
) -> None:
    app = create_app(app_settings(graphql_introspection=False), gateway=gateway, database=database)
    async with client_for(app) as client:
        body = await graphql(client, "{ __schema { queryType { name } } }")
        page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert body["data"] is None
    # One error per introspection field the operation selects.
    disabled = "GraphQL introspection has been disabled, but the requested query contained the field"
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (f"{disabled} '{field}'.", "GRAPHQL_VALIDATION_FAILED") for field in ("__schema", "queryType")
    ]
    assert page.status_code == 404


async def test_every_response_carries_a_generated_request_id(api: httpx.AsyncClient) -> None:
    first = await api.post("/graphql", json={"query": "{ __typename }"})
    second = await api.get("/healthz")

    assert GENERATED_REQUEST_ID.fullmatch(first.headers["x-request-id"])
    assert GENERATED_REQUEST_ID.fullmatch(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_sane_incoming_request_id_is_echoed(api: httpx.AsyncClient) -> None:
    response = await api.get("/healthz", headers={"X-Request-Id": "spa-7f3a:checkout.42"})

    assert response.headers["x-request-id"] == "spa-7f3a:checkout.42"


async def test_an_unfit_incoming_request_id_is_replaced(api: httpx.AsyncClient) -> None:
    too_long = await api.get("/healthz", headers={"X-Request-Id": "a" * 129})
    with_markup = await api.get("/healthz", headers={"X-Request-Id": "<script>alert(1)</script>"})

    assert GENERATED_REQUEST_ID.fullmatch(too_long.headers["x-request-id"])
    assert GENERATED_REQUEST_ID.fullmatch(with_markup.headers["x-request-id"])


async def test_a_bug_in_a_resolver_is_masked_and_coded_internal(
    database: Database, tokens: Tokens, customer_a: str, sandbox: SandboxHandle
) -> None:
    gateway = BrokenGateway.connect("sk_test_portalql", api_base=sandbox.url)
    try:
        async with client_for(create_app(app_settings(), gateway=gateway, database=database)) as client:
            response = await client.post(
                "/graphql",
                json={
                    "query": "query($id: ID!) { customer(id: $id) { id } }",
                    "variables": {"id": customer_a},
                },
                headers={"Authorization": f"Bearer {await tokens.api_key()}"},
            )
    finally:
        await gateway.close()

    assert response.status_code == 200
    assert response.json() == {
        "data": {"customer": None},
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 19}],
                "path": ["customer"],
                "extensions": INTERNAL,
            }
        ],
    }
    assert SECRET not in response.text
    assert "Traceback" not in response.text


class BrokenDatabase(Database):
    def session(self) -> AbstractAsyncContextManager[AsyncSession]:
        raise RuntimeError(f"a bug reading {self._engine.url}")


async def test_an_error_outside_graphql_is_masked_too(
    gateway: StripeGateway, tokens: Tokens, tmp_path: Path
) -> None:
    token = await tokens.api_key()
    # The credential store fails (with a bug, not an outage) while the request is being authenticated.
    unreachable = BrokenDatabase(f"sqlite+aiosqlite:///{tmp_path}/portalql.db")
    app = create_app(app_settings(), gateway=gateway, database=unreachable)
    try:
        async with client_for(app, raise_app_exceptions=False) as client:
            response = await client.post(
                "/graphql",
                json={"query": "{ viewer { kind } }"},
                headers={"Authorization": f"Bearer {token}", "X-Request-Id": "req-outage-1"},
            )
    finally:
        await unreachable.dispose()

    assert response.status_code == 500
    assert response.json() == {"errors": [{"message": "Unexpected error.", "extensions": INTERNAL}]}
    assert response.headers["x-request-id"] == "req-outage-1"
    assert str(tmp_path) not in response.text


async def test_a_stripe_outage_is_reported_as_stripe_unavailable(
    connect_gateway: Callable[..., Awaitable[StripeGateway]],
    database: Database,
    tokens: Tokens,
    customer_a: str,
    sandbox: SandboxHandle,
) -> None:
    gateway = await connect_gateway(max_network_retries=0)
    sandbox.add_fault("error", path="GET /v1/customers/")
    token = await tokens.customer_session(customer_a)

    async with client_for(create_app(app_settings(), gateway=gateway, database=database)) as client:
        body = await graphql(client, "{ viewer { customer { name } } }", token=token)

    assert error_codes(body) == ["STRIPE_UNAVAILABLE"]
    assert body["errors"][0]["path"] == ["viewer", "customer", "name"]
    assert body["data"] == {"viewer": {"customer": {"name": None}}}


async def test_stripe_rate_limits_are_reported_as_rate_limited(
    api: httpx.AsyncClient, tokens: Tokens, customer_a: str, sandbox: SandboxHandle
) -> None:
    sandbox.add_fault("rate_limit", path="GET /v1/customers/", should_retry=False)
    token = await tokens.customer_session(customer_a)

    body = await graphql(api, "{ viewer { customer { name } } }", token=token)

    assert error_codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["path"] == ["viewer", "customer", "name"]


async def test_graphiql_and_its_assets_come_from_this_origin_under_a_strict_policy(
    api: httpx.AsyncClient,
) -> None:
    page = await api.get("/graphql", headers={"Accept": "text/html"})
    script = await api.get("/graphiql/assets/graphiql.js")
    outside = await api.get("/graphiql/assets/package.json")
    traversal = await api.get("/graphiql/assets/..%2F..%2Fapp.py")

    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert re.findall(r'(?:src|href)="([^"]+)"', page.text) == [
        f"/graphiql/assets/{name}"
        for name in (
            "graphiql.css",
            "explorer.css",
            "page.css",
            "react.js",
            "react-dom.js",
            "graphiql.js",
            "explorer.js",
            "start.js",
        )
    ]
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert outside.status_code == traversal.status_code == 404
