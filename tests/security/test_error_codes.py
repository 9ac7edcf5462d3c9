"""Every error carries an `extensions.code`, those of variables that cannot be coerced included; and a schema
closed to introspection suggests nothing: no argument, enum value, type or input field is named by a
"Did you mean"."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pytest

from portalql.web.app import create_app
from schema import validation
from tests.fixtures.app import AnErrorId, app_settings, client_for
from tests.security.attacks import post_graphql

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway

PAGE = "query($n: Int) { customers(first: $n) { edges { node { id } } } }"
STATUSES = 'query($s: [SubscriptionStatus!]) { customer(id: "cus_x") { subscriptions(status: $s) { id } } }'
CUSTOMER = "query($id: ID!) { customer(id: $id) { id } }"
CANCEL = (
    "mutation($input: CancelSubscriptionInput!) { cancelSubscription(input: $input) { userErrors { code } } }"
)
CHANGE = "mutation($input: ChangePlanInput!) { changePlan(input: $input) { userErrors { code } } }"

BAD_VARIABLES = [
    (PAGE, {"n": 2**40}),
    (PAGE, {"n": "ten"}),
    (PAGE, {"n": 1.5}),
    (STATUSES, {"s": ["ACTIV"]}),
    (CUSTOMER, {}),
    (CUSTOMER, {"id": None}),
    (CANCEL, {"input": {"subscriptonId": "sub_x"}}),
    (CANCEL, {"input": {"subscriptionId": "sub_x", "mode": "IMMEDIATLY"}}),
    (CHANGE, {"input": {"subscriptionId": "sub_x", "priceId": "price_x", "prorationDate": "yesterday"}}),
]

INTERNAL = {"code": "INTERNAL", "errorId": AnErrorId()}


@pytest.mark.parametrize(("query", "variables"), BAD_VARIABLES)
async def test_variables_that_cannot_be_coerced_are_bad_user_input(
    api: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> None:
    body = await post_graphql(api, query, variables)

    assert body["data"] is None
    assert body["errors"]
    assert {error["extensions"]["code"] for error in body["errors"]} == {"BAD_USER_INPUT"}


@pytest.fixture
async def closed(gateway: StripeGateway, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(app_settings(graphql_introspection=False), gateway=gateway, database=database)
    async with client_for(app) as client:
        yield client


NEAR_MISSES = [
    ("{ customers(frist: 1) { edges { node { id } } } }", None),  # an argument
    ('{ customer(id: "cus_x") { subscriptions(status: [ACTIV]) { id } } }', None),  # an enum value
    ("query($id: Strin) { customer(id: $id) { id } }", None),  # a type
    (
        'mutation { cancelSubscription(input: {subscriptonId: "sub_x"}) { userErrors { code } } }',
        None,
    ),  # a field
    (CANCEL, {"input": {"subscriptonId": "sub_x"}}),  # an input field in variables
    (CANCEL, {"input": {"subscriptionId": "sub_x", "mode": "IMMEDIATLY"}}),  # an enum value in variables
    ("{ viewer { knd } }", None),  # an output field
]


@pytest.mark.parametrize(("query", "variables"), NEAR_MISSES)
async def test_a_closed_schema_suggests_nothing(
    closed: httpx.AsyncClient, query: str, variables: dict[str, Any] | None
) -> None:
    refused = await post_graphql(closed, query, variables)

    assert refused["errors"]
    assert all("Did you mean" not in error["message"] for error in refused["errors"]), refused
    assert all("code" in error["extensions"] for error in refused["errors"])


async def test_an_open_schema_still_suggests_what_introspection_would_show(api: httpx.AsyncClient) -> None:
    body = await post_graphql(api, NEAR_MISSES[0][0])

    assert "Did you mean 'first'?" in body["errors"][0]["message"]


async def test_an_exception_before_execution_is_masked_with_a_code(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_estimate(*_args: object) -> list[object]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(validation, "cost_errors", broken_estimate)
    caplog.set_level(logging.ERROR, logger="schema.errors")

    body = await post_graphql(api, "{ __typename }")

    assert body == {
        "data": None,
        "errors": [{"message": "Unexpected error.", "extensions": INTERNAL}],
    }
    [record] = caplog.records
    assert record.exc_info is not None  # the traceback stays in the server's log, once
