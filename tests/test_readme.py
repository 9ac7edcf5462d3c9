"""The README's GraphQL examples validate against the schema: the front door never shows a broken query."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
# The checked-in SDL, which `test_schema_sdl` keeps equal to the code's schema.
SCHEMA = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("document", EXAMPLES, ids=[f"example-{n}" for n in range(len(EXAMPLES))])
def test_a_readme_example_validates_against_the_schema(document: str) -> None:
    errors = validate(SCHEMA, parse(document))

    assert [error.message for error in errors] == []
