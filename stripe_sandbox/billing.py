"""Stripe's money and calendar arithmetic: minor units, proration by the second, anchored billing periods."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from fractions import Fraction

# Stripe's zero-decimal currencies: an amount of 1000 JPY is ¥1,000, not ¥10.00.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    }
)
_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "CA$", "aud": "A$", "krw": "₩"}
_SECONDS = {"day": 86_400, "week": 7 * 86_400}


def exponent(currency: str) -> int:
    """Digits after the decimal point in the currency's minor unit."""
    return 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2


def format_amount(amount: int, currency: str) -> str:
    """`$10.00`, `-¥500`: how Stripe writes amounts in line descriptions."""
    digits = exponent(currency)
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 10**digits)
    number = f"{major:,}" + (f".{minor:0{digits}d}" if digits else "")
    symbol = _SYMBOLS.get(currency.lower())
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency.upper()}"


def round_minor(value: Fraction) -> int:
    """Round to a whole minor unit, halves away from zero (so a credit mirrors its charge)."""
    whole = int(abs(value) + Fraction(1, 2))
    return whole if value >= 0 else -whole


def portion(amount: int, period_start: int, period_end: int, start: int, end: int) -> int:
    """The part of `amount` (a whole period's price) that covers `start`..`end` within the period."""
    if not period_start <= start <= end <= period_end or period_end <= period_start:
        raise ValueError(f"{start}..{end} is outside the period {period_start}..{period_end}")
    return round_minor(Fraction(amount * (end - start), period_end - period_start))


def shift(anchor: int, interval: str, count: int) -> int:
    """`anchor` moved by `count` intervals; months keep the anchor's day (Jan 31 -> Feb 28 -> Mar 31)."""
    if interval in _SECONDS:
        return anchor + count * _SECONDS[interval]
    if interval not in {"month", "year"}:
        raise ValueError(f"unknown interval {interval!r}")
    months = count * (12 if interval == "year" else 1)
    start = datetime.fromtimestamp(anchor, UTC)
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return int(start.replace(year=year, month=month + 1, day=day).timestamp())


def period_containing(anchor: int, interval: str, interval_count: int, at: int) -> tuple[int, int]:
    """The billing period `[anchor + k intervals, anchor + (k+1) intervals)` containing `at`."""
    step = max(1, interval_count)
    if interval in _SECONDS:
        size = step * _SECONDS[interval]
        k = (at - anchor) // size
        return anchor + k * size, anchor + (k + 1) * size
    per = step * (12 if interval == "year" else 1)
    first, then = datetime.fromtimestamp(anchor, UTC), datetime.fromtimestamp(at, UTC)
    k = ((then.year - first.year) * 12 + then.month - first.month) // per  # off by at most one either way
    while shift(anchor, "month", k * per) > at:
        k -= 1
    while shift(anchor, "month", (k + 1) * per) <= at:
        k += 1
    return shift(anchor, "month", k * per), shift(anchor, "month", (k + 1) * per)


def describe_date(ts: int) -> str:
    """`15 Jan 2026`, the way Stripe dates proration lines."""
    return datetime.fromtimestamp(ts, UTC).strftime("%d %b %Y").lstrip("0")
