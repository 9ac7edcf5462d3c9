"""`portalql documents load|check MANIFEST`: the trusted documents of a client, from the manifest its build
wrote, in either of the ecosystem's formats:

- GraphQL Code Generator's persisted documents (`persistedDocuments` of the client preset):
  `{"<sha256>": "<document>", …}`;
- Apollo's persisted query manifest: `{"format": "apollo-persisted-query-manifest", "version": 1,
  "operations": [{"id": "<sha256>", "name": …, "type": …, "body": "<document>"}, …]}`.

Every id must be the SHA-256 of its document, and every document must run against this schema within its
limits; a manifest with any problem is refused whole, so a load never trusts half a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from graphql import GraphQLError, OperationDefinitionNode, parse

from portalql.persistence.repositories.trusted_documents import store_trusted_documents, stored_document_ids
from schema import build_schema
from schema.protection import MAX_TOKENS
from schema.trusted import document_id_of

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.ext.asyncio import AsyncSession

    from portalql.settings import Settings

# A client has dozens of documents; a manifest this large is not one.
MAX_MANIFEST_BYTES = 5_000_000
MAX_DOCUMENTS = 1_000
_APOLLO_FORMAT = "apollo-persisted-query-manifest"


class ManifestError(ValueError):
    """A manifest that cannot be loaded; the message says why."""


@dataclass(frozen=True)
class ManifestDocument:
    document_id: str
    body: str
    operation_name: str | None


def read_manifest(path: Path) -> list[ManifestDocument]:
    """The manifest's documents, each id checked against its document's hash."""
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ManifestError(f"{path} is larger than {MAX_MANIFEST_BYTES} bytes")
    try:
        manifest = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise ManifestError(f"{path} is not JSON: {error}") from None
    pairs = _apollo_pairs(manifest) if _is_apollo(manifest) else _codegen_pairs(manifest)
    if len(pairs) > MAX_DOCUMENTS:
        raise ManifestError(f"{path} has {len(pairs)} documents; at most {MAX_DOCUMENTS} are loaded")
    documents = []
    for document_id, body in pairs:
        if document_id_of(body) != document_id.removeprefix("sha256:"):
            raise ManifestError(f"{document_id} is not the SHA-256 of its document")
        documents.append(ManifestDocument(document_id_of(body), body, _operation_name(body)))
    return documents


def _is_apollo(manifest: Any) -> bool:
    return isinstance(manifest, dict) and manifest.get("format") == _APOLLO_FORMAT


def _apollo_pairs(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    if manifest.get("version") != 1 or not isinstance(manifest.get("operations"), list):
        raise ManifestError("an Apollo manifest of version 1 lists its `operations`")
    pairs = []
    for operation in manifest["operations"]:
        if not (
            isinstance(operation, dict)
            and isinstance(operation.get("id"), str)
            and isinstance(operation.get("body"), str)
        ):
            raise ManifestError("each Apollo operation has a string `id` and `body`")
        pairs.append((operation["id"], operation["body"]))
    return pairs


def _codegen_pairs(manifest: Any) -> list[tuple[str, str]]:
    if not (isinstance(manifest, dict) and all(isinstance(value, str) for value in manifest.values())):
        raise ManifestError("a persisted-documents manifest maps each hash to its document's text")
    return list(manifest.items())


def _operation_name(body: str) -> str | None:
    try:
        definitions = parse(body, no_location=True, max_tokens=MAX_TOKENS).definitions
    except GraphQLError:
        return None  # `problems` says why
    for definition in definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    return None


def problems(settings: Settings, documents: list[ManifestDocument]) -> list[str]:
    """Why documents could not run here: the schema and limits the server runs with decide."""
    trusted = build_schema(introspection=settings.graphql_introspection).trusted_documents
    found = []
    for document in documents:
        refusal = trusted.refusal(document.body)
        if refusal is not None:
            found.append(f"{document.operation_name or document.document_id}: {refusal}")
    return found


async def load(db: AsyncSession, documents: list[ManifestDocument]) -> int:
    """Store the documents; returns how many were not stored yet."""
    return await store_trusted_documents(
        db, {document.document_id: (document.body, document.operation_name) for document in documents}
    )


async def missing(db: AsyncSession, documents: list[ManifestDocument]) -> list[ManifestDocument]:
    """The documents not stored yet."""
    stored = await stored_document_ids(db, [document.document_id for document in documents])
    return [document for document in documents if document.document_id not in stored]
