"""Bodies the GraphQL endpoint cannot use are refused with a 4xx and a coded JSON error, never a 500; a body
over the configured size is refused unread, on the GraphQL paths and every other; and a document's bytes,
whitespace included, are bounded."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr

from portalql.web.app import create_app
from schema.protection import MAX_DOCUMENT_BYTES
from stripe_sandbox.webhooks import signature_header
from tests.fixtures.app import app_settings, client_for
from tests.security.attacks import padded, post_graphql
from tests.webhooks.conftest import WEBHOOK_SECRET, inbox

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway

JSON = {"content-type": "application/json"}


def _error(response: httpx.Response) -> tuple[int, str]:
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    return response.status_code, error["extensions"]["code"]


@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b'"x"',
        b"123",
        b"[]",
        b"\xff\xfe{}",
        b'{"query": "\xff"}',
        b"[" * 100_000,
        b'{"variables": ' + b'{"a": ' * 40 + b"1" + b"}" * 41,
        b"{}",
        b'{"query": 1}',
        b'{"query": "{ __typename }", "variables": 3}',
    ],
    ids=lambda body: body[:24].decode(errors="replace"),
)
async def test_a_body_that_is_not_a_graphql_request_is_a_coded_400(
    api: httpx.AsyncClient, body: bytes
) -> None:
    response = await api.post("/graphql", content=body, headers=JSON)

    assert _error(response) == (400, "BAD_REQUEST")


async def test_other_refusals_of_the_transport_are_coded_too(api: httpx.AsyncClient) -> None:
    wrong_type = await api.post("/graphql", content=b"{ __typename }", headers={"content-type": "text/plain"})
    mutation_by_get = await api.get("/graphql", params={"query": "mutation { __typename }"})

    assert _error(wrong_type) == (400, "BAD_REQUEST")
    assert _error(mutation_by_get) == (400, "BAD_REQUEST")
    assert mutation_by_get.headers["x-request-id"].startswith("req_")


@pytest.fixture
async def small_bodies(gateway: StripeGateway, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    settings = app_settings(
        graphql_max_body_bytes=1_000, max_body_bytes=1_500, stripe_webhook_secret=SecretStr(WEBHOOK_SECRET)
    )
    app = create_app(settings, gateway=gateway, database=database)
    async with client_for(app) as client:
        yield client


async def _chunks(size: int) -> AsyncIterator[bytes]:
    yield b'{"query": "{ __typename }", "variables": {"pad": "'
    yield b"x" * size
    yield b'"}}'


async def test_a_body_over_the_limit_is_refused_with_413_whether_declared_or_streamed(
    small_bodies: httpx.AsyncClient,
) -> None:
    declared = await small_bodies.post("/graphql", content=b" " * 1_001, headers=JSON)
    streamed = await small_bodies.post("/graphql", content=_chunks(2_000), headers=JSON)
    fits = await small_bodies.post("/graphql", json={"query": "{ __typename }"})

    assert "content-length" not in streamed.request.headers
    assert _error(declared) == (413, "PAYLOAD_TOO_LARGE")
    assert _error(streamed) == (413, "PAYLOAD_TOO_LARGE")
    assert declared.json()["errors"][0]["message"] == "The request body is larger than 1000 bytes."
    assert fits.json() == {"data": {"__typename": "Query"}}


async def test_the_hosted_portals_graphql_path_has_the_same_limit(small_bodies: httpx.AsyncClient) -> None:
    response = await small_bodies.post("/portal/graphql", content=b" " * 1_001, headers=JSON)

    assert _error(response) == (413, "PAYLOAD_TOO_LARGE")


async def test_a_body_over_the_limit_is_refused_on_the_other_paths_before_their_handlers_read_it(
    small_bodies: httpx.AsyncClient, database: Database
) -> None:
    # Validly signed, so only its size keeps it out of the inbox, where it would be kept as an unusable event.
    delivery = json.dumps({"id": "evt_large", "pad": "x" * 2_000})
    signed = {**JSON, "Stripe-Signature": signature_header(delivery, WEBHOOK_SECRET, int(time.time()))}

    declared = await small_bodies.post("/webhooks/stripe", content=delivery.encode(), headers=signed)
    streamed = await small_bodies.post("/webhooks/stripe", content=_chunks(2_000), headers=signed)
    exchange = await small_bodies.post("/portal/sessions/exchange", content=_chunks(2_000), headers=JSON)
    fits = await small_bodies.post("/webhooks/stripe", content=b"{}", headers=JSON)

    assert [response.status_code for response in (declared, streamed, exchange)] == [413] * 3
    assert (fits.status_code, fits.json()) == (400, {"error": "signature_invalid"})  # read by its handler
    assert await inbox(database) == []


async def test_the_default_limit_refuses_a_5_mb_body(api: httpx.AsyncClient) -> None:
    response = await api.post("/graphql", json={"query": padded(5_000_000)})

    assert _error(response) == (413, "PAYLOAD_TOO_LARGE")


async def test_a_document_padded_with_whitespace_past_its_byte_limit_is_refused_unparsed(
    api: httpx.AsyncClient,
) -> None:
    body = await post_graphql(api, padded(0))

    assert body == {
        "data": None,
        "errors": [
            {
                "message": (
                    f"The document is {MAX_DOCUMENT_BYTES + 13} bytes; the limit is {MAX_DOCUMENT_BYTES}."
                ),
                "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
            }
        ],
    }
