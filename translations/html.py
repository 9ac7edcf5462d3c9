"""Messages in the page's HTML: `<h1 data-i18n>Billing</h1>` translates the element's text, and
`data-i18n-label="Invoice pages"` becomes a translated `aria-label`. Marked elements hold plain text only.

The same patterns extract the messages (a Babel extraction method, named in `babel.cfg`) and render the
page in a language, so what is extracted is exactly what is translated.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

_TEXT = re.compile(r"(<(\w+)\b[^>]*\sdata-i18n(?:\s[^>]*)?>)([^<]+)(</\2>)")
_LABEL = re.compile(r'data-i18n-label="([^"]+)"')


def extract_html(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: dict[str, Any]
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extraction-method interface: (line, function, message, comments) for each marked text."""
    del keywords, comment_tags, options
    source = fileobj.read().decode("utf-8")
    found = [(match.start(3), match.group(3)) for match in _TEXT.finditer(source)]
    found += [(match.start(1), match.group(1)) for match in _LABEL.finditer(source)]
    for offset, text in sorted(found):
        yield source.count("\n", 0, offset) + 1, None, _message(text), []


def render_html(source: str, gettext: Callable[[str], str]) -> str:
    """The page with every marked text and label in the language `gettext` translates to."""

    def text(match: re.Match[str]) -> str:
        message = _message(match.group(3))
        return f"{match.group(1)}{escape(gettext(message), quote=False)}{match.group(4)}"

    def label(match: re.Match[str]) -> str:
        return f'aria-label="{escape(gettext(_message(match.group(1))))}"'

    return _LABEL.sub(label, _TEXT.sub(text, source))


def _message(text: str) -> str:
    """The message as written, whatever the indentation around it."""
    return " ".join(unescape(text).split())
