"""Parsing and validation whose work is bounded before it starts, and remembered for documents already seen.

A document is refused unread past `max_bytes`, and its parse stops at `max_tokens`. Its shape (`schema.shape`)
is measured in one linear pass before graphql-core's rules walk it, which they do once per place a fragment
is spread. The parsed document and what these checks found depend on the text alone, so they are remembered
per text, within a budget of bytes (texts, and their parsed trees estimated by their tokens): an attacker
sending large distinct documents evicts them, never grows the process. A document not seen before that is
larger than a few operations is parsed and checked on a thread of its own, one at a time: parsing the
largest allowed costs tens of milliseconds, which the event loop (and every other request) must not wait
for. The cost budget depends on the request's variables (`first: $n`), so it is estimated for every
operation, in a pass of its own, once the document is known to be sound.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, parse, specified_rules, validate
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from schema.cost import cost_errors
from schema.shape import DocumentShape, ShapeLimits

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Sequence

    from graphql import ASTValidationRule, DocumentNode, GraphQLSchema

_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
# What a parsed document holds in memory per token, measured: its text is the least of it.
TREE_BYTES_PER_TOKEN = 700
# Larger texts not seen before are parsed and checked off the event loop; the operations of an app and of
# GraphiQL are smaller, and cost a millisecond or two on the loop.
OFF_LOOP_BYTES = 4096


def validate_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: Sequence[type[ASTValidationRule]],
    *,
    hide_suggestions: bool,
) -> list[GraphQLError]:
    """graphql-core's validation with `rules`, each error coded."""
    return [
        error
        if error.extensions and "code" in error.extensions
        else GraphQLError(
            error.message,
            error.nodes,
            error.source,
            error.positions,
            extensions={**(error.extensions or {}), "code": _VALIDATION_FAILED},
        )
        for error in validate(schema, document, rules, hide_suggestions=hide_suggestions)
    ]


