"""Page sizes are checked by the connections' own rule before the cost is estimated, so a negative `first`
cannot lower the estimate of its siblings: the whole operation is refused before any Stripe call."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from graphql import parse

from schema import build_schema
from schema.cost import cost_errors
from tests.security.attacks import post_graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

OVER_BUDGET_INVOICES = "invoices(first: 100) { edges { node { lines { price { product { id } } } } } }"


async def test_a_negative_page_among_over_budget_aliases_refuses_the_whole_operation(
    api: httpx.AsyncClient, tokens: Tokens, customer_a: str, sandbox: SandboxHandle
) -> None:
    aliases = " ".join(f"a{index}: {OVER_BUDGET_INVOICES}" for index in range(29))
    negative = "bad: invoices(first: -100000000) { edges { node { id } } }"
    query = f"{{ viewer {{ customer {{ {aliases} {negative} }} }} }}"
    sandbox.reset_calls()

    body = await post_graphql(api, query, token=await tokens.customer_session(customer_a))

    assert body["data"] is None
    assert [(error["message"], error["extensions"]) for error in body["errors"]] == [
        ("`first` must be between 1 and 100.", {"code": "BAD_USER_INPUT"})
    ]
    assert sandbox.calls() == {}


async def test_a_negative_page_in_a_variable_is_refused_the_same_way(
    api: httpx.AsyncClient, tokens: Tokens, customer_a: str, sandbox: SandboxHandle
) -> None:
    query = "query($n: Int) { viewer { customer { invoices(first: $n) { edges { node { id } } } } } }"
    sandbox.reset_calls()

    body = await post_graphql(api, query, {"n": -5}, token=await tokens.customer_session(customer_a))

    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]
    assert sandbox.calls() == {}


@pytest.mark.parametrize("first", [-100_000_000, -1, 0])
def test_the_estimate_never_goes_below_zero(first: int) -> None:
    schema = build_schema()._schema
    aliases = " ".join(f"a{index}: {OVER_BUDGET_INVOICES}" for index in range(29))
    page = f"b: invoices(first: {first}) {{ edges {{ node {{ id }} }} }}"
    document = parse(f"{{ viewer {{ customer {{ {aliases} {page} }} }} }}")
    without_it = parse(f"{{ viewer {{ customer {{ {aliases} }} }} }}")

    [refused], _ = cost_errors(schema, document, {}, budget=10_000)
    [over_budget], _ = cost_errors(schema, without_it, {}, budget=10_000)

    assert refused.extensions == {"code": "BAD_USER_INPUT"}
    assert over_budget.extensions == {"code": "COST_LIMIT_EXCEEDED", "budget": 10_000}
