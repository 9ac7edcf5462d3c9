"""Assembling the schema: root types, protections and configuration."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.errors import coded, log_unexpected
from schema.mutation import Mutation
from schema.protection import document_cache, protections
from schema.query import Query
from schema.scalars import DATETIME
from schema.trusted import TrustedDocuments

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from graphql import GraphQLError
    from strawberry.extensions.runner import SchemaExtensionsRunner
    from strawberry.types import ExecutionContext, ExecutionResult


class PortalSchema(strawberry.Schema):
    """strawberry's schema, logging only the errors that are bugs (strawberry logs every error), giving every
    error a code, and naming nothing the caller did not ask for while the schema is closed to introspection.
    """

    def __init__(self, *, introspection: bool, trusted_documents: TrustedDocuments, **options: Any) -> None:
        super().__init__(**options)
        self._introspection = introspection
        self.trusted_documents = trusted_documents

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,  # noqa: ARG002 - the overridden signature
    ) -> None:
        log_unexpected(errors)

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
        return handled

    def _get_execute_function(self) -> Callable[..., Any]:
        execute = super()._get_execute_function()
        # Coercing variables suggests enum values and input fields ("Did you mean …?") unless told not to.
        return execute if self._introspection else partial(execute, hide_suggestions=True)


def build_schema(
    *,
    introspection: bool = True,
    sessions_trusted_only: bool = False,
    lookup_trusted: Callable[[str], Awaitable[str | None]] | None = None,
) -> PortalSchema:
    """The schema with its protections; turn `introspection` off in production. `lookup_trusted` finds a
    trusted document's text by id in the operator's store (`schema.trusted`)."""
    documents = document_cache(introspection=introspection)
    trusted = TrustedDocuments(documents, sessions_trusted_only=sessions_trusted_only)
    schema = PortalSchema(
        introspection=introspection,
        trusted_documents=trusted,
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=True, scalar_map={datetime: DATETIME}),
        extensions=protections(documents, trusted),
    )
    trusted.bind(schema._schema, lookup_trusted)
    return schema
