"""Typed `strawberry.field` and `strawberry.subscription` decorators: strawberry's overloads for
`field(description=...)` return Any."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

import strawberry

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from strawberry.extensions.field_extension import FieldExtension

F = TypeVar("F", bound="Callable[..., Any]")


def field(
    description: str,
    *,
    name: str | None = None,
    deprecation_reason: str | None = None,
    extensions: Sequence[FieldExtension] = (),
) -> Callable[[F], F]:
    """Declare a resolved field; every field of the API carries a description."""
    decorator = strawberry.field(
        description=description, name=name, deprecation_reason=deprecation_reason, extensions=list(extensions)
    )
    return cast("Callable[[F], F]", decorator)


def subscription(description: str) -> Callable[[F], F]:
    """Declare a subscription field of the `Live` root."""
    return cast("Callable[[F], F]", strawberry.subscription(description=description))
