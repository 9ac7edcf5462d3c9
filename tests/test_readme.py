"""The README's GraphQL examples validate against the schema: the front door never shows a broken query."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.schema_sdl import ROOT, validation_errors

README = ROOT / "README.md"
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("document", EXAMPLES, ids=[f"example-{n}" for n in range(len(EXAMPLES))])
def test_a_readme_example_validates_against_the_schema(document: str) -> None:
    assert validation_errors(document) == []
