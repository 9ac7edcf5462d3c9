"""Assembling the schema: root types, protections and configuration."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.errors import log_unexpected
from schema.mutation import Mutation
from schema.protection import protections
from schema.query import Query
from schema.scalars import DATETIME

if TYPE_CHECKING:
    from graphql import GraphQLError
    from strawberry.types import ExecutionContext


class PortalSchema(strawberry.Schema):
    """strawberry's schema, logging only the errors that are bugs (strawberry logs every error)."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,  # noqa: ARG002 - the overridden signature
    ) -> None:
        log_unexpected(errors)


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    """The schema with its protections; turn `introspection` off in production."""
    return PortalSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=True, scalar_map={datetime: DATETIME}),
        extensions=protections(introspection=introspection),
    )
