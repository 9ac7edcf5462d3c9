"""Stripe's money and calendar rules in `stripe_sandbox.billing`, exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

import pytest

from stripe_sandbox import billing


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def test_half_a_period_credits_half_the_old_price_and_charges_half_the_new() -> None:
    start, end = ts(2026, 1, 1), ts(2026, 1, 31)
    half = (start + end) // 2
    assert -billing.portion(1000, start, end, half, end) == -500
    assert billing.portion(3000, start, end, half, end) == 1500


def test_proration_is_by_the_second_and_rounds_half_away_from_zero() -> None:
    assert billing.portion(1000, 0, 3, 2, 3) == 333
    assert billing.portion(1, 0, 2, 1, 2) == 1
    assert billing.round_minor(Fraction(-1, 2)) == -1
    assert billing.portion(1000, 0, 100, 100, 100) == 0
    assert billing.portion(1000, 0, 100, 0, 100) == 1000


def test_proration_outside_the_period_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        billing.portion(1000, 10, 20, 21, 20)


def test_month_periods_keep_the_anchor_day() -> None:
    anchor = ts(2024, 1, 31, 9, 30)
    assert billing.shift(anchor, "month", 1) == ts(2024, 2, 29, 9, 30)
    assert billing.shift(anchor, "month", 2) == ts(2024, 3, 31, 9, 30)
    assert billing.shift(anchor, "month", 13) == ts(2025, 2, 28, 9, 30)
    assert billing.shift(ts(2024, 2, 29), "year", 1) == ts(2025, 2, 28)
    assert billing.shift(anchor, "week", 2) == anchor + 14 * 86_400


def test_the_period_containing_an_instant_follows_the_anchored_cycle() -> None:
    anchor = ts(2024, 1, 31)
    assert billing.period_containing(anchor, "month", 1, ts(2024, 3, 5)) == (ts(2024, 2, 29), ts(2024, 3, 31))
    assert billing.period_containing(anchor, "month", 1, ts(2024, 3, 31)) == (
        ts(2024, 3, 31),
        ts(2024, 4, 30),
    )
    assert billing.period_containing(anchor, "month", 3, ts(2024, 5, 1)) == (ts(2024, 4, 30), ts(2024, 7, 31))
    assert billing.period_containing(anchor, "year", 1, ts(2023, 6, 1)) == (ts(2023, 1, 31), ts(2024, 1, 31))
    assert billing.period_containing(anchor, "day", 1, anchor + 90_000) == (anchor + 86_400, anchor + 172_800)


def test_zero_decimal_currencies_have_no_minor_unit() -> None:
    assert billing.exponent("jpy") == 0
    assert billing.exponent("USD") == 2
    assert billing.format_amount(1000, "jpy") == "¥1,000"
    assert billing.format_amount(-500, "jpy") == "-¥500"
    assert billing.format_amount(123456, "usd") == "$1,234.56"
    assert billing.format_amount(5, "chf") == "0.05 CHF"


def test_dates_read_the_way_stripe_writes_them() -> None:
    assert billing.describe_date(ts(2026, 1, 5, 23)) == "5 Jan 2026"
