"""Bearer credentials: minting and hashing tokens, scopes, and the principals a token stands for.

Only SHA-256 hashes of tokens are stored. The tokens carry 256 random bits, so a fast hash is enough:
there is nothing to brute-force. Lookups go through a unique index on the hash, so no secret is ever
compared byte by byte in Python.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

_ALPHABET = string.ascii_letters + string.digits
# 43 characters of base62 carry 256 bits; letters and digits only, so a double click selects a whole token.
_SECRET_LENGTH = 43

TEST_API_KEY_PREFIX = "pq_test_"
LIVE_API_KEY_PREFIX = "pq_live_"
CUSTOMER_SESSION_PREFIX = "pqs_"
# How much of an API key's secret part is kept in clear to tell keys apart in listings.
_DISPLAY_CHARS = 4


class TokenKind(StrEnum):
    API_KEY = "api_key"
    CUSTOMER_SESSION = "customer_session"


class Scope(StrEnum):
    """What a customer session may do, on its own customer only."""

    SUBSCRIPTIONS_READ = "subscriptions:read"
    SUBSCRIPTIONS_WRITE = "subscriptions:write"
    INVOICES_READ = "invoices:read"
    PAYMENT_METHODS_READ = "payment_methods:read"
    PAYMENT_METHODS_WRITE = "payment_methods:write"
    CUSTOMER_READ = "customer:read"
    CUSTOMER_WRITE = "customer:write"
    AUDIT_READ = "audit:read"


# A portal session manages billing; reading the audit trail has to be granted explicitly.
DEFAULT_PORTAL_SCOPES: frozenset[Scope] = frozenset(Scope) - {Scope.AUDIT_READ}


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """The product's backend, authenticated by an API key: may act for any customer."""

    key_id: str
    name: str
    livemode: bool


@dataclass(frozen=True)
class CustomerPrincipal:
    """One customer, authenticated by a customer session token: limited to its own data and scopes."""

    session_id: str
    customer_id: str
    scopes: frozenset[Scope]
    expires_at: datetime
    configuration_id: str | None
    return_url: str | None
    locale: str | None

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes


Principal = ApiKeyPrincipal | CustomerPrincipal


def _random_secret() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(_SECRET_LENGTH))


def mint_api_key(*, livemode: bool) -> str:
    return (LIVE_API_KEY_PREFIX if livemode else TEST_API_KEY_PREFIX) + _random_secret()


def mint_customer_session_token() -> str:
    return CUSTOMER_SESSION_PREFIX + _random_secret()


def mint_portal_code() -> str:
    """A one-time code for a portal URL (`/portal/s/<code>`)."""
    return _random_secret()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_key_display_prefix(api_key: str) -> str:
    """The part of a key that may be shown to humans, such as `pq_test_Ab3x`."""
    mode_prefix = LIVE_API_KEY_PREFIX if api_key.startswith(LIVE_API_KEY_PREFIX) else TEST_API_KEY_PREFIX
    return api_key[: len(mode_prefix) + _DISPLAY_CHARS]


def token_kind(token: str) -> TokenKind | None:
    """Which credential a bearer token claims to be, from its prefix alone; None for anything else."""
    if token.startswith((TEST_API_KEY_PREFIX, LIVE_API_KEY_PREFIX)):
        return TokenKind.API_KEY
    if token.startswith(CUSTOMER_SESSION_PREFIX):
        return TokenKind.CUSTOMER_SESSION
    return None
