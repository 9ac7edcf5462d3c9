"""Trusted documents: the operations an application's client was built with, named by their text's SHA-256.

A client sends the hash instead of the text, as `documentId` (GraphQL Code Generator's persisted documents,
GraphQL over HTTP's proposal, bare or as `sha256:<hex>`) or as APQ's `extensions.persistedQuery.sha256Hash`.
A process learns a document from the operator's store (`portalql documents load`) when it starts or when a
request first names it, and parses and validates it then, once: the parsed tree and its (absent) errors are
pinned in the document cache, so no request naming it parses or validates again. Documents are never learnt
from requests (APQ's registration), which is what makes them trusted.

With `sessions_trusted_only`, every caller but an API key (customer sessions, by bearer token or cookie, and
callers with no credential) may run only trusted documents, by hash or by identical text: a public client
then cannot send the server a document of its own making. API keys, the product's backend, may send any.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.principals import ApiKeyPrincipal

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

    from graphql import GraphQLSchema

    from schema.validation import DocumentCache

logger = logging.getLogger(__name__)

# The codes Apollo's clients and router use, so that their links react as they do to Apollo's servers.
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"

_DOCUMENT_ID = re.compile(r"(?:sha256:)?([0-9a-f]{64})")


def document_id_of(text: str) -> str:
    """The id a document's text is trusted under: the hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode()).hexdigest()


def requested_document_id(extensions: Mapping[str, Any] | None) -> str | None:
    """The hash a request names instead of a text (the HTTP layer moves `documentId` among its extensions),
    or None when it names none. A value that is no SHA-256 is refused as an unknown one, before any lookup."""
    if not extensions:
        return None
    value = extensions.get("documentId")
    if value is None:
        persisted = extensions.get("persistedQuery")
        value = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if value is None:
            return None
    match = _DOCUMENT_ID.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _refusal(NOT_FOUND, "The document id is not a SHA-256 hash of a trusted document.")
    return match.group(1)


class TrustedDocuments:
    """The trusted documents this process has learnt, and how it learns others from the operator's store."""

    def __init__(
        self,
        documents: DocumentCache,
        *,
        sessions_trusted_only: bool = False,
        lookup: Callable[[str], Awaitable[str | None]] | None = None,
    ) -> None:
        self._documents = documents
        self.sessions_trusted_only = sessions_trusted_only
        self._lookup = lookup
        self._schema: GraphQLSchema | None = None
        self._texts: dict[str, str] = {}
        # The very strings of `_texts`, so that a text named by hash is found here (and in the document
        # cache) by identity, without hashing it again.
        self._trusted: set[str] = set()

    def bind(self, schema: GraphQLSchema, lookup: Callable[[str], Awaitable[str | None]] | None) -> None:
        """Use `schema` to validate what is learnt, and `lookup` to find a document by id in the store."""
        self._schema = schema
        if lookup is not None:
            self._lookup = lookup

    def learn(self, documents: Mapping[str, str]) -> None:
        """Trust `{document_id: text}`, parsing and validating each text now. A text whose id is not its hash
        is skipped: the store is the operator's, but a wrong row must not make another text trusted."""
        assert self._schema is not None, "bind the schema first"
        for document_id, text in documents.items():
            if document_id in self._texts or document_id_of(text) != document_id:
                continue
            try:
                self._documents.pin(self._schema, text)
            except GraphQLError as error:
                # Loading refuses such texts; only limits lowered since can make a stored one unparseable.
                logger.warning("trusted document %s cannot be parsed: %s", document_id, error.message)
                continue
            self._texts[document_id] = text
            self._trusted.add(text)

    def refusal(self, text: str) -> str | None:
        """Why this schema could not run `text` (too large, unparseable, invalid), or None."""
        assert self._schema is not None, "bind the schema first"
        try:
            document = self._documents.parse(text)
        except GraphQLError as error:
            return error.message
        errors = self._documents.errors(self._schema, text, document)
        return "; ".join(error.message for error in errors) or None

    def is_trusted(self, text: str) -> bool:
        return text in self._trusted

    async def text_of(self, document_id: str) -> str:
        """The trusted text with this id, learnt from the store on first use; refused when there is none."""
        text = self._texts.get(document_id)
        if text is None and self._lookup is not None:
            stored = await self._lookup(document_id)
            if stored is not None:
                self.learn({document_id: stored})
                text = self._texts.get(document_id)
        if text is None:
            raise _refusal(NOT_FOUND, f"No trusted document has the id {document_id}.")
        return text


def _refusal(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class TrustedDocumentGate(SchemaExtension):
    """Puts the trusted text in place of a hash before parsing, and refuses what the caller may not run."""

    def __init__(self, trusted: TrustedDocuments) -> None:
        self._trusted = trusted

    async def on_operation(self) -> AsyncIterator[None]:
        context = self.execution_context
        document_id = requested_document_id(context.operation_extensions)
        if document_id is not None:
            if context.query is None:
                context.query = await self._trusted.text_of(document_id)
            elif document_id_of(context.query) != document_id:
                raise _refusal(HASH_MISMATCH, "The document id is not the SHA-256 hash of the document sent.")
        if (
            self._trusted.sessions_trusted_only
            and context.query is not None
            and not isinstance(context.context.request_context.principal, ApiKeyPrincipal)
            and not self._trusted.is_trusted(context.query)
        ):
            raise _refusal(
                NOT_IN_LIST, "Customer sessions may run only trusted documents; send a trusted document's id."
            )
        yield