class DocumentCache:
    """One schema's limits and rules that do not depend on variables, and the documents parsed lately, with
    what those rules found in them, up to `cached_bytes` of their texts and parsed trees."""

    def __init__(
        self,
        *,
        shape: ShapeLimits,
        max_tokens: int,
        max_bytes: int,
        introspection: bool,
        cached_bytes: int,
    ) -> None:
        rules: list[type[ASTValidationRule]] = [
            *specified_rules,
            # the rules strawberry adds for its own input types
            MaybeNullValidationRule,
            OneOfInputValidationRule,
        ]
        if not introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self._rules = tuple(rules)
        # A schema that cannot be explored must not be explored through "Did you mean …?" either.
        self._hide_suggestions = not introspection
        self._shape = shape
        self._max_tokens = max_tokens
        self.max_bytes = max_bytes
        self._cached_bytes = cached_bytes
        self._held_bytes = 0
        # Keyed by the text, not the parsed document: texts that differ only in layout parse to equal
        # documents, yet their errors' lines and columns differ.
        self._documents: OrderedDict[str, tuple[DocumentNode, int]] = OrderedDict()
        self._errors: dict[str, tuple[GraphQLError, ...]] = {}
        # The budget's errors of documents whose page sizes are all literals: they need no variables.
        self._costs: dict[str, tuple[GraphQLError, ...]] = {}
        # Trusted documents (`schema.trusted`), parsed and validated when learnt, outside the budget: only
        # the operator adds them, never a request.
        self._pinned: dict[str, tuple[DocumentNode, tuple[GraphQLError, ...]]] = {}
        # One thread: large new documents wait for each other, not the loop for them, and the loop competes
        # for the interpreter with one thread only.
        self._worker: ThreadPoolExecutor | None = None

    def pin(self, schema: GraphQLSchema, query: str) -> None:
        """Parse and validate `query` now and keep both for as long as the process lives."""
        document = self.parse(query)
        self._pinned[query] = (document, self.errors(schema, query, document))

    def parse(self, query: str) -> DocumentNode:
        """`query` parsed, or a GraphQLError saying why it cannot be."""
        known = self._known(query)
        if known is not None:
            return known
        size = self._size(query)
        document = parse(query, max_tokens=self._max_tokens)
        self._remember(query, document, size)
        return document

    async def parse_and_check(
        self, schema: GraphQLSchema, query: str
    ) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
        """`query` parsed (or a GraphQLError saying why it cannot be) and the errors in it, a large text not
        seen before on the worker thread."""
        if self._known(query) is not None or len(query) <= OFF_LOOP_BYTES:
            document = self.parse(query)
            return document, self.errors(schema, query, document)
        size = self._size(query)
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphql-documents")
        document, errors = await asyncio.get_running_loop().run_in_executor(
            self._worker, self._parse_and_check, schema, query
        )
        self._remember(query, document, size)
        if query in self._documents:  # not when it alone is over the budget
            self._errors[query] = errors
        return document, errors

    def _parse_and_check(
        self, schema: GraphQLSchema, query: str
    ) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
        # Reads only the schema and this text: safe beside the loop.
        document = parse(query, max_tokens=self._max_tokens)
        return document, self._check(schema, document)

    def _known(self, query: str) -> DocumentNode | None:
        pinned = self._pinned.get(query)
        if pinned is not None:
            return pinned[0]
        known = self._documents.get(query)
        if known is None:
            return None
        self._documents.move_to_end(query)
        return known[0]

    def _size(self, query: str) -> int:
        size = len(query.encode(errors="replace"))
        if size > self.max_bytes:
            raise GraphQLError(
                f"The document is {size} bytes; the limit is {self.max_bytes}.",
                extensions={"code": "GRAPHQL_PARSE_FAILED"},
            )
        return size

    def _remember(self, query: str, document: DocumentNode, text_bytes: int) -> None:
        size = text_bytes + TREE_BYTES_PER_TOKEN * getattr(document, "token_count", 0)
        self._documents[query] = (document, size)
        self._held_bytes += size
        while self._held_bytes > self._cached_bytes and self._documents:
            evicted, (_, evicted_size) = self._documents.popitem(last=False)
            self._errors.pop(evicted, None)
            self._costs.pop(evicted, None)
            self._held_bytes -= evicted_size

    @property
    def held_bytes(self) -> int:
        """The bytes the cache holds now: its texts, and its parsed trees as estimated per token."""
        return self._held_bytes

    def errors(self, schema: GraphQLSchema, query: str, document: DocumentNode) -> tuple[GraphQLError, ...]:
        """The errors in `document`, which is `query` parsed: its shape's, else the rules'."""
        pinned = self._pinned.get(query)
        if pinned is not None:
            return pinned[1]
        found = self._errors.get(query)
        if found is None:
            found = self._check(schema, document)
            if query in self._documents:
                self._errors[query] = found
        return found

    def _check(self, schema: GraphQLSchema, document: DocumentNode) -> tuple[GraphQLError, ...]:
        return tuple(DocumentShape(document, self._shape).errors()) or tuple(
            validate_document(schema, document, self._rules, hide_suggestions=self._hide_suggestions)
        )

    def cost_errors(
        self,
        schema: GraphQLSchema,
        query: str,
        document: DocumentNode,
        variables: dict[str, Any],
        budget: int,
    ) -> tuple[GraphQLError, ...]:
        """The budget's errors for `document` (which is `query` parsed, and sound) with these variables."""
        found = self._costs.get(query)
        if found is None:
            errors, read_variables = cost_errors(schema, document, variables, budget)
            found = tuple(errors)
            if not read_variables and (query in self._documents or query in self._pinned):
                self._costs[query] = found
        return found


class CachedValidation(SchemaExtension):
    """Parses and validates each operation: the document and its errors from the cache, then the budget."""

    def __init__(self, documents: DocumentCache, *, budget: int) -> None:
        self._documents = documents
        self._budget = budget
        self._errors: tuple[GraphQLError, ...] = ()

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.query:
            # A GraphQLError raised here ends the operation; the schema codes it like any other error.
            document, self._errors = await self._documents.parse_and_check(
                context.schema._schema, context.query
            )
            context.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query, document = context.query, context.graphql_document
        # strawberry validates only a document it parsed from the query
        assert query is not None
        assert document is not None
        schema = context.schema._schema
        # set, so strawberry does not validate again; the budget is estimated only for a sound document
        variables = context.variables or {}
        context.pre_execution_errors = list(
            self._errors or self._documents.cost_errors(schema, query, document, variables, self._budget)
        )
        yield
