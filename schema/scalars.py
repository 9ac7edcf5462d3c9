"""The `DateTime` scalar: instants as ISO-8601 strings in UTC, made from Stripe's Unix seconds."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry


def _serialize(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(value: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError("A DateTime is an ISO-8601 string.")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("A DateTime needs a UTC offset, such as 2026-01-31T12:00:00Z.")
    return parsed.astimezone(UTC)


DATETIME = strawberry.scalar(
    name="DateTime",
    description="An instant as an ISO-8601 string in UTC, such as `2026-01-31T12:00:00Z`.",
    serialize=_serialize,
    parse_value=_parse,
)


def instant(timestamp: int) -> datetime:
    """A Stripe timestamp (Unix seconds) as an aware UTC datetime."""
    return datetime.fromtimestamp(timestamp, UTC)


def maybe_instant(timestamp: int | None) -> datetime | None:
    return None if timestamp is None else instant(timestamp)
