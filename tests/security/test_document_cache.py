"""The document cache is bounded by the bytes of the texts it holds, not by how many: distinct large
documents evict each other instead of growing the process."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from schema.protection import SHAPE_LIMITS
from schema.validation import DocumentCache


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
