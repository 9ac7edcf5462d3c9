"""Documents whose fragments expand to millions of fields, or spread themselves, are refused by a pass whose
work is linear in the document, before graphql-core's rules or the cost estimate walk them; meanwhile the
server keeps answering others."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import pytest
from graphql import parse

from schema import validation
from schema.protection import MAX_FIELDS, MAX_REPEATS, SHAPE_LIMITS
from schema.shape import DocumentShape
from tests.security.attacks import (
    FRAGMENT_CYCLE,
    REPEATED,
    count_selections,
    fragment_fan_out,
    post_graphql,
)

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle


@pytest.mark.parametrize("fragments", [21, 60, 190])
def test_measuring_a_fan_out_visits_each_written_selection_once(fragments: int) -> None:
    document = fragment_fan_out(fragments)
    shape = DocumentShape(parse(document), SHAPE_LIMITS)

    errors = shape.errors()

    assert len(errors) == 1
    assert errors[0].extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}
    # linear: one visit per selection written, whatever 2^fragments the expansion holds
    assert shape.nodes_visited <= count_selections(document)


async def test_the_21_fragment_fan_out_is_refused_before_any_rule_walks_it(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = []
    monkeypatch.setattr(validation, "validate", lambda *args, **_: validated.append(args) or [])

    body = await post_graphql(api, fragment_fan_out(21))

    [error] = body["errors"]
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "limit is" in error["message"]
    assert body["data"] is None
    assert validated == []  # graphql-core's rules never saw it


async def test_many_fields_once_expanded_are_refused_naming_the_limit(api: httpx.AsyncClient) -> None:
    # 8 fragments of 4 distinct fields spread 4 ways each: 4^8 fields, no name repeated in any one set
    fragments = " ".join(
        f"fragment F{i} on Viewer {{ a: customer {{ id }} ...F{i + 1} b: kind ...F{i + 1} }}"
        for i in range(8)
    )
    body = await post_graphql(api, f"{fragments} fragment F8 on Viewer {{ kind }} {{ viewer {{ ...F0 }} }}")

    [error] = body["errors"]
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert f"limit is {MAX_FIELDS}" in error["message"] or f"limit is {MAX_REPEATS}" in error["message"]


async def test_one_field_repeated_hundreds_of_times_is_refused(api: httpx.AsyncClient) -> None:
    # graphql-core compares every pair of same-named fields: 400 of them took 0.6 s of one core
    body = await post_graphql(api, REPEATED)

    assert body["errors"] == [
        {
            "message": f"'viewer' is selected 400 times in one selection set, fragments expanded; "
            f"the limit is {MAX_REPEATS}.",
            "locations": [{"line": 1, "column": 1}],
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ]


async def test_a_fragment_cycle_through_object_fields_is_a_validation_error_not_a_crash(
    api: httpx.AsyncClient,
    tokens: Tokens,
    customer_a: str,
    sandbox: SandboxHandle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    sandbox.reset_calls()

    body = await post_graphql(api, FRAGMENT_CYCLE, {"id": customer_a}, await tokens.api_key())

    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Cannot spread fragment 'A' within itself.",
                "locations": [{"line": 2, "column": 70}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ],
    }
    assert caplog.records == []
    assert sandbox.calls() == {}


async def test_a_cycle_through_several_fragments_names_them(api: httpx.AsyncClient) -> None:
    body = await post_graphql(
        api,
        "fragment A on Query { ...B } fragment B on Query { viewer { ...C } } "
        "fragment C on Viewer { customer { id } } fragment D on Query { ...A } "
        "{ ...A } query Other { ...D ...E } fragment E on Query { ...E }",
    )

    [error] = body["errors"]
    assert error["message"] == "Cannot spread fragment 'E' within itself."
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


async def test_health_answers_while_a_stream_of_the_worst_documents_is_refused(
    api: httpx.AsyncClient,
) -> None:
    # 40 fragments: 2^40 fields once expanded, which no walk that expands fragments would ever finish
    attacks = [
        fragment_fan_out(40),
        fragment_fan_out(190),
        FRAGMENT_CYCLE,
        REPEATED,
    ]
    finished: list[str] = []

    async def attacker() -> None:
        for document in attacks * 10:
            body = await post_graphql(api, document, {"id": "cus_x"})
            assert body["data"] is None
            finished.append("attack")
            await asyncio.sleep(0)  # the next request arrives a network round trip later

    async def health() -> None:
        response = await api.get("/healthz")
        assert response.status_code == 200
        finished.append("health")

    stream = asyncio.create_task(attacker())
    await asyncio.sleep(0)  # the stream is under way before the probe is sent
    await asyncio.gather(health(), stream)

    assert finished.count("attack") == 40
    # Each refusal holds the event loop for a bounded, linear walk, so the probe is served between two of
    # them instead of after the stream.
    assert finished.index("health") < 5
