"""Parsing and validation that cost two dictionary lookups for a document already seen, every limit applied.

graphql-core's rules and the limits on depth, aliases and introspection depend on the document alone: they
are built once per schema, and the parsed document and its errors are remembered per text. The cost
budget depends on the request's variables (`first: $n`), so it is estimated for every operation, in a pass
of its own.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import suppress
from functools import lru_cache
from typing import TYPE_CHECKING

from graphql import GraphQLError, parse, specified_rules
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document

from schema.cost import cost_errors

if TYPE_CHECKING:
    from collections.abc import Iterator

    from graphql import ASTValidationRule, DocumentNode, GraphQLSchema


class DocumentCache:
    """One schema's rules that do not depend on variables, built once, and the last `maxsize` texts
    parsed, with the errors those rules found in them."""

    def __init__(self, *, max_depth: int, max_aliases: int, introspection: bool, maxsize: int) -> None:
        rules: list[type[ASTValidationRule]] = [
            *specified_rules,
            # strawberry's limiters as rules, the same messages, without an extension per operation
            *QueryDepthLimiter(max_depth=max_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
        ]
        if not introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self._rules = tuple(rules)
        self.parse = lru_cache(maxsize=maxsize)(parse)
        self._maxsize = maxsize
        # Keyed by the text, not the parsed document: texts that differ only in layout parse to equal
        # documents, yet their errors' lines and columns differ.
        self._errors: OrderedDict[str, tuple[GraphQLError, ...]] = OrderedDict()

    def errors(self, schema: GraphQLSchema, query: str, document: DocumentNode) -> tuple[GraphQLError, ...]:
        """The errors in `document`, which is `query` parsed."""
        found = self._errors.get(query)
        if found is not None:
            self._errors.move_to_end(query)
            return found
        # strawberry's own validation: these rules and the ones strawberry adds for its input types
        found = tuple(validate_document(schema, document, self._rules))
        self._errors[query] = found
        if len(self._errors) > self._maxsize:
            self._errors.popitem(last=False)
        return found


class CachedValidation(SchemaExtension):
    """Parses and validates each operation: the document and its errors from the cache, then the budget."""

    def __init__(self, documents: DocumentCache, *, budget: int) -> None:
        self._documents = documents
        self._budget = budget

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            # A text that does not parse is left to strawberry, whose own parse reports the syntax error
            # inside the operation (so it gets its code); raised here, it would escape the operation.
            with suppress(GraphQLError):
                context.graphql_document = self._documents.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query, document = context.query, context.graphql_document
        # strawberry validates only a document it parsed from the query
        assert query is not None
        assert document is not None
        schema = context.schema._schema
        context.pre_execution_errors = [  # set, so strawberry does not validate again
            *self._documents.errors(schema, query, document),
            *cost_errors(schema, document, context.variables or {}, self._budget),
        ]
        yield
