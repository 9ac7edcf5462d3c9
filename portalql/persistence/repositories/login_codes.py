"""Sign-in requests of the login page: their codes and links (hashed), their limits and their use.

A code is six digits, so it is hashed with scrypt salted by its request's id, and a request accepts at most
`MAX_FAILED_ATTEMPTS` wrong codes: guessing within its lifetime has a chance of 5 in a million. The row is
locked while it is checked, so a code or link signs in once even when two requests race.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from portalql.persistence.credentials import hash_token
from portalql.persistence.models import LoginCode, utcnow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

MAX_FAILED_ATTEMPTS = 5
RATE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class IssuedLogin:
    """A new sign-in request: its public id (the code form names it), and the code and link token to mail."""

    id: str
    code: str
    link_token: str


def _code_hash(login_id: str, code: str) -> str:
    return hashlib.scrypt(code.encode(), salt=login_id.encode(), n=2**12, r=8, p=1).hex()


async def requests_since(db: AsyncSession, *, email: str, client_ip: str | None) -> tuple[int, int]:
    """How many sign-ins this email, and this client IP, asked for within the rate window."""
    since = utcnow() - RATE_WINDOW
    by_email = await db.scalar(
        select(func.count())
        .select_from(LoginCode)
        .where(LoginCode.email == email, LoginCode.created_at > since)
    )
    by_ip = (
        await db.scalar(
            select(func.count())
            .select_from(LoginCode)
            .where(LoginCode.client_ip == client_ip, LoginCode.created_at > since)
        )
        if client_ip
        else 0
    )
    return int(by_email or 0), int(by_ip or 0)


async def issue_login(
    db: AsyncSession, *, email: str, client_ip: str | None, configuration_id: str | None, ttl: timedelta
) -> IssuedLogin:
    login_id = f"pqlc_{secrets.token_urlsafe(18)}"
    code = f"{secrets.randbelow(1_000_000):06d}"
    link_token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        LoginCode(
            id=login_id,
            email=email,
            client_ip=client_ip,
            configuration_id=configuration_id,
            customers=[],
            code_hash=_code_hash(login_id, code),
            link_hash=hash_token(link_token),
            failed_attempts=0,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await db.flush()
    return IssuedLogin(login_id, code, link_token)


async def record_customers(db: AsyncSession, login_id: str, customers: list[dict[str, str]]) -> None:
    row = await db.get(LoginCode, login_id)
    if row is not None:
        row.customers = customers


def _usable(row: LoginCode | None, now: datetime) -> LoginCode | None:
    if row is None or row.used_at is not None or row.expires_at <= now or not row.customers:
        return None
    return row if row.failed_attempts < MAX_FAILED_ATTEMPTS else None


async def redeem_code(db: AsyncSession, login_id: str, code: str) -> LoginCode | None:
    """The request, used up, when `code` is its code; None (and one failed attempt more) otherwise."""
    now = utcnow()
    row = _usable(await db.get(LoginCode, login_id, with_for_update=True), now)
    if row is None:
        return None
    if not hmac.compare_digest(row.code_hash, _code_hash(login_id, code)):
        row.failed_attempts += 1
        return None
    row.used_at = now
    return row


async def peek_link(db: AsyncSession, link_token: str) -> LoginCode | None:
    """The request a mailed link belongs to, while it can still sign in (opening it changes nothing)."""
    found = await db.scalar(select(LoginCode).where(LoginCode.link_hash == hash_token(link_token)))
    return _usable(found, utcnow())


async def redeem_link(db: AsyncSession, link_token: str) -> LoginCode | None:
    now = utcnow()
    found = await db.scalar(
        select(LoginCode).where(LoginCode.link_hash == hash_token(link_token)).with_for_update()
    )
    row = _usable(found, now)
    if row is not None:
        row.used_at = now
    return row


async def offer_choice(db: AsyncSession, row: LoginCode) -> str:
    """A token to pick one of the request's customers with (an email several customers share)."""
    token = secrets.token_urlsafe(24)
    row.choice_hash = hash_token(token)
    await db.flush()
    return token


async def redeem_choice(db: AsyncSession, login_id: str, token: str, customer_id: str) -> LoginCode | None:
    row = await db.get(LoginCode, login_id, with_for_update=True)
    now = utcnow()
    if row is None or row.choice_hash is None or row.expires_at <= now:
        return None
    if not hmac.compare_digest(row.choice_hash, hash_token(token)):
        return None
    if customer_id not in {customer["id"] for customer in row.customers}:
        return None
    row.choice_hash = None
    return row
