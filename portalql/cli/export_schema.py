"""Write the GraphQL schema's SDL to `schema.graphql`, or with `--check` fail when the file is stale.

python -m portalql.cli.export_schema            # regenerate schema.graphql
python -m portalql.cli.export_schema --check    # exit 1 with a unified diff when it differs from the code
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from schema import build_schema

DEFAULT_PATH = Path("schema.graphql")


def sdl() -> str:
    """The schema as SDL, as it belongs in the file (with a final newline)."""
    return build_schema().as_str() + "\n"


def check(path: Path) -> list[str]:
    """The unified diff from the file to the code's schema; empty when the file is current."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    return list(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            sdl().splitlines(keepends=True),
            fromfile=str(path),
            tofile="build_schema()",
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portalql.cli.export_schema", description="Export the GraphQL schema as SDL."
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 with a diff when the file is out of date"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_PATH, help="the SDL file (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.check:
        diff = check(args.output)
        if diff:
            sys.stderr.writelines(diff)
            sys.stderr.write(f"\n{args.output} is out of date: run `python -m portalql.cli.export_schema`.\n")
            return 1
        return 0
    args.output.write_text(sdl(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
