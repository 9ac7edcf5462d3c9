"""Accepted tokens are trusted for `auth_cache_seconds`; a revocation through this instance ends one now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from portalql.persistence.repositories.session_admin import revoke_matching_session
from portalql.web.app import create_app
from portalql.web.auth import RecentCredentials
from resolvers.principals import ApiKeyPrincipal, CustomerPrincipal
from tests.fixtures.app import app_settings, client_for, error_codes, graphql

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens

VIEWER = "{ viewer { kind } }"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def session_principal(expires_at: datetime) -> CustomerPrincipal:
    return CustomerPrincipal(
        session_id="pqcs_1",
        customer_id="cus_1",
        scopes=frozenset(),
        expires_at=expires_at,
        configuration_id=None,
        return_url=None,
        locale=None,
    )


API_KEY = ApiKeyPrincipal(key_id="pqk_1", name="backend", livemode=False)


def test_an_entry_is_trusted_for_the_ttl_only() -> None:
    clock = Clock()
    recent = RecentCredentials(5.0, clock=clock)
    recent.put("hash", API_KEY)

    clock.now += 4.9
    within = recent.get("hash", now=NOW)
    clock.now += 0.1
    after = recent.get("hash", now=NOW)

    assert within == API_KEY
    assert after is None


def test_a_session_expiring_within_the_ttl_is_not_trusted_past_its_expiry() -> None:
    recent = RecentCredentials(60.0, clock=Clock())
    recent.put("hash", session_principal(expires_at=NOW + timedelta(seconds=1)))

    assert recent.get("hash", now=NOW) is not None
    assert recent.get("hash", now=NOW + timedelta(seconds=1)) is None


def test_clear_forgets_every_entry_and_a_zero_ttl_keeps_none() -> None:
    recent = RecentCredentials(5.0, clock=Clock())
    disabled = RecentCredentials(0.0, clock=Clock())
    recent.put("hash", API_KEY)
    disabled.put("hash", API_KEY)

    recent.clear()

    assert recent.get("hash", now=NOW) is None
    assert disabled.get("hash", now=NOW) is None


def test_the_least_recently_stored_entry_goes_first_when_full() -> None:
    recent = RecentCredentials(5.0, max_entries=2, clock=Clock())
    for token_hash in ("a", "b", "c"):
        recent.put(token_hash, API_KEY)

    assert [recent.get(h, now=NOW) for h in ("a", "b", "c")] == [None, API_KEY, API_KEY]


@pytest.mark.parametrize(("cache_seconds", "accepted_after"), [(5.0, True), (0.0, False)])
async def test_a_revocation_made_elsewhere_takes_effect_within_the_cache_window(
    gateway: StripeGateway,
    database: Database,
    tokens: Tokens,
    customer_a: str,
    cache_seconds: float,
    *,
    accepted_after: bool,
) -> None:
    app = create_app(app_settings(auth_cache_seconds=cache_seconds), gateway=gateway, database=database)
    token = await tokens.customer_session(customer_a)

    async with client_for(app) as api:
        before = await graphql(api, VIEWER, token=token)
        # As another instance or `portalql` on the command line would: in the database, not through this app.
        async with database.session() as db:
            assert await revoke_matching_session(db, token=token) is not None
        after = await graphql(api, VIEWER, token=token)

    assert before == {"data": {"viewer": {"kind": "CUSTOMER_SESSION"}}}
    if accepted_after:
        assert after == before
    else:
        assert error_codes(after) == ["UNAUTHENTICATED"]


async def test_a_revocation_through_the_api_ends_a_trusted_token_at_once(
    gateway: StripeGateway, database: Database, tokens: Tokens, customer_a: str
) -> None:
    app = create_app(app_settings(auth_cache_seconds=3600), gateway=gateway, database=database)
    session_token = await tokens.customer_session(customer_a)
    api_key = await tokens.api_key()
    revoke = "mutation($t: String!) { revokeCustomerSession(input: {token: $t}) { userErrors { code } } }"

    async with client_for(app) as api:
        before = await graphql(api, VIEWER, token=session_token)
        revoked = await graphql(api, revoke, {"t": session_token}, token=api_key)
        after = await graphql(api, VIEWER, token=session_token)

    assert before == {"data": {"viewer": {"kind": "CUSTOMER_SESSION"}}}
    assert revoked == {"data": {"revokeCustomerSession": {"userErrors": []}}}
    assert error_codes(after) == ["UNAUTHENTICATED"]
