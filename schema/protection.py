"""The limits every operation passes before it runs, as strawberry extension factories."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from schema.cost import CostLimiter
from schema.errors import ErrorCodes

if TYPE_CHECKING:
    from collections.abc import Callable

# The portal dashboard nests 8 deep (viewer > customer > invoices > edges > node > lines > price > product).
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
# The dashboard costs about 250 and a page of 100 customers with their plans about 8,200; nesting pages
# of invoices under a page of customers does not fit.
COST_BUDGET = 10_000


def protections(*, introspection: bool) -> list[Callable[[], SchemaExtension]]:
    """Factories, so that each operation gets fresh extension instances."""
    extensions: list[Callable[[], SchemaExtension]] = [
        ErrorCodes,
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(CostLimiter, budget=COST_BUDGET),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return extensions
