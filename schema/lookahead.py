"""Looking ahead at what a query selects below the current field, to fold children into one Stripe call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from graphql import FragmentDefinitionNode, SelectionSetNode

    from schema.context import Info


def _fields(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _fields(fragments[selection.name.value].selection_set, fragments)


def selects(info: Info, *path: str) -> bool:
    """Whether the current field selects the nested field `path` (GraphQL names), through any fragment."""
    # The document's own nodes: strawberry's `selected_fields` would first copy the whole subtree below the
    # field, which for the dashboard's customer cost more than serving it from the cache.
    raw = info._raw_info  # strawberry exposes the field nodes only through its raw info
    level: Iterable[FieldNode] = raw.field_nodes
    for name in path:
        level = [
            child for parent in level for child in _fields(parent.selection_set, raw.fragments)
            if child.name.value == name
        ]  # fmt: skip
        if not level:
            return False
    return True
