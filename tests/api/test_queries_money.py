"""`Money`: minor units and currency from Stripe, written for people by Babel (USD has cents, JPY none)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from resolvers.money import major_units
from tests.fixtures.operations import run

PRICE = """
query($id: ID!, $locale: String!) {
  node(id: $id) { ... on Price { unitAmount { amount currency en: formatted formatted(locale: $locale) } } }
}
"""


async def price_amount(sandbox: Any, gateway: Any, lookup_key: str, locale: str) -> Any:
    price = next(p for p in sandbox.state.store.iter_type("price") if p["lookup_key"] == lookup_key)
    return await run(gateway, PRICE, {"id": price["id"], "locale": locale})


@pytest.mark.parametrize(
    ("lookup_key", "locale", "expected"),
    [
        (
            "pro_monthly",
            "de-DE",
            {"amount": 3000, "currency": "usd", "en": "$30.00", "formatted": "30,00\xa0$"},
        ),
        (
            "pro_monthly",
            "fr",
            {"amount": 3000, "currency": "usd", "en": "$30.00", "formatted": "30,00\xa0$US"},
        ),
        (
            "business_yearly_jpy",
            "ja-JP",
            {"amount": 90000, "currency": "jpy", "en": "¥90,000", "formatted": "￥90,000"},
        ),
        (
            "business_yearly_jpy",
            "de",
            {"amount": 90000, "currency": "jpy", "en": "¥90,000", "formatted": "90.000\xa0¥"},
        ),
    ],
)
async def test_prices_are_formatted_per_locale(sandbox, gateway, lookup_key, locale, expected) -> None:
    result = await price_amount(sandbox, gateway, lookup_key, locale)

    assert result.errors is None
    assert result.data["node"]["unitAmount"] == expected


async def test_an_unknown_locale_is_bad_input(sandbox, gateway) -> None:
    result = await price_amount(sandbox, gateway, "pro_monthly", "xx-NOPE")

    assert [(e.message, e.extensions) for e in result.errors] == [
        ("Unknown locale 'xx-NOPE'.", {"code": "BAD_USER_INPUT"})
    ]


def test_minor_unit_exponents_come_from_babel() -> None:
    assert major_units(1999, "usd") == Decimal("19.99")
    assert major_units(1999, "jpy") == Decimal(1999)
    assert major_units(1999, "kwd") == Decimal("1.999")  # three decimals
    assert major_units(-500, "eur") == Decimal("-5.00")
