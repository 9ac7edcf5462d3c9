"""A per-operation cost budget: an estimate of how many objects a query can make the server resolve.

Each object a query selects costs one (scalar fields come with their object). A connection's `edges` hold
the page size asked for (`first`/`last`, from literals or the request's variables, else the default);
any other list is estimated at `LIST_ESTIMATE` objects. Nested lists multiply.

Page arguments are checked by the resolvers' own rule before anything is estimated, so a page size the
connection would refuse (a negative `first`) refuses the operation instead of lowering its estimate. Each
fragment is estimated once per page size and reused wherever it is spread, so the work is linear in the
document; `schema.shape` has already refused fragment cycles and documents too large once expanded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

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
    NullValueNode,
    OperationDefinitionNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from resolvers.errors import InvalidArgumentError
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_request

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graphql import DocumentNode, GraphQLNamedType, GraphQLSchema, SelectionSetNode

LIST_ESTIMATE = 5
PAGE_ARGUMENTS = ("first", "last")
_CURSOR_ARGUMENTS = ("after", "before")
_UNKNOWN = object()  # a value the estimate cannot know before variables are coerced


class _Estimator:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], budget: int
    ) -> None:
        self._schema = schema
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._variables = variables
        # Estimates are capped just over the budget: past it only "too much" matters, and the numbers stay
        # small however many lists nest.
        self._cap = budget + 1
        self._by_fragment: dict[tuple[str, int | None], int] = {}
        self.argument_errors: list[GraphQLError] = []
        # Whether a page argument came from the variables: if none did, the estimate is the document's alone.
        self.read_variables = False

    def _value(self, node: ValueNode) -> object:
        if isinstance(node, VariableNode):
            self.read_variables = True
            return self._variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, StringValueNode):
            return node.value
        return _UNKNOWN

    def _page_size(self, field: FieldNode, definition_args: Mapping[str, Any]) -> int | None:
        """The page size a connection field asks for, or None when it takes no page size."""
        if not any(name in definition_args for name in PAGE_ARGUMENTS):
            return None
        given = {
            argument.name.value: self._value(argument.value)
            for argument in field.arguments or ()
            if argument.name.value in (*PAGE_ARGUMENTS, *_CURSOR_ARGUMENTS)
            and not isinstance(argument.value, NullValueNode)
        }
        if not given:
            default = definition_args["first"].default_value if "first" in definition_args else None
            return default if _is_size(default) and default is not None else DEFAULT_PAGE_SIZE
        first, last = given.get("first"), given.get("last")
        after, before = given.get("after"), given.get("before")
        if not (_is_size(first) and _is_size(last) and _is_cursor(after) and _is_cursor(before)):
            return MAX_PAGE_SIZE  # a value of the wrong type: coercing the variables refuses it
        try:
            return page_request(first=first, after=after, last=last, before=before).limit
        except InvalidArgumentError as refused:
            self.argument_errors.append(
                GraphQLError(refused.message, field, extensions={"code": refused.code})
            )
            return 0

    def _spread(self, node: FragmentSpreadNode, parent: GraphQLNamedType, page: int | None) -> int:
        fragment = self._fragments.get(node.name.value)
        if fragment is None:
            return 0
        key = (node.name.value, page)
        known = self._by_fragment.get(key)
        if known is None:
            inner = self._schema.get_type(fragment.type_condition.name.value) or parent
            known = self._by_fragment[key] = self.cost(fragment.selection_set, inner, page)
        return known

    def cost(self, selection_set: SelectionSetNode, parent: GraphQLNamedType, page: int | None) -> int:
        """The cost of resolving `selection_set` once on `parent`; `page` is the page size when `parent` is a
        connection (its `edges` list holds that many)."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, inner or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection, parent, page)
            elif isinstance(selection, FieldNode) and isinstance(
                parent, GraphQLObjectType | GraphQLInterfaceType
            ):
                total += self._field(selection, parent, page)
            total = min(total, self._cap)
        return total

    def _field(
        self, field: FieldNode, parent: GraphQLObjectType | GraphQLInterfaceType, page: int | None
    ) -> int:
        definition = parent.fields.get(field.name.value)
        if definition is None or field.selection_set is None:
            return 0  # an unknown field: validation refuses it
        objects = 1
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            objects = page if page is not None else LIST_ESTIMATE
        inner_page = self._page_size(field, definition.args)
        below = self.cost(field.selection_set, get_named_type(definition.type), inner_page)
        return objects * (1 + below)


def _is_size(value: object) -> TypeGuard[int | None]:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _is_cursor(value: object) -> TypeGuard[str | None]:
    return value is None or isinstance(value, str)


def cost_errors(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], budget: int
) -> tuple[list[GraphQLError], bool]:
    """An error for each page argument the connection would refuse; otherwise one for each operation of
    `document` whose estimate with these variables exceeds `budget`. And whether the variables were read:
    if not, the same document always gets the same errors."""
    estimator = _Estimator(schema, document, variables, budget)
    errors = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        root = schema.get_root_type(operation.operation)
        if root is None:
            continue
        cost = estimator.cost(operation.selection_set, root, None)
        if cost > budget:
            errors.append(
                GraphQLError(
                    f"Query cost exceeds the budget of {budget} (estimated at {cost} or more): "
                    "ask for smaller pages or fewer nested lists.",
                    operation,
                    extensions={"code": "COST_LIMIT_EXCEEDED", "budget": budget},
                )
            )
    return estimator.argument_errors or errors, estimator.read_variables
