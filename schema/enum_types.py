"""GraphQL enums that *are* the domain's enums, so each value is written once, in the domain.

`graphql_enum` registers a domain enum class with strawberry and gives every member its description.
Resolvers return domain members and inputs arrive as domain members, with no mapping in between. strawberry
takes value descriptions only from `strawberry.enum_value` in the class body, which the domain must not know
about, so they are attached to the definition that `strawberry.enum` made. A member without a description, a
description of something that is not a member, or a second registration fails at import, so a value added to
the domain cannot silently miss the schema.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, TypeVar

import strawberry
from strawberry.types.enum import has_enum_definition

if TYPE_CHECKING:
    from collections.abc import Mapping
    from enum import Enum

E = TypeVar("E", bound="Enum")


def graphql_enum(
    domain: type[E], *, description: str, values: Mapping[E, str], name: str | None = None
) -> type[E]:
    """Expose `domain` as a GraphQL enum (named `name`, else like the class) with one description per member.

    The GraphQL value names are the members' names, in the domain's order."""
    if has_enum_definition(domain):
        raise TypeError(f"{domain.__qualname__} is already a GraphQL enum; register a domain enum once")
    # Exact types: a `StrEnum` member equals (and hashes like) its string and members of other enums.
    unknown = [repr(key) for key in values if type(key) is not domain]
    if unknown:
        raise TypeError(f"descriptions of {', '.join(unknown)}, which are not {domain.__qualname__} members")
    undescribed = [member.name for member in domain if member not in values]
    if undescribed:
        raise TypeError(f"{domain.__qualname__} members without a description: {', '.join(undescribed)}")

    registered = strawberry.enum(domain, name=name, description=description)
    assert has_enum_definition(registered)
    definition = registered.__strawberry_definition__
    definition.values = [
        dataclasses.replace(value, description=values[member])
        for member, value in zip(domain, definition.values, strict=True)
    ]
    return domain
