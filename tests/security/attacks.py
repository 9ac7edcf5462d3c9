"""Documents and bodies that once froze, exhausted or crashed the server, and how to send them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import DocumentNode, SelectionSetNode, parse

from schema.protection import MAX_DOCUMENT_BYTES

if TYPE_CHECKING:
    import httpx


def fragment_fan_out(fragments: int) -> str:
    """`fragments` fragments, each spreading the next twice: about 35 bytes each, 2^fragments fields once
    expanded."""
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments - 1))
    return f"{chain} fragment F{fragments - 1} on Query {{ __typename }} {{ ...F0 }}"


# A cycle through object fields: each round trip reaches a Customer again.
FRAGMENT_CYCLE = """
fragment A on Customer { upcomingInvoice { subscription { customer { ...A } } } }
query($id: ID!) { customer(id: $id) { ...A } }
"""


# One field 400 times: graphql-core compares every pair of same-named fields, 0.6 s of one core for these.
REPEATED = "{ " + "viewer { kind } " * 400 + "}"


def padded(index: int) -> str:
    """A distinct document over the byte limit, made of whitespace: a handful of tokens."""
    return "{ __typename" + " " * (MAX_DOCUMENT_BYTES + index) + "}"


def count_selections(document: str | DocumentNode) -> int:
    """The fields, inline fragments and spreads written in `document`: what a linear pass may visit."""
    counted = 0

    def count(selection_set: SelectionSetNode | None) -> None:
        nonlocal counted
        for selection in selection_set.selections if selection_set else ():
            counted += 1
            count(getattr(selection, "selection_set", None))

    for definition in (parse(document) if isinstance(document, str) else document).definitions:
        count(getattr(definition, "selection_set", None))
    return counted


async def post_graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
