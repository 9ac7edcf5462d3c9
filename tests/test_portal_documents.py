"""Every GraphQL document the hosted portal page sends validates against the schema.

The documents are read from the page's modules as JavaScript builds them (`tests.fixtures.page_documents`).
The page sends them only through `api.js`'s `graphql`, `mutate` and `subscribe` (its socket), so every call
of those names one of the documents read, and every document read is sent somewhere: a document the
extraction misses fails the tests instead of going unchecked.
"""

from __future__ import annotations

import re

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse

from tests.fixtures.page_documents import ASSETS, DOCUMENTS, PAGE
from tests.fixtures.schema_sdl import validation_errors

CLIENT_MODULE = "api.js"  # where `graphql`, `mutate` and `subscribe` are defined: the only `fetch` and socket
MESSAGES_MODULE = "i18n.js"  # fetches the page's one message catalog, a JSON file: never a document
CALL = re.compile(r"\b(graphql|mutate|subscribe)\(")
# A call's arguments as the page writes them: a document constant, then for `mutate` the field's name.
CALL_ARGUMENTS = re.compile(
    r"\b(?:(?:graphql|subscribe)\(\s*(?P<query>\w+)|mutate\(\s*(?P<mutation>\w+),\s*'(?P<field>\w+)')"
)
PAGE_MODULES = sorted(path for path in ASSETS.glob("*.js") if path.name != CLIENT_MODULE)


def test_the_page_sends_graphql_only_through_its_client_module() -> None:
    client = (ASSETS / CLIENT_MODULE).read_text(encoding="utf-8")
    assert "fetch(" in client
    fetching = [path.name for path in PAGE_MODULES if "fetch(" in path.read_text(encoding="utf-8")]
    assert fetching == [MESSAGES_MODULE]
    assert "WebSocket(" in client
    assert [path.name for path in PAGE_MODULES if "WebSocket" in path.read_text(encoding="utf-8")] == []
    assert "graphql" not in (ASSETS / MESSAGES_MODULE).read_text(encoding="utf-8").lower()
    # The page's only script is a module of assets/: no inline script holds a document.
    assert re.findall(r"<script\b[^>]*>", (PAGE / "index.html").read_text(encoding="utf-8")) == [
        '<script type="module" src="/portal/assets/app.js">'
    ]


def test_every_call_of_the_client_sends_a_document_of_the_documents_modules() -> None:
    calls = 0
    sent: set[str] = set()
    for path in PAGE_MODULES:
        source = path.read_text(encoding="utf-8")
        found = list(CALL_ARGUMENTS.finditer(source))
        assert len(found) == len(CALL.findall(source)), f"{path.name} calls the client in another form"
        calls += len(found)
        for call in found:
            name = call["query"] or call["mutation"]
            assert name in DOCUMENTS, f"{path.name} sends {name}, which no documents module exports"
            sent.add(name)
            if call["mutation"]:
                assert root_fields(DOCUMENTS[name]) == [call["field"]], (path.name, name)

    assert calls >= len(DOCUMENTS)
    assert sorted(DOCUMENTS.keys() - sent) == [], "documents that the page never sends"


def root_fields(document: str) -> list[str]:
    (operation,) = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    return [s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_document_of_the_page_validates_against_the_schema(name: str) -> None:
    assert validation_errors(DOCUMENTS[name]) == []
