"""The limits every operation passes before it runs, as strawberry extension factories."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from strawberry.extensions import MaxTokensLimiter, SchemaExtension

from schema.errors import ErrorCodes
from schema.validation import CachedValidation, DocumentCache

if TYPE_CHECKING:
    from collections.abc import Callable

# The portal dashboard nests 8 deep (viewer > customer > invoices > edges > node > lines > price > product).
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
# The dashboard costs about 250 and a page of 100 customers with their plans about 8,200; nesting pages
# of invoices under a page of customers does not fit.
COST_BUDGET = 10_000
# Distinct documents whose parse and validation are remembered: far more than an application sends.
DOCUMENTS_CACHED = 256


def protections(*, introspection: bool) -> list[Callable[[], SchemaExtension]]:
    """Factories, so that each operation gets fresh extension instances; they share the schema's one
    document cache."""
    documents = DocumentCache(
        max_depth=MAX_DEPTH, max_aliases=MAX_ALIASES, introspection=introspection, maxsize=DOCUMENTS_CACHED
    )
    return [
        ErrorCodes,
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(CachedValidation, documents, budget=COST_BUDGET),
    ]
