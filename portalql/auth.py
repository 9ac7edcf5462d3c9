"""Authentication: the `Authorization` header of a request → the principal its bearer token stands for.

A browser on the hosted portal presents its customer session as the `portalql_session` cookie instead.
Browsers attach cookies to cross-site requests too, so the cookie counts only on requests that also carry
the `X-PortalQL-CSRF` header: another site cannot add a custom header without a CORS preflight, which this
service never approves. That holds behind any proxy (an Origin check would depend on the public URL being
configured exactly) and covers queries as well as mutations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from portalql.credentials import TokenKind, token_kind
from portalql.repositories.api_keys import authenticate_api_key
from portalql.repositories.sessions import authenticate_customer_session

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from portalql.db import Database
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


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; "" for any other non-empty header."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != _BEARER:
        return ""
    return token.strip()


async def authenticate(
    database: Database, authorization: str | None, *, now: datetime | None = None
) -> Authentication:
    """Resolve the header in one short transaction (an API key's use is recorded in it).

    An unknown, malformed, expired or revoked token is `REJECTED`, never downgraded to anonymous silently:
    the caller marks the response so that a client can tell "log in again" from "not logged in".
    """
    token = bearer_token(authorization)
    if token is None:
        return ANONYMOUS
    kind = token_kind(token)
    if kind is None:
        return REJECTED
    principal: Principal | None
    async with database.session() as session:
        if kind is TokenKind.API_KEY:
            principal = await authenticate_api_key(session, token, now=now)
        else:
            principal = await authenticate_customer_session(session, token, now=now)
    return REJECTED if principal is None else Authentication(principal=principal)


async def authenticate_request(
    database: Database, headers: Mapping[str, str], cookies: Mapping[str, str]
) -> Authentication:
    """The `Authorization` header when there is one, otherwise the session cookie (with the CSRF header)."""
    authorization = headers.get("authorization")
    cookie = cookies.get(SESSION_COOKIE)
    if (authorization is not None and authorization.strip()) or cookie is None:
        return await authenticate(database, authorization)
    if not headers.get(CSRF_HEADER) or token_kind(cookie) is not TokenKind.CUSTOMER_SESSION:
        return REJECTED
    return await authenticate(database, f"Bearer {cookie}")
