"""A per-operation cost budget: an estimate of how many objects a query can make the server resolve.

Each object a query selects costs one (scalar fields come with their object). A connection's `edges` hold
the page size asked for (`first`/`last`, from literals or the request's variables, else the default);
any other list is estimated at `LIST_ESTIMATE` objects. Nested lists multiply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from graphql import DocumentNode, GraphQLNamedType, GraphQLSchema, SelectionSetNode

LIST_ESTIMATE = 5
PAGE_ARGUMENTS = ("first", "last")


def _page_size(
    field: FieldNode, definition_args: Mapping[str, Any], variables: Mapping[str, Any]
) -> int | None:
    """The page size a connection field asks for, or None when it takes no page size."""
    if not any(name in definition_args for name in PAGE_ARGUMENTS):
        return None
    for argument in field.arguments or ():
        if argument.name.value not in PAGE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return min(int(value.value), MAX_PAGE_SIZE)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return min(given, MAX_PAGE_SIZE) if isinstance(given, int) else MAX_PAGE_SIZE
    default = definition_args["first"].default_value if "first" in definition_args else None
    return default if isinstance(default, int) else DEFAULT_PAGE_SIZE


class _Estimator:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], budget: int
    ) -> None:
        self._schema = schema
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._variables = variables
        self._budget = budget

    def _fields(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(selection.selection_set, inner or parent, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self._fragments.get(selection.name.value)
                if fragment is not None:
                    inner = self._schema.get_type(fragment.type_condition.name.value) or parent
                    yield from self._fields(fragment.selection_set, inner, seen | {selection.name.value})

    def cost(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, multiplier: int, page: int | None
    ) -> int:
        """The cost of a selection made `multiplier` times; `page` is the page size when `parent` is a
        connection (its `edges` list holds that many)."""
        total = 0
        for field, owner in self._fields(selection_set, parent, frozenset()):
            if field.selection_set is None or not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
                continue  # scalars, enums and __typename come with their object
            definition = owner.fields.get(field.name.value)
            if definition is None:
                continue
            objects = multiplier
            if isinstance(get_nullable_type(definition.type), GraphQLList):
                objects *= page if page is not None else LIST_ESTIMATE
            total += objects
            if total > self._budget:
                return total  # over budget already: stop walking a possibly huge document
            inner_page = _page_size(field, definition.args, self._variables)
            total += self.cost(field.selection_set, get_named_type(definition.type), objects, inner_page)
        return total


def cost_errors(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], budget: int
) -> list[GraphQLError]:
    """An error for each operation of `document` whose estimate with these variables exceeds `budget`."""
    errors = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        root = schema.get_root_type(operation.operation)
        if root is None:
            continue
        cost = _Estimator(schema, document, variables, budget).cost(operation.selection_set, root, 1, None)
        if cost > budget:
            errors.append(
                GraphQLError(
                    f"Query cost exceeds the budget of {budget} (estimated at {cost} or more): "
                    "ask for smaller pages or fewer nested lists.",
                    operation,
                    extensions={"code": "COST_LIMIT_EXCEEDED", "budget": budget},
                )
            )
    return errors
