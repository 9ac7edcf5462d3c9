"""The strawberry context: a thin carrier of the request's `RequestContext` for the field resolvers."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import strawberry
from strawberry.fastapi import BaseContext

if TYPE_CHECKING:
    from resolvers.context import RequestContext


class Context(BaseContext):
    def __init__(self, request_context: RequestContext) -> None:
        super().__init__()
        self.request_context = request_context


Info: TypeAlias = strawberry.Info[Context, None]
