"""Finding sessions by what a caller holds: a customer session by id or token (to revoke it), a portal link
by its code (to open its flow, or to send the customer back from a link that no longer works)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from portalql.persistence.credentials import hash_token
from portalql.persistence.models import CustomerSession, PortalLink, utcnow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Revocation:
    session_id: str
    customer_id: str
    newly_revoked: bool


async def revoke_matching_session(
    db: AsyncSession,
    *,
    session_id: str | None = None,
    token: str | None = None,
    customer_id: str | None = None,
    now: datetime | None = None,
) -> Revocation | None:
    """Revoke the session with this id or token (of `customer_id` only, when given); None when none matches.

    Revoking a revoked session changes nothing and says so (`newly_revoked=False`), so a retry succeeds.
    """
    if (session_id is None) == (token is None):
        raise ValueError("give exactly one of session_id and token")
    query = select(CustomerSession).with_for_update()
    if session_id is not None:
        query = query.where(CustomerSession.id == session_id)
    else:
        query = query.where(CustomerSession.token_hash == hash_token(token or ""))
    if customer_id is not None:
        query = query.where(CustomerSession.customer_id == customer_id)
    row = await db.scalar(query)
    if row is None:
        return None
    newly_revoked = row.revoked_at is None
    if newly_revoked:
        row.revoked_at = now or utcnow()
    return Revocation(session_id=row.id, customer_id=row.customer_id, newly_revoked=newly_revoked)


async def find_portal_link(db: AsyncSession, code: str) -> PortalLink | None:
    """The portal link with this code, used or not, expired or not; None for an unknown code."""
    return await db.scalar(select(PortalLink).where(PortalLink.code_hash == hash_token(code)))
