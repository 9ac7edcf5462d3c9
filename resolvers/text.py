"""What a line of text a person typed may hold, and how much of it a message may quote back.

Text that reaches Stripe, the audit trail and other people's screens is one printable line: no control
characters (NUL, ESC, newlines), no invisible formatting (bidi overrides that make a name read backwards), no
lone surrogates (which cannot even be stored), no private-use or unassigned code points. The zero-width
joiners some scripts need inside words stay allowed.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

# Categories refused: controls, formatting, surrogates, private use, unassigned.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Zero-width non-joiner and joiner: part of correct spelling in Persian, Indic scripts and emoji sequences.
_JOINERS = frozenset({"\u200c", "\u200d"})
# How much of a refused value a message quotes back.
EXCERPT_LENGTH = 40
# Codes CLDR lists as territories that are no country an address can be in (groupings, pseudo-locales,
# "unknown", and ISO's exceptional reservations Stripe does not accept).
_NOT_COUNTRIES = frozenset({"CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "UN", "XA", "XB", "ZZ"})


def is_printable_line(value: str) -> bool:
    return not any(
        unicodedata.category(char) in _REFUSED_CATEGORIES and char not in _JOINERS for char in value
    )


def excerpt(value: str) -> str:
    """At most `EXCERPT_LENGTH` characters of `value`, with what cannot be shown replaced, for a message."""
    shown = "".join("?" if not is_printable_line(char) else char for char in value[:EXCERPT_LENGTH])
    return shown + ("…" if len(value) > EXCERPT_LENGTH else "")


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of countries and territories an address can be in, from CLDR."""
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str) and len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )
