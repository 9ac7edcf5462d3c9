"""Assembling the schema: root types, protections and configuration."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.errors import coded
from schema.mutation import Mutation
from schema.protection import protections
from schema.query import Query
from schema.scalars import DATETIME

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from graphql import GraphQLError
    from strawberry.extensions import SchemaExtension
    from strawberry.extensions.runner import SchemaExtensionsRunner
    from strawberry.types import ExecutionContext, ExecutionResult

    OperationObserver = Callable[[str | None, ExecutionResult], None]


class PortalSchema(strawberry.Schema):
    """strawberry's schema, logging only the errors that are bugs (strawberry logs every error), giving every
    error a code, and naming nothing the caller did not ask for while the schema is closed to introspection.
    """

    def __init__(
        self, *, introspection: bool, observe: OperationObserver | None = None, **options: Any
    ) -> None:
        super().__init__(**options)
        self._introspection = introspection
        self._observe = observe

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        """Nothing: `coded` logs each error that is an incident, under the id the client is given."""

    async def _handle_execution_result(
        self,
        context: ExecutionContext,
        result: Any,
        extensions_runner: SchemaExtensionsRunner,
        *,
        skip_process_errors: bool = False,
    ) -> ExecutionResult:
        # Every result leaves through here, those of exceptions raised before execution included: the one
        # place where each error gets its code, after `process_errors` has logged the originals.
        handled = await super()._handle_execution_result(
            context, result, extensions_runner, skip_process_errors=skip_process_errors
        )
        if handled.errors:
            handled.errors = [coded(error) for error in handled.errors]
        if self._observe is not None:
            self._observe(context.operation_name, handled)
        return handled

    def _get_execute_function(self) -> Callable[..., Any]:
        execute = super()._get_execute_function()
        # Coercing variables suggests enum values and input fields ("Did you mean …?") unless told not to.
        return execute if self._introspection else partial(execute, hide_suggestions=True)


def build_schema(
    *,
    introspection: bool = True,
    observe: OperationObserver | None = None,
    extensions: Sequence[Callable[[], SchemaExtension]] = (),
) -> strawberry.Schema:
    """The schema with its protections; turn `introspection` off in production. `observe` is told of every
    operation's name and result (for metrics); `extensions` run after the protections (tracing)."""
    return PortalSchema(
        introspection=introspection,
        observe=observe,
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=True, scalar_map={datetime: DATETIME}),
        extensions=[*protections(introspection=introspection), *extensions],
    )
