"""The shape of a document (depth, aliases, expanded fields and spreads, repeated fields, fragment cycles),
measured in one pass whose work is linear in the document, before any other rule walks it.

graphql-core's rules, strawberry's limiters and execution walk a fragment again wherever it is spread, so a
few hundred bytes of fragments that each spread the next twice make them walk millions of fields. Here each
fragment is measured once and its measures are added wherever it is spread, so the expanded size is known
without expanding anything, and a document too large once expanded is refused before anything expands it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
)

if TYPE_CHECKING:
    from graphql import DocumentNode, Node, SelectionSetNode


@dataclass(frozen=True, slots=True)
class ShapeLimits:
    """What one document may add up to, with its fragments expanded."""

    max_depth: int
    max_aliases: int
    max_fields: int
    max_spreads: int
    # How often one response name may be selected in one selection set: graphql-core compares every pair
    # of same-named fields to check that they merge, so this bounds that rule's quadratic work.
    max_repeats: int
    # Fields, inline fragments and spreads nested in one another, so that no walk recurses without bound.
    max_nesting: int


@dataclass(slots=True)
class _Measure:
    """A selection set's measures, its fragments expanded."""

    height: int = 0  # levels of fields; introspection fields count for none, as in strawberry's depth limit
    aliases: int = 0
    fields: int = 0
    spreads: int = 0
    # The response names selected at its top level, and how often: merged into a parent that spreads it.
    names: Counter[str] = field(default_factory=Counter)

    def add(self, other: _Measure) -> None:
        self.height = max(self.height, other.height)
        self.aliases += other.aliases
        self.fields += other.fields
        self.spreads += other.spreads
        self.names.update(other.names)


class _Refused(Exception):  # noqa: N818 - control flow, never leaves this module
    def __init__(self, error: GraphQLError) -> None:
        super().__init__(error.message)
        self.error = error


class DocumentShape:
    """Measures one document; `nodes_visited` is the work done, at most one visit per selection written."""

    def __init__(self, document: DocumentNode, limits: ShapeLimits) -> None:
        self._limits = limits
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._measured: dict[str, _Measure] = {}
        self._spreading: list[str] = []  # the fragments being measured, outermost first
        self._document = document
        self.nodes_visited = 0

    def errors(self) -> list[GraphQLError]:
        """Why the document is refused: empty when it fits every limit."""
        try:
            return [error for operation in self._operations() for error in self._check(operation)]
        except _Refused as refused:
            return [refused.error]

    def _operations(self) -> list[OperationDefinitionNode]:
        return [d for d in self._document.definitions if isinstance(d, OperationDefinitionNode)]

    def _check(self, operation: OperationDefinitionNode) -> list[GraphQLError]:
        limits = self._limits
        measure = self._measure(operation.selection_set, 1)
        name = operation.name.value if operation.name else "anonymous"
        # The deepest field sits `height - 1` levels below the root's fields.
        if measure.height - 1 > limits.max_depth:
            return [_error(f"'{name}' exceeds maximum operation depth of {limits.max_depth}", operation)]
        if measure.aliases > limits.max_aliases:
            return [_error(f"{measure.aliases} aliases found. Allowed: {limits.max_aliases}", operation)]
        if measure.fields > limits.max_fields:
            return [
                _error(
                    f"'{name}' selects {_at_least(measure.fields, limits.max_fields)} fields once its "
                    f"fragments are expanded; the limit is {limits.max_fields}.",
                    operation,
                )
            ]
        if measure.spreads > limits.max_spreads:
            return [
                _error(
                    f"'{name}' spreads fragments {_at_least(measure.spreads, limits.max_spreads)} times once "
                    f"they are expanded; the limit is {limits.max_spreads}.",
                    operation,
                )
            ]
        return []

    def _measure(self, selection_set: SelectionSetNode, nesting: int) -> _Measure:
        if nesting > self._limits.max_nesting:
            raise _Refused(
                _error(
                    f"The document nests selections and fragments more than {self._limits.max_nesting} deep.",
                    selection_set,
                )
            )
        measure = _Measure()
        for selection in selection_set.selections:
            self.nodes_visited += 1
            if isinstance(selection, FieldNode):
                measure.add(self._field(selection, nesting))
            elif isinstance(selection, InlineFragmentNode):
                measure.add(self._measure(selection.selection_set, nesting + 1))
            elif isinstance(selection, FragmentSpreadNode):
                measure.add(self._spread(selection, nesting))
        self._check_repeats(measure.names, selection_set)
        return measure

    def _field(self, node: FieldNode, nesting: int) -> _Measure:
        below = self._measure(node.selection_set, nesting + 1) if node.selection_set else _Measure()
        introspection = node.name.value.startswith("__")
        return _Measure(
            height=0 if introspection else below.height + 1,
            aliases=below.aliases + (node.alias is not None),
            fields=below.fields + 1,
            spreads=below.spreads,
            names=Counter({(node.alias or node.name).value: 1}),
        )

    def _spread(self, node: FragmentSpreadNode, nesting: int) -> _Measure:
        name = node.name.value
        if name in self._spreading:
            via = self._spreading[self._spreading.index(name) + 1 :]
            path = f" via {', '.join(repr(step) for step in via)}" if via else ""
            raise _Refused(_error(f"Cannot spread fragment '{name}' within itself{path}.", node))
        measured = self._measured.get(name)
        if measured is None:
            fragment = self._fragments.get(name)
            if fragment is None:
                return _Measure(spreads=1)  # graphql-core's rules report the unknown fragment
            self._spreading.append(name)
            measured = self._measure(fragment.selection_set, nesting + 1)
            self._spreading.pop()
            self._measured[name] = measured
        return _Measure(
            height=measured.height,
            aliases=measured.aliases,
            fields=measured.fields,
            spreads=measured.spreads + 1,
            names=measured.names,
        )

    def _check_repeats(self, names: Counter[str], where: Node) -> None:
        limit = self._limits.max_repeats
        for name, count in names.items():
            if count > limit:
                raise _Refused(
                    _error(
                        f"'{name}' is selected {_at_least(count, limit)} times in one selection set, "
                        f"fragments expanded; the limit is {limit}.",
                        where,
                    )
                )


def _at_least(count: int, limit: int) -> str:
    # Expanded sizes double with every fragment that spreads the next twice: a number of a hundred digits
    # tells the client nothing, and only its being over the limit matters.
    return str(count) if count <= 100 * limit else f"more than {100 * limit}"


def _error(message: str, node: Node) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})
