"""Looking ahead at what a query selects below the current field, to fold children into one Stripe call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from strawberry.types.nodes import Selection

    from schema.context import Info


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def selects(info: Info, *path: str) -> bool:
    """Whether the current field selects the nested field `path` (GraphQL names), through any fragment."""
    level = list(_fields(info.selected_fields))
    for name in path:
        level = [child for parent in level for child in _fields(parent.selections) if child.name == name]
        if not level:
            return False
    return True
