"""A property-based fuzz of the GraphQL endpoint over the real schema: documents built from its own types,
fields and arguments (with hostile values, aliases, fragments that fan out or spread themselves), broken
text, and bodies that are not GraphQL requests at all.

Whatever is sent: no 5xx; every error has an `extensions.code`; no response quotes more than an excerpt of
what was sent; and measuring a document's shape visits each selection written in it at most once, however
large its fragments expand (work counted, not timed).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType, get_named_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema import build_schema, validation
from schema.shape import DocumentShape
from tests.security.attacks import FRAGMENT_CYCLE, count_selections, fragment_fan_out

if TYPE_CHECKING:
    import httpx
    from graphql import DocumentNode, GraphQLField

    from tests.fixtures.app import Tokens

SCHEMA = build_schema()._schema
# The longest run of the input a response may repeat: error messages quote names and values in excerpts.
ECHO_WINDOW = 320

_VALUES = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40).map(str),
    st.text(max_size=400).map(json.dumps),
    st.sampled_from(["null", "true", "1.5", "ACTIVE", "[ACTIVE, PAST_DUE]", "{}", '{id: "x"}', "$missing"]),
)


def _arguments(field: GraphQLField) -> st.SearchStrategy[str]:
    names = st.lists(st.sampled_from(sorted(field.args) or ["first"]), max_size=3, unique=True)
    return names.flatmap(
        lambda chosen: st.tuples(*[_VALUES for _ in chosen]).map(
            lambda values: (
                f"({', '.join(f'{n}: {v}' for n, v in zip(chosen, values, strict=True))})" if chosen else ""
            )
        )
    )


@st.composite
def _selection(draw: st.DrawFn, parent: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
    fields = sorted(parent.fields.items())
    parts = []
    for name, field in draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4)):
        alias = draw(st.sampled_from(["", "", "a: ", "b: "]))
        arguments = draw(_arguments(field)) if draw(st.integers(0, 3)) == 0 else ""
        named = get_named_type(field.type)
        below = ""
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            below = f"{{ {draw(_selection(named, depth - 1))} }}" if depth > 0 else "{ __typename }"
        elif not hasattr(named, "serialize"):  # a union: only its type name is common to all
            below = "{ __typename }"
        parts.append(f"{alias}{name}{arguments} {below}")
    return " ".join(parts)


@st.composite
def _document(draw: st.DrawFn) -> str:
    query = SCHEMA.query_type
    assert query is not None
    kind = draw(st.sampled_from(["plain", "fragments", "fan_out", "cycle", "broken", "text"]))
    if kind == "fan_out":
        return fragment_fan_out(draw(st.integers(min_value=2, max_value=200)))
    if kind == "cycle":
        return FRAGMENT_CYCLE
    if kind == "text":
        return draw(st.text(max_size=600))
    selection = draw(_selection(query, draw(st.integers(min_value=0, max_value=12))))
    if kind == "fragments":
        spreads = " ".join(["...F"] * draw(st.integers(min_value=1, max_value=40)))
        return f"fragment F on Query {{ {selection} }} {{ {spreads} }}"
    document = f"{{ {selection} }}"
    if kind == "broken":
        cut = draw(st.integers(min_value=0, max_value=len(document)))
        return document[:cut] + draw(st.sampled_from(["", "}", "{", "(", "...", "$", '"', "#"]))
    return document


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
_VARIABLES = st.none() | st.dictionaries(
    st.sampled_from(["id", "n", "s", "input", "missing"]), _JSON, max_size=3
)
_GRAPHQL = st.builds(
    lambda query, variables: {"query": query, "variables": variables}, _document(), _VARIABLES
)
_JUNK = st.one_of(st.fixed_dictionaries({"query": _JSON}), _JSON)
_BODIES = st.one_of(
    _GRAPHQL.map(lambda request: json.dumps(request).encode()),
    _GRAPHQL.map(lambda request: json.dumps(request).encode()),
    _GRAPHQL.map(lambda request: json.dumps(request).encode()),
    _JUNK.map(lambda request: json.dumps(request).encode()),
    st.binary(max_size=300),
)


class _Measured(DocumentShape):
    """The shape pass, remembering what it was given and how much work it did."""

    seen: list[_Measured] = []  # noqa: RUF012 - reset by the test

    def __init__(self, document: DocumentNode, *args: Any) -> None:
        super().__init__(document, *args)
        self.document = document
        _Measured.seen.append(self)


def _excerpts(sent: str) -> list[str]:
    if len(sent) <= ECHO_WINDOW:
        return []
    middle = len(sent) // 2
    return [sent[:ECHO_WINDOW], sent[middle : middle + ECHO_WINDOW], sent[-ECHO_WINDOW:]]


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> type[_Measured]:
    monkeypatch.setattr(validation, "DocumentShape", _Measured)
    return _Measured


@pytest.fixture
async def api_key(tokens: Tokens) -> str:
    return await tokens.api_key()


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(body=_BODIES)
async def test_no_request_breaks_the_endpoint(
    api: httpx.AsyncClient, measured: type[_Measured], api_key: str, body: bytes
) -> None:
    measured.seen = []
    headers = {"content-type": "application/json", "authorization": f"Bearer {api_key}"}

    response = await api.post("/graphql", content=body, headers=headers)

    assert response.status_code < 500, response.text
    answer = response.json()
    for error in answer.get("errors") or []:
        assert "code" in error.get("extensions", {}), error
    sent = body.decode(errors="replace")
    for excerpt in _excerpts(sent):
        assert excerpt not in response.text
    for shape in measured.seen:
        assert shape.nodes_visited <= count_selections(shape.document)
