"""The customer-facing text in every language the portal speaks, from gettext catalogs (Babel).

English is the source language: each message is written once, in English, where it is used (`t('…')` in the
page's JavaScript, `data-i18n` in its HTML, `N_("…")` in Python), and `python -m portalql.cli.messages update`
extracts them into `portalql.pot` and merges that into each language's `<lang>/LC_MESSAGES/portalql.po`.
A message a catalog lacks is shown in English, one message at a time, so a sentence is never half translated.

Placeholders are named, `{date}`, the same in Python (`str.format`) and in the page. Plurals follow CLDR: the
`.po` files carry gettext's plural forms (Babel writes them from CLDR), and the page gets each plural
message keyed by CLDR category (`one`, `few`, `many`, `other`) for `Intl.PluralRules` to pick from.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from babel.messages.catalog import Catalog

DIRECTORY = Path(__file__).parent
DOMAIN = "portalql"
SOURCE = "en"
# Catalog codes (gettext's spelling); the page and HTTP speak BCP 47 (`pt-BR`).
LANGUAGES = ("en", "de", "fr", "es", "it", "pt_BR", "nl", "sv", "ja", "pl")
# Sources whose messages the page needs in its JSON catalog (the rest is rendered on the server).
PAGE_SCRIPTS = "portalql/web/static/portal/assets/"
# Numbers tried to find one of each CLDR plural category (a million is French's and Italian's `many`).
_PLURAL_SAMPLES = (*range(200), 1_000_000)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for extraction, translate later"
    return message


def po_path(language: str) -> Path:
    return DIRECTORY / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True, slots=True)
class Choice:
    """The language chosen for a reader: `tag` formats dates and money (`de-CH`), `language` is the catalog
    (`de`); they always agree, so nothing is formatted in one language beside words in another."""

    tag: str
    language: str


ENGLISH = Choice("en", SOURCE)


def choose(tag: str) -> Choice | None:
    """The language for a BCP 47 tag: `de-CH` → German formatted for Switzerland, `pt` → `pt_BR`, `zh` → None.
    The tag is rebuilt from what Babel parsed, so only a well-formed one reaches a page or a cookie."""
    try:
        locale = Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    canonical = "-".join(part for part in (locale.language, locale.script, locale.territory) if part)
    if locale.territory and f"{locale.language}_{locale.territory}" in LANGUAGES:
        return Choice(canonical, f"{locale.language}_{locale.territory}")
    if locale.language in LANGUAGES:
        return Choice(canonical, locale.language)
    variants = [language for language in LANGUAGES if language.split("_")[0] == locale.language]
    return Choice(canonical, variants[0]) if variants else None


def negotiate(candidates: Iterable[str | None]) -> Choice:
    """The first candidate a catalog exists for (the session's locale, then the browser's), else English."""
    for candidate in candidates:
        choice = choose(candidate) if candidate and len(candidate) <= 35 else None
        if choice is not None:
            return choice
    return ENGLISH


def accept_language(header: str | None, *, limit: int = 8) -> list[str]:
    """The tags of an `Accept-Language` header, most wanted first (`*` and q=0 dropped)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")[:limit]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


@dataclass(frozen=True, slots=True)
class Translator:
    """One language's messages; a message its catalog lacks comes back in English."""

    language: str
    _translations: NullTranslations

    def gettext(self, message: str, **params: object) -> str:
        text: str = self._translations.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text: str = self._translations.ngettext(singular, plural, n)
        return text.format(n=n, **params)


class Catalogs:
    """Every language's catalog, read once from the `.po` files."""

    def __init__(self, catalogs: Mapping[str, Catalog]) -> None:
        self._catalogs = dict(catalogs)
        self._translations: dict[str, NullTranslations] = {SOURCE: NullTranslations()}
        for language, catalog in self._catalogs.items():
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            self._translations[language] = Translations(buffer, domain=DOMAIN)

    @classmethod
    @cache
    def load(cls) -> Catalogs:
        """Read once per process: the files are part of the release, and every app shares them."""
        catalogs = {}
        for language in LANGUAGES:
            path = po_path(language)
            if language != SOURCE and path.is_file():
                with path.open("rb") as po:
                    catalogs[language] = read_po(po, locale=language, domain=DOMAIN)
        return cls(catalogs)

    def translator(self, language: str) -> Translator:
        """Text in `language` (English for a language without a catalog)."""
        known = language if language in self._translations else SOURCE
        return Translator(known, self._translations[known])

    @cache  # noqa: B019 - catalogs are loaded once and live as long as the process
    def page_messages(self, language: str) -> dict[str, str | dict[str, str]]:
        """What the page's scripts say, in `language`: plain messages by English text, plural ones by their
        English singular with a form per CLDR category. Untranslated messages are left out (the page
        shows them in English)."""
        catalog = self._catalogs.get(language)
        if catalog is None:
            return {}
        rule = Locale.parse(language).plural_form
        samples: dict[str, int] = {}
        for number in _PLURAL_SAMPLES:
            samples.setdefault(rule(number), number)
        messages: dict[str, str | dict[str, str]] = {}
        translations = self._translations[language]
        for message in catalog:
            if not message.id or message.fuzzy or not message.string:
                continue
            if not any(path.startswith(PAGE_SCRIPTS) for path, _ in message.locations):
                continue
            if isinstance(message.id, tuple):
                if not all(message.string):
                    continue
                singular, plural = str(message.id[0]), str(message.id[1])
                messages[singular] = {
                    category: translations.ngettext(singular, plural, number)
                    for category, number in samples.items()
                }
            else:
                messages[str(message.id)] = str(message.string)
        return messages

    @cached_property
    def languages(self) -> tuple[str, ...]:
        return (SOURCE, *self._catalogs)
