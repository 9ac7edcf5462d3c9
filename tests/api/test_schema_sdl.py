"""The checked-in `schema.graphql` is the code's schema, and every type and field documents itself."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType
from graphql import build_schema as parse_sdl

from portalql.cli import export_schema
from schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_checked_in_sdl_is_the_code_schema() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == build_schema().as_str() + "\n", (
        "schema.graphql is stale: run `python -m portalql.cli.export_schema`"
    )


def test_check_mode_fails_with_a_diff_on_a_stale_file(tmp_path: Path, capsys) -> None:
    stale = tmp_path / "schema.graphql"
    stale.write_text(export_schema.sdl().replace("  viewer: Viewer!\n", ""), encoding="utf-8")

    assert export_schema.main(["--check", "--output", str(stale)]) == 1
    error = capsys.readouterr().err
    assert "+  viewer: Viewer!" in error
    assert "is out of date" in error


def test_export_writes_a_file_the_check_accepts(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"

    assert export_schema.main(["--output", str(target)]) == 0
    assert export_schema.main(["--check", "--output", str(target)]) == 0


def test_every_type_field_and_argument_has_a_description() -> None:
    undocumented = []
    for name, graphql_type in parse_sdl(build_schema().as_str()).type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not graphql_type.description:
            undocumented.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    undocumented.append(f"{name}.{field_name}")
                for argument_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        undocumented.append(f"{name}.{field_name}({argument_name})")
        if isinstance(graphql_type, GraphQLEnumType):
            undocumented.extend(
                f"{name}.{value_name}"
                for value_name, value in graphql_type.values.items()
                if not value.description
            )

    assert undocumented == []
