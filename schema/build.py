"""Assembling the schema: root types, protections and configuration."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from types import FunctionType
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType

from schema.context import Context, Ran
from schema.errors import coded
from schema.live import Live
from schema.mutation import Mutation
from schema.protection import document_cache, protections
from schema.query import Query
from schema.scalars import DATETIME
from schema.trusted import TrustedDocuments

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSchema
    from strawberry.extensions import SchemaExtension
    from strawberry.extensions.runner import SchemaExtensionsRunner
    from strawberry.schema.schema import StreamResult
    from strawberry.types import ExecutionContext, ExecutionResult

    OperationObserver = Callable[[str | None, ExecutionResult], None]


_ALL_OPERATIONS = frozenset(OperationType)


class PortalSchema(strawberry.Schema):
    """strawberry's schema, logging only the errors that are bugs (strawberry logs every error), giving every
    error a code, and naming nothing the caller did not ask for while the schema is closed to introspection.
    """

    def __init__(
        self,
        *,
        introspection: bool,
        trusted_documents: TrustedDocuments,
        observe: OperationObserver | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self._introspection = introspection
        self._observe = observe
        self.trusted_documents = trusted_documents
        _call_plain_resolvers_directly(self._schema, self.config.info_class)

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
        elif isinstance(context.context, Context) and context.graphql_document is not None:
            # What ran, for the HTTP layer, which caches only queries' answers whole.
            context.context.ran = Ran(context.operation_type, context.operation_name)
        if self._observe is not None:
            self._observe(context.operation_name, handled)
        return handled

    async def execute(self, *args: Any, **options: Any) -> ExecutionResult:
        # Subscriptions run on sockets (`stream`): over HTTP, which streams nothing here, they are refused.
        allowed = options.get("allowed_operation_types") or _ALL_OPERATIONS
        options["allowed_operation_types"] = set(allowed) - {OperationType.SUBSCRIPTION}
        return await super().execute(*args, **options)

    async def stream(self, *args: Any, **options: Any) -> StreamResult:
        # Only sockets stream (the router enables no HTTP streaming), and they carry subscriptions only:
        # queries and mutations go over HTTP, where their bounds and deadlines hold.
        options["allowed_operation_types"] = {OperationType.SUBSCRIPTION}
        return await super().stream(*args, **options)

    def _get_execute_function(self) -> Callable[..., Any]:
        execute = super()._get_execute_function()
        # Coercing variables suggests enum values and input fields ("Did you mean …?") unless told not to.
        return execute if self._introspection else partial(execute, hide_suggestions=True)


def _call_plain_resolvers_directly(schema: GraphQLSchema, info_class: type[strawberry.Info]) -> None:
    """Resolve each field whose resolver is a method of its type taking no arguments (but perhaps `info`) and
    has no field extensions by calling that method on the parent object.

    strawberry routes every resolver through the same machinery (argument conversion, a chain of field
    extensions, wrappers for exception handlers), which such a method does not use; on a warm dashboard most
    fields are such methods, and that machinery was the largest part of serving it. Errors still surface as
    the method raised them, so the masking and coding of errors is unchanged.
    """
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for graphql_field in graphql_type.fields.values():
            definition = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(definition, StrawberryField) or definition.extensions:
                continue
            resolver = definition.base_resolver
            if (
                resolver is None
                or resolver.arguments
                or resolver.root_parameter is not None
                or resolver.self_parameter is None
                or not isinstance(resolver.wrapped_func, FunctionType)
            ):
                continue
            method = resolver.wrapped_func
            info = resolver.info_parameter
            graphql_field.resolve = (
                _method_resolver(method)
                if info is None
                else _method_resolver_with_info(method, info.name, partial(info_class, _field=definition))
            )


def _method_resolver(method: Callable[[Any], Any]) -> Callable[..., Any]:
    def resolve(source: Any, _info: GraphQLResolveInfo[Any]) -> Any:
        return method(source)

    return resolve


def _method_resolver_with_info(
    method: Callable[..., Any], parameter: str, info_of: Callable[..., strawberry.Info]
) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        return method(source, **{parameter: info_of(_raw_info=info)})

    return resolve


def build_schema(
    *,
    introspection: bool = True,
    sessions_trusted_only: bool = False,
    lookup_trusted: Callable[[str], Awaitable[str | None]] | None = None,
    observe: OperationObserver | None = None,
    extensions: Sequence[Callable[[], SchemaExtension]] = (),
) -> PortalSchema:
    """The schema with its protections; turn `introspection` off in production. `lookup_trusted` finds a
    trusted document's text by id in the operator's store (`schema.trusted`). `observe` is told of every
    operation's name and result (for metrics); `extensions` run after the protections (tracing)."""
    documents = document_cache(introspection=introspection)
    trusted = TrustedDocuments(documents, sessions_trusted_only=sessions_trusted_only)
    schema = PortalSchema(
        introspection=introspection,
        trusted_documents=trusted,
        observe=observe,
        query=Query,
        mutation=Mutation,
        subscription=Live,
        config=StrawberryConfig(disable_field_suggestions=True, scalar_map={datetime: DATETIME}),
        extensions=[*protections(documents, trusted), *extensions],
    )
    trusted.bind(schema._schema, lookup_trusted)
    return schema
