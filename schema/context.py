"""The strawberry context: a thin carrier of the request's `RequestContext` for the field resolvers, and of
what the request ran, for the HTTP layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import strawberry
from strawberry.fastapi import BaseContext

if TYPE_CHECKING:
    from strawberry.types.graphql import OperationType

    from resolvers.context import RequestContext


@dataclass(frozen=True, slots=True)
class Ran:
    """The operation a request ran without errors, as its document names it."""

    operation_type: OperationType
    name: str | None


class Context(BaseContext):
    def __init__(self, request_context: RequestContext) -> None:
        super().__init__()
        self.request_context = request_context
        # Set by the schema once an operation has run without errors (see `PortalSchema`).
        self.ran: Ran | None = None


Info: TypeAlias = strawberry.Info[Context, None]
