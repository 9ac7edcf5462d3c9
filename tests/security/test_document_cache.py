"""The document cache is bounded by the bytes of the texts it holds, not by how many: distinct large
documents evict each other instead of growing the process; and large new ones are parsed off the loop."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from graphql import GraphQLError

from schema import build_schema
from schema.protection import SHAPE_LIMITS
from schema.validation import OFF_LOOP_BYTES, DocumentCache

if TYPE_CHECKING:
    from collections.abc import Awaitable


def cache(cached_bytes: int) -> DocumentCache:
    return DocumentCache(
        shape=SHAPE_LIMITS, max_tokens=2_000, max_bytes=32_768, introspection=True, cached_bytes=cached_bytes
    )


def test_distinct_large_documents_never_hold_more_than_the_budget() -> None:
    documents = cache(100_000)

    for index in range(80):
        documents.parse("{ __typename" + " " * (30_000 + index) + "}")
        assert documents.held_bytes <= 100_000

    assert documents.held_bytes > 60_000  # the most recent ones are kept


def test_a_document_seen_again_is_not_parsed_again() -> None:
    documents = cache(100_000)

    first = documents.parse("{ __typename }")
    again = documents.parse("{ __typename }")

    assert again is first


def test_a_document_over_the_byte_limit_is_neither_parsed_nor_kept() -> None:
    documents = cache(1_000_000)

    with pytest.raises(GraphQLError) as refused:
        documents.parse("{ __typename" + " " * 40_000 + "}")

    assert refused.value.extensions == {"code": "GRAPHQL_PARSE_FAILED"}
    assert documents.held_bytes == 0


async def _loop_turns_during(work: Awaitable[object]) -> int:
    """How often the event loop ran something else while `work` ran."""
    turns = 0
    done = asyncio.Event()

    async def count() -> None:
        nonlocal turns
        while not done.is_set():
            turns += 1
            await asyncio.sleep(0)

    counter = asyncio.create_task(count())
    await asyncio.sleep(0)  # the counter starts
    started = turns
    try:
        await work
    finally:
        done.set()
        await counter
    return turns - started


async def test_a_large_new_document_is_parsed_and_checked_off_the_event_loop() -> None:
    documents = cache(10_000_000)
    schema = build_schema()._schema
    # About 1,900 tokens: among the largest documents the limits let through to the parser.
    large = "{ " + " ".join(f"a{index}: __typename" for index in range(630)) + " }"

    turns_while_new = await _loop_turns_during(documents.parse_and_check(schema, large))
    document, errors = await documents.parse_and_check(schema, large)
    turns_while_known = await _loop_turns_during(documents.parse_and_check(schema, large))

    assert len(large) > OFF_LOOP_BYTES
    assert turns_while_new > 0
    assert turns_while_known == 0  # remembered: answered on the loop at once
    assert documents.parse(large) is document
    assert [error.extensions for error in errors] == [{"code": "GRAPHQL_VALIDATION_FAILED"}]
