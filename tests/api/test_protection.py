"""What every operation goes through: limits on depth, aliases, tokens and cost, introspection switched off in
production, and errors that carry a stable code and never a stack trace or a secret."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from schema import build_schema, validation
from stripe_sandbox.seed import demo_customer
from tests.fixtures.operations import run, session_for


def errors_of(result: Any) -> list[tuple[str, Any]]:
    return [(error.message, error.extensions) for error in result.errors or []]


async def test_a_query_nested_too_deep_is_refused(sandbox, gateway) -> None:
    nested = "id"
    for _ in range(5):  # each round adds two levels: latestInvoice > subscription
        nested = f"latestInvoice {{ subscription {{ {nested} }} }}"
    sandbox.reset_calls()

    result = await run(gateway, f"query Deep {{ viewer {{ customer {{ subscriptions {{ {nested} }} }} }} }}")

    assert errors_of(result) == [
        ("'Deep' exceeds maximum operation depth of 10", {"code": "GRAPHQL_VALIDATION_FAILED"})
    ]
    assert sandbox.calls() == {}


async def test_too_many_aliases_are_refused(gateway) -> None:
    aliases = " ".join(f"a{index}: __typename" for index in range(31))

    result = await run(gateway, f"{{ {aliases} }}")

    assert errors_of(result) == [("31 aliases found. Allowed: 30", {"code": "GRAPHQL_VALIDATION_FAILED"})]


async def test_a_huge_document_is_refused_while_parsing(gateway) -> None:
    result = await run(gateway, "{ viewer { " + "kind " * 2100 + "} }")

    assert errors_of(result) == [
        (
            "Syntax Error: Document contains more than 2000 tokens. Parsing aborted.",
            {"code": "GRAPHQL_PARSE_FAILED"},
        )
    ]


NESTED_PAGES = """
query($customers: Int!, $invoices: Int!) {
  customers(first: $customers) {
    edges { node { invoices(first: $invoices) { edges { node { lines { price { id } } } } } } }
  }
}
"""


async def test_an_operation_over_the_cost_budget_is_refused_before_any_stripe_call(sandbox, gateway) -> None:
    sandbox.reset_calls()

    result = await run(gateway, NESTED_PAGES, {"customers": 100, "invoices": 100})

    [(message, extensions)] = errors_of(result)
    assert message.startswith("Query cost exceeds the budget of 10000 (estimated at ")
    assert extensions == {"code": "COST_LIMIT_EXCEEDED", "budget": 10000}
    assert result.data is None
    assert sandbox.calls() == {}


async def test_the_same_operation_with_small_pages_fits_the_budget(gateway) -> None:
    result = await run(gateway, NESTED_PAGES, {"customers": 2, "invoices": 3})

    assert result.errors is None
    assert len(result.data["customers"]["edges"]) == 2


async def test_the_budget_applies_to_a_remembered_document_asked_for_with_larger_pages(
    sandbox, gateway, monkeypatch
) -> None:
    validated = []
    validate = validation.validate_document

    def validate_document(*args: Any, **options: Any) -> Any:
        validated.append(args[1])
        return validate(*args, **options)

    monkeypatch.setattr(validation, "validate_document", validate_document)
    schema = build_schema()

    small = await run(gateway, NESTED_PAGES, {"customers": 2, "invoices": 3}, schema=schema)
    sandbox.reset_calls()
    large = await run(gateway, NESTED_PAGES, {"customers": 100, "invoices": 100}, schema=schema)

    assert small.errors is None
    assert len(validated) == 1  # the second operation reused the document and what validation found
    [(message, extensions)] = errors_of(large)
    assert message.startswith("Query cost exceeds the budget of 10000 (estimated at ")
    assert extensions == {"code": "COST_LIMIT_EXCEEDED", "budget": 10000}
    assert large.data is None
    assert sandbox.calls() == {}


async def test_the_budget_of_a_document_with_literal_page_sizes_is_estimated_once(
    gateway, monkeypatch
) -> None:
    estimated = []
    estimate = validation.cost_errors

    def cost_errors(*args: Any) -> Any:
        estimated.append(args[1])
        return estimate(*args)

    monkeypatch.setattr(validation, "cost_errors", cost_errors)
    schema = build_schema()
    literal = "{ customers(first: 2) { edges { node { id } } } }"

    for _ in range(3):
        await run(gateway, literal, schema=schema)
    await run(gateway, NESTED_PAGES, {"customers": 2, "invoices": 3}, schema=schema)
    over = await run(gateway, NESTED_PAGES, {"customers": 100, "invoices": 100}, schema=schema)

    # Page sizes from variables are estimated for every operation, as the variables differ.
    assert len(estimated) == 3
    assert errors_of(over)[0][1] == {"code": "COST_LIMIT_EXCEEDED", "budget": 10000}


async def test_introspection_can_be_switched_off(gateway) -> None:
    query = "{ __schema { queryType { name } } }"

    allowed = await run(gateway, query)
    refused = await run(gateway, query, schema=build_schema(introspection=False))

    assert allowed.data == {"__schema": {"queryType": {"name": "Query"}}}
    assert refused.data is None
    assert errors_of(refused)[0] == (
        "GraphQL introspection has been disabled, but the requested query contained the field '__schema'.",
        {"code": "GRAPHQL_VALIDATION_FAILED"},
    )


async def test_a_remembered_introspection_document_is_refused_while_introspection_is_off(gateway) -> None:
    query = "{ __schema { queryType { name } } }"
    open_schema, closed_schema = build_schema(), build_schema(introspection=False)

    allowed = await run(gateway, query, schema=open_schema)
    refused = [await run(gateway, query, schema=closed_schema) for _ in range(2)]

    disabled = "GraphQL introspection has been disabled, but the requested query contained the field"
    assert allowed.data == {"__schema": {"queryType": {"name": "Query"}}}
    for result in refused:
        assert result.data is None
        assert errors_of(result)[0] == (f"{disabled} '__schema'.", {"code": "GRAPHQL_VALIDATION_FAILED"})


async def test_unknown_fields_get_no_suggestions(gateway) -> None:
    result = await run(gateway, "{ viewer { knd } }")

    assert errors_of(result) == [
        ("Cannot query field 'knd' on type 'Viewer'.", {"code": "GRAPHQL_VALIDATION_FAILED"})
    ]


class _BrokenGateway:
    """A gateway with a bug: its exception text must not reach the client."""

    async def retrieve_customer(self, customer_id: str, **_options: object) -> Any:
        raise RuntimeError(f"unexpected shape for {customer_id} with key sk_live_do_not_leak")


async def test_an_unexpected_error_is_masked_and_logged(caplog) -> None:
    caplog.set_level(logging.ERROR, logger="schema.errors")

    result = await run(_BrokenGateway(), '{ customer(id: "cus_1") { name } }')

    assert "sk_live" not in repr(result.errors)
    [record] = caplog.records
    # The id the client is given is the log line's.
    assert errors_of(result) == [("Unexpected error.", {"code": "INTERNAL", "errorId": record.error_id})]
    assert record.error_id.startswith("err_")
    assert record.getMessage() == "Unexpected error in customer"
    assert record.exc_info is not None
    assert "sk_live_do_not_leak" in str(record.exc_info[1])


async def test_expected_errors_are_not_logged(caplog, gateway) -> None:
    caplog.set_level(logging.DEBUG)

    result = await run(gateway, '{ customer(id: "cus_missing") { name } }')

    assert errors_of(result) == [("No object with id 'cus_missing'.", {"code": "NOT_FOUND"})]
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    ("fault", "message", "code"),
    [
        ("error", "Stripe is unavailable; try again shortly.", "STRIPE_UNAVAILABLE"),
        ("rate_limit", "Too many requests to Stripe; try again shortly.", "RATE_LIMITED"),
    ],
)
async def test_stripe_failures_keep_a_code_and_stripes_request_id(
    sandbox, connect_gateway, fault, message, code
) -> None:
    gateway = await connect_gateway(max_network_retries=0)
    maya = demo_customer(sandbox.state.store)["id"]
    sandbox.add_fault(fault, count=1, path="GET /v1/invoices")

    result = await run(
        gateway,
        "{ viewer { customer { name invoices { edges { node { id } } } } } }",
        principal=session_for(maya),
    )

    [error] = result.errors
    assert (error.message, error.path) == (message, ["viewer", "customer", "invoices"])
    assert error.extensions["code"] == code
    assert error.extensions["stripeRequestId"].startswith("req_")
    assert result.data == {"viewer": {"customer": None}}
