"""Bearer credentials: minting and hashing tokens, and the scopes a portal session grants.

The principals a token stands for, and the scope names, are defined once in `resolvers.principals`
(the resolvers authorize with them) and re-exported here.

Only SHA-256 hashes of tokens are stored. The tokens carry 256 random bits, so a fast hash is enough:
there is nothing to brute-force. Lookups go through a unique index on the hash, so no secret is ever
compared byte by byte in Python.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from enum import StrEnum

from resolvers.principals import ApiKeyPrincipal, CustomerPrincipal, Principal, Scope

__all__ = [
    "CUSTOMER_SESSION_PREFIX",
    "DEFAULT_PORTAL_SCOPES",
    "LIVE_API_KEY_PREFIX",
    "TEST_API_KEY_PREFIX",
    "ApiKeyPrincipal",
    "CustomerPrincipal",
    "Principal",
    "Scope",
    "TokenKind",
    "api_key_display_prefix",
    "hash_token",
    "mint_api_key",
    "mint_customer_session_token",
    "mint_portal_code",
    "token_kind",
]

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


# A portal session manages billing; reading the audit trail has to be granted explicitly.
DEFAULT_PORTAL_SCOPES: frozenset[Scope] = frozenset(Scope) - {Scope.AUDIT_READ}


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
