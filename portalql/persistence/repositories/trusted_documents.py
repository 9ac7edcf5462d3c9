"""The trusted documents (see `TrustedDocument`): stored once by hash, read by hash or all at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from portalql.persistence.models import TrustedDocument, utcnow

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from sqlalchemy.ext.asyncio import AsyncSession


async def trusted_document_body(db: AsyncSession, document_id: str) -> str | None:
    body: str | None = await db.scalar(
        select(TrustedDocument.body).where(TrustedDocument.document_id == document_id)
    )
    return body


async def all_trusted_documents(db: AsyncSession) -> dict[str, str]:
    rows = await db.execute(select(TrustedDocument.document_id, TrustedDocument.body))
    return dict(rows.all())


async def stored_document_ids(db: AsyncSession, document_ids: Collection[str]) -> frozenset[str]:
    """Those of `document_ids` that are stored."""
    rows = await db.scalars(
        select(TrustedDocument.document_id).where(TrustedDocument.document_id.in_(document_ids))
    )
    return frozenset(rows)


async def store_trusted_documents(db: AsyncSession, documents: Mapping[str, tuple[str, str | None]]) -> int:
    """Store `{document_id: (body, operation_name)}`; ids already stored are left as they are (an id is
    the hash of its body, so theirs is the same). Returns how many were new."""
    if not documents:
        return 0
    known = await stored_document_ids(db, list(documents))
    now = utcnow()
    rows = [
        {"document_id": document_id, "body": body, "operation_name": name, "loaded_at": now}
        for document_id, (body, name) in sorted(documents.items())
        if document_id not in known
    ]
    if rows:
        insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
        await db.execute(insert(TrustedDocument).values(rows).on_conflict_do_nothing())
    return len(rows)
