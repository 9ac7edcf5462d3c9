"""The message catalogs: extract the English messages and merge them into every language, or check that
every language has them all.

python -m portalql.cli.messages update   # after adding or changing an English message; then translate the
                                         # new empty `msgstr ""` entries in translations/<lang>/LC_MESSAGES/
python -m portalql.cli.messages check    # exit 1 naming each message a catalog lacks (run by `./dev test`)

Both run Babel's own `pybabel extract` (with `translations/babel.cfg`) and `update`/`init`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from translations import DIRECTORY, DOMAIN, LANGUAGES, SOURCE, po_path

ROOT = DIRECTORY.parent
TEMPLATE = DIRECTORY / f"{DOMAIN}.pot"
# JavaScript's `t`/`tn`, Python's `N_` and a translator's `gettext`/`ngettext`.
KEYWORDS = ("N_", "t", "tn:1,2", "gettext", "ngettext:1,2")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _babel(*args: str) -> None:
    # From the project's root, so that the catalogs name sources by their path in the repository.
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", "--quiet", *args])  # type: ignore[no-untyped-call]
    finally:
        os.chdir(previous)


def extract(template: Path) -> None:
    keywords = [option for keyword in KEYWORDS for option in ("-k", keyword)]
    _babel(
        "extract", "--no-default-keywords", *keywords, "-F", str(DIRECTORY / "babel.cfg"),
        "--project", "portalql", "--copyright-holder", "portalql", "--no-wrap", "--sort-by-file",
        "-o", str(template), ".",
    )  # fmt: skip


def update() -> None:
    extract(TEMPLATE)
    for language in LANGUAGES:
        if language == SOURCE:
            continue
        command = "update" if po_path(language).is_file() else "init"
        extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []
        _babel(
            command,
            "-i",
            str(TEMPLATE),
            "-d",
            str(DIRECTORY),
            "-D",
            DOMAIN,
            "-l",
            language,
            "--no-wrap",
            *extra,
        )


@dataclass(frozen=True)
class Gap:
    language: str
    message: str
    where: str
    problem: str


def check() -> list[Gap]:
    """Each English message a catalog lacks, leaves empty, marks fuzzy or words with other placeholders."""
    with tempfile.TemporaryDirectory() as scratch:
        template_path = Path(scratch) / f"{DOMAIN}.pot"
        extract(template_path)
        with template_path.open("rb") as file:
            template = read_po(file)
    gaps = []
    for language in LANGUAGES:
        if language == SOURCE:
            continue
        path = po_path(language)
        catalog = None
        if path.is_file():
            with path.open("rb") as file:
                catalog = read_po(file, locale=language)
        for message in template:
            if not message.id:
                continue
            where = ", ".join(f"{file}:{line}" for file, line in message.locations[:2])
            english = str(message.id if isinstance(message.id, str) else message.id[0])
            found = catalog.get(message.id) if catalog is not None else None
            strings = (
                () if found is None else found.string if isinstance(found.string, tuple) else (found.string,)
            )
            problem = None
            if found is None:
                problem = "missing"
            elif not all(strings):
                problem = "not translated"
            elif found.fuzzy:
                problem = "marked fuzzy"
            else:
                wanted = set(_PLACEHOLDER.findall(english)) - {"n"}
                if any(set(_PLACEHOLDER.findall(str(text))) - {"n"} != wanted for text in strings):
                    problem = f"placeholders differ from English's {sorted(wanted)}"
            if problem:
                gaps.append(Gap(language, english, where, problem))
    return gaps


def report(gaps: list[Gap]) -> str:
    lines = [f"{len(gaps)} message(s) that English has are missing from the catalogs:"]
    lines += [f"  {gap.language}: {gap.problem}: {gap.message!r} ({gap.where})" for gap in gaps]
    lines.append(
        "Run `python -m portalql.cli.messages update`, then translate the entries above in "
        "translations/<language>/LC_MESSAGES/portalql.po."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portalql.cli.messages", description=__doc__.splitlines()[0]
    )
    parser.add_argument("command", choices=("update", "check"))
    options = parser.parse_args(argv)
    if options.command == "update":
        update()
        return 0
    gaps = check()
    if gaps:
        print(report(gaps), file=sys.stderr)  # noqa: T201 - a command-line report
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
