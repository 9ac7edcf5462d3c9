"""The limits every operation passes before it runs, as strawberry extension factories."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from schema.shape import ShapeLimits
from schema.trusted import TrustedDocumentGate, TrustedDocuments
from schema.validation import CachedValidation, DocumentCache

if TYPE_CHECKING:
    from collections.abc import Callable

    from strawberry.extensions import SchemaExtension

# The portal dashboard nests 8 deep (viewer > customer > invoices > edges > node > lines > price > product).
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
# Tokens do not count whitespace and comments; bytes do. The hosted portal's largest document is under 3 KB.
MAX_DOCUMENT_BYTES = 32_768
# With fragments expanded: the dashboard selects about 60 fields and GraphiQL's introspection about 150.
MAX_FIELDS = 1_000
MAX_FRAGMENT_SPREADS = 500
MAX_REPEATS = 10
MAX_NESTING = 64
# The dashboard costs about 250 and a page of 100 customers with their plans about 8,200; nesting pages
# of invoices under a page of customers does not fit.
COST_BUDGET = 10_000
# The documents whose parse and validation are remembered, texts and parsed trees: an application's few
# dozen documents of a few hundred tokens fit several times over.
DOCUMENT_CACHE_BYTES = 16 * 1024 * 1024


SHAPE_LIMITS = ShapeLimits(
    max_depth=MAX_DEPTH,
    max_aliases=MAX_ALIASES,
    max_fields=MAX_FIELDS,
    max_spreads=MAX_FRAGMENT_SPREADS,
    max_repeats=MAX_REPEATS,
    max_nesting=MAX_NESTING,
)


def document_cache(*, introspection: bool) -> DocumentCache:
    """The schema's one document cache, with the limits above."""
    return DocumentCache(
        shape=SHAPE_LIMITS,
        max_tokens=MAX_TOKENS,
        max_bytes=MAX_DOCUMENT_BYTES,
        introspection=introspection,
        cached_bytes=DOCUMENT_CACHE_BYTES,
    )


def protections(documents: DocumentCache, trusted: TrustedDocuments) -> list[Callable[[], SchemaExtension]]:
    """Factories, so that each operation gets fresh extension instances; they share the schema's one
    document cache. The trusted-document gate comes first: it supplies the text the others parse."""
    return [partial(TrustedDocumentGate, trusted), partial(CachedValidation, documents, budget=COST_BUDGET)]
