"""Money as Stripe stores it (an integer in the currency's minor unit) and as people read it.

Babel knows each currency's minor-unit exponent (2 for USD, 0 for JPY) and each locale's format.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision

from resolvers.errors import InvalidArgumentError


def major_units(amount: int, currency: str) -> Decimal:
    """`amount` minor units as a decimal amount of the currency (1999 USD -> 19.99, 1999 JPY -> 1999)."""
    return Decimal(amount).scaleb(-get_currency_precision(currency.upper()))


# A dashboard formats the same few amounts on every request, and Babel's formatting is not cheap.
@lru_cache(maxsize=4096)
def format_money(amount: int, currency: str, locale: str) -> str:
    """The amount as a reader of `locale` expects it, such as "$19.99", "19,99 $" or "￥1,999"."""
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as error:
        raise InvalidArgumentError(f"Unknown locale '{locale}'.") from error
    return format_currency(
        major_units(amount, currency), currency.upper(), locale=parsed, currency_digits=True
    )
