"""Authentication: the `Authorization` header of a request → the principal its bearer token stands for.

A browser on the hosted portal presents its customer session as the `portalql_session` cookie instead.
Browsers attach cookies to cross-site requests too, so the cookie counts only on requests that also carry
the `X-PortalQL-CSRF` header: another site cannot add a custom header without a CORS preflight, which this
service never approves. That holds behind any proxy (an Origin check would depend on the public URL being
configured exactly) and covers queries as well as mutations.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portalql.observability.metrics import CUSTOMER_SESSIONS
from portalql.persistence.credentials import TokenKind, hash_token, token_kind
from portalql.persistence.models import utcnow
from portalql.persistence.repositories.api_keys import authenticate_api_key
from portalql.persistence.repositories.sessions import authenticate_customer_session
from resolvers.principals import CustomerPrincipal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from datetime import datetime

    from portalql.persistence.db import Database
    from resolvers.principals import Principal

_BEARER = "bearer"
SESSION_COOKIE = "portalql_session"
CSRF_HEADER = "X-PortalQL-CSRF"


@dataclass(frozen=True)
class Authentication:
    """The outcome for one request: who is calling, and whether a credential was presented and refused."""

    principal: Principal | None
    rejected: bool = False


ANONYMOUS = Authentication(principal=None)
REJECTED = Authentication(principal=None, rejected=True)


class RecentCredentials:
    """The principals of tokens accepted in the last `ttl_seconds`, so a burst of requests reads the database
    once instead of once each.

    A revocation made through this process forgets every entry at once, and with Redis it is announced to
    every other process, which forget theirs (`portalql.web.revocations`); while that announcement could be
    missed (Redis unreachable) nothing is cached. One made where it is not announced (`portalql keys
    revoke`, an instance without Redis) takes effect here within `ttl_seconds`; 0 turns the cache off. A
    session's own expiry always counts, and refused tokens are never cached.
    """

    def __init__(
        self, ttl_seconds: float, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        # Keyed by the token's hash, as the database is: the process never keeps a token it was sent.
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._announce: Callable[[], Awaitable[None]] | None = None
        self._suspended = False
        # Set (and replaced) each time everything is forgotten (a revocation, here or announced): whoever
        # holds a credential for long (a live socket) waits on it to check the credential again at once.
        self._forgotten = asyncio.Event()

    def get(self, token_hash: str, *, now: datetime) -> Principal | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        valid_until, principal = entry
        if valid_until <= self._clock() or (
            isinstance(principal, CustomerPrincipal) and principal.expires_at <= now
        ):
            del self._entries[token_hash]
            return None
        return principal

    def put(self, token_hash: str, principal: Principal) -> None:
        if self._ttl <= 0 or self._suspended:
            return
        self._entries[token_hash] = (self._clock() + self._ttl, principal)
        self._entries.move_to_end(token_hash)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
        self._forgotten.set()
        self._forgotten = asyncio.Event()

    async def forgotten(self) -> None:
        """Return once everything is next forgotten."""
        await self._forgotten.wait()

    async def revoked(self) -> None:
        """A credential was revoked through this process: forget everything here, and tell the others."""
        self.clear()
        if self._announce is not None:
            await self._announce()

    def announce_with(self, announce: Callable[[], Awaitable[None]] | None) -> None:
        self._announce = announce

    def suspend(self) -> None:
        """Cache nothing (and forget what is cached) until `resume`: revocations could be missed."""
        self._suspended = True
        self.clear()

    def resume(self) -> None:
        self._suspended = False


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; "" for any other non-empty header."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != _BEARER:
        return ""
    return token.strip()


async def authenticate(
    database: Database,
    authorization: str | None,
    *,
    recent: RecentCredentials | None = None,
    now: datetime | None = None,
) -> Authentication:
    """Resolve the header from `recent`, or else in one short transaction (which records an API key's use).

    An unknown, malformed, expired or revoked token is `REJECTED`, never downgraded to anonymous silently:
    the caller marks the response so that a client can tell "log in again" from "not logged in".
    """
    token = bearer_token(authorization)
    if token is None:
        return ANONYMOUS
    kind = token_kind(token)
    if kind is None:
        return REJECTED
    now = now or utcnow()
    token_hash = hash_token(token)
    principal = recent.get(token_hash, now=now) if recent is not None else None
    if principal is not None:
        return Authentication(principal=principal)
    async with database.session() as session:
        if kind is TokenKind.API_KEY:
            principal = await authenticate_api_key(session, token, now=now)
        else:
            principal = await authenticate_customer_session(session, token, now=now)
    if principal is None:
        if kind is TokenKind.CUSTOMER_SESSION:
            CUSTOMER_SESSIONS.labels("rejected").inc()
        return REJECTED
    if recent is not None:
        recent.put(token_hash, principal)
    return Authentication(principal=principal)


async def authenticate_request(
    database: Database,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
    *,
    recent: RecentCredentials | None = None,
) -> Authentication:
    """The `Authorization` header when there is one, otherwise the session cookie (with the CSRF header)."""
    authorization = headers.get("authorization")
    cookie = cookies.get(SESSION_COOKIE)
    if (authorization is not None and authorization.strip()) or cookie is None:
        return await authenticate(database, authorization, recent=recent)
    if not headers.get(CSRF_HEADER) or token_kind(cookie) is not TokenKind.CUSTOMER_SESSION:
        CUSTOMER_SESSIONS.labels("rejected").inc()
        return REJECTED
    return await authenticate(database, f"Bearer {cookie}", recent=recent)
