"""The GraphQL documents of the hosted portal page, read from its JavaScript, so that tests run exactly what
the page sends: each `const NAME = '…'` or `` `…` `` of its query and mutation modules, with the `${NAME}`
parts written out."""

from __future__ import annotations

import re

from portalql.portal_page import STATIC_DIR

MODULES = ("queries.js", "mutations.js")
_CONSTANT = re.compile(
    r"^(export )?const (\w+) = (?:/\* GraphQL \*/ )?(`[^`]*`|'[^']*');$", re.MULTILINE | re.DOTALL
)
_PART = re.compile(r"\$\{(\w+)\}")


def _constants() -> tuple[dict[str, str], set[str]]:
    """Every string constant of the modules, and the names of those exported (the documents)."""
    values: dict[str, str] = {}
    exported: set[str] = set()
    for module in MODULES:
        for export, name, literal in _CONSTANT.findall((STATIC_DIR / "assets" / module).read_text()):
            values[name] = literal[1:-1]
            if export:
                exported.add(name)
    return values, exported


def page_documents() -> dict[str, str]:
    """The documents the page sends, by their constant's name (`DASHBOARD`, `CHANGE_PLAN`, …)."""
    values, exported = _constants()

    def written_out(text: str) -> str:
        return _PART.sub(lambda part: written_out(values[part.group(1)]), text)

    return {name: written_out(values[name]) for name in sorted(exported)}
