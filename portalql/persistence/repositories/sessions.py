"""Customer sessions (bearer tokens for one customer) and the one-time portal codes that lead to them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from portalql.persistence.credentials import (
    DEFAULT_PORTAL_SCOPES,
    TokenKind,
    hash_token,
    mint_customer_session_token,
    mint_portal_code,
    token_kind,
)
from portalql.persistence.models import CustomerSession, PortalLink, utcnow
from resolvers.principals import CustomerPrincipal, Scope

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime, timedelta

    from sqlalchemy.ext.asyncio import AsyncSession

    from stripe_gateway.records import PortalFlow


@dataclass(frozen=True)
class CreatedCustomerSession:
    """A new session: `token` is the only time the plaintext exists."""

    token: str
    principal: CustomerPrincipal


@dataclass(frozen=True)
class CreatedPortalLink:
    """A new portal link: `code` is the only time the plaintext exists."""

    code: str
    link: PortalLink


class PortalCodeProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    ALREADY_USED = "already_used"


_PROBLEM_MESSAGES = {
    PortalCodeProblem.UNKNOWN: "This billing portal link is not valid.",
    PortalCodeProblem.EXPIRED: "This billing portal link has expired. Please request a new one.",
    PortalCodeProblem.ALREADY_USED: (
        "This billing portal link has already been used. Please request a new one."
    ),
}


class PortalCodeRejectedError(Exception):
    """A portal code that cannot be redeemed; the message is fit to show to the customer."""

    def __init__(self, problem: PortalCodeProblem) -> None:
        super().__init__(_PROBLEM_MESSAGES[problem])
        self.problem = problem


async def create_customer_session(
    db: AsyncSession,
    *,
    customer_id: str,
    ttl: timedelta,
    scopes: Iterable[Scope] = DEFAULT_PORTAL_SCOPES,
    configuration_id: str | None = None,
    return_url: str | None = None,
    locale: str | None = None,
    portal_link_id: str | None = None,
    created_by_api_key_id: str | None = None,
    now: datetime | None = None,
) -> CreatedCustomerSession:
    now = now or utcnow()
    token = mint_customer_session_token()
    row = CustomerSession(
        token_hash=hash_token(token),
        customer_id=customer_id,
        scopes=sorted(scope.value for scope in scopes),
        configuration_id=configuration_id,
        portal_link_id=portal_link_id,
        return_url=return_url,
        locale=locale,
        created_at=now,
        expires_at=now + ttl,
        created_by_api_key_id=created_by_api_key_id,
    )
    db.add(row)
    await db.flush()
    return CreatedCustomerSession(token=token, principal=_principal(row))


async def authenticate_customer_session(
    db: AsyncSession, token: str, *, now: datetime | None = None
) -> CustomerPrincipal | None:
    """The principal for a live session, or None for an unknown, expired or revoked token."""
    if token_kind(token) is not TokenKind.CUSTOMER_SESSION:
        return None
    # The portal link that opened the session, if any, says which flow the page opens on and what follows it.
    found = (
        await db.execute(
            select(CustomerSession, PortalLink.flow)
            .outerjoin(PortalLink, PortalLink.id == CustomerSession.portal_link_id)
            .where(
                CustomerSession.token_hash == hash_token(token),
                CustomerSession.revoked_at.is_(None),
                CustomerSession.expires_at > (now or utcnow()),
            )
        )
    ).one_or_none()
    if found is None:
        return None
    row, flow = found
    return replace(_principal(row), flow=flow)


async def revoke_customer_session(db: AsyncSession, session_id: str, *, now: datetime | None = None) -> bool:
    """Revoke a session; False when there is no such unrevoked session."""
    revoked_id = await db.scalar(
        update(CustomerSession)
        .where(CustomerSession.id == session_id, CustomerSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
        .returning(CustomerSession.id)
    )
    return revoked_id is not None


async def create_portal_link(
    db: AsyncSession,
    *,
    customer_id: str,
    return_url: str,
    ttl: timedelta,
    created_by_api_key_id: str,
    scopes: Iterable[Scope] = DEFAULT_PORTAL_SCOPES,
    configuration_id: str | None = None,
    flow: PortalFlow | None = None,
    locale: str | None = None,
    now: datetime | None = None,
) -> CreatedPortalLink:
    now = now or utcnow()
    code = mint_portal_code()
    row = PortalLink(
        code_hash=hash_token(code),
        customer_id=customer_id,
        scopes=sorted(scope.value for scope in scopes),
        configuration_id=configuration_id,
        return_url=return_url,
        flow=flow,
        locale=locale,
        created_at=now,
        expires_at=now + ttl,
        created_by_api_key_id=created_by_api_key_id,
    )
    db.add(row)
    await db.flush()
    return CreatedPortalLink(code=code, link=row)


async def redeem_portal_code(
    db: AsyncSession, code: str, *, session_ttl: timedelta, now: datetime | None = None
) -> CreatedCustomerSession:
    """Exchange a portal code for a customer session, exactly once.

    Raises `PortalCodeRejectedError` for an unknown, expired or already used code.
    """
    now = now or utcnow()
    code_hash = hash_token(code)
    # One conditional UPDATE claims the code: of concurrent redemptions, the database lets exactly one
    # match `used_at IS NULL`, on PostgreSQL (row lock, then re-check) and SQLite (one writer) alike.
    portal_session = await db.scalar(
        update(PortalLink)
        .where(
            PortalLink.code_hash == code_hash,
            PortalLink.used_at.is_(None),
            PortalLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(PortalLink)
    )
    if portal_session is None:
        raise PortalCodeRejectedError(await _why_unredeemable(db, code_hash))
    created = await create_customer_session(
        db,
        customer_id=portal_session.customer_id,
        ttl=session_ttl,
        scopes=(Scope(scope) for scope in portal_session.scopes),
        configuration_id=portal_session.configuration_id,
        return_url=portal_session.return_url,
        locale=portal_session.locale,
        portal_link_id=portal_session.id,
        created_by_api_key_id=portal_session.created_by_api_key_id,
        now=now,
    )
    return replace(created, principal=replace(created.principal, flow=portal_session.flow))


async def _why_unredeemable(db: AsyncSession, code_hash: str) -> PortalCodeProblem:
    row = (
        await db.execute(select(PortalLink.used_at).where(PortalLink.code_hash == code_hash))
    ).one_or_none()
    if row is None:
        return PortalCodeProblem.UNKNOWN
    return PortalCodeProblem.EXPIRED if row.used_at is None else PortalCodeProblem.ALREADY_USED


def _principal(row: CustomerSession) -> CustomerPrincipal:
    return CustomerPrincipal(
        session_id=row.id,
        customer_id=row.customer_id,
        scopes=frozenset(Scope(scope) for scope in row.scopes),
        expires_at=row.expires_at,
        configuration_id=row.configuration_id,
        return_url=row.return_url,
        locale=row.locale,
    )
