from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from portalql.persistence.credentials import (
    DEFAULT_PORTAL_SCOPES,
    CustomerPrincipal,
    Scope,
    TokenKind,
    api_key_display_prefix,
    hash_token,
    mint_api_key,
    mint_customer_session_token,
    mint_portal_code,
    token_kind,
)

# 43 base62 characters carry just over 256 bits.
SECRET = r"[A-Za-z0-9]{43}"


def test_minted_tokens_have_their_prefix_and_256_random_bits() -> None:
    assert re.fullmatch(f"pq_test_{SECRET}", mint_api_key(livemode=False))
    assert re.fullmatch(f"pq_live_{SECRET}", mint_api_key(livemode=True))
    assert re.fullmatch(f"pqs_{SECRET}", mint_customer_session_token())
    assert re.fullmatch(SECRET, mint_portal_code())


def test_minted_tokens_do_not_repeat() -> None:
    assert len({mint_customer_session_token() for _ in range(1000)}) == 1000


def test_hash_is_hex_sha256_and_deterministic() -> None:
    assert hash_token("pqs_abc") == hash_token("pqs_abc")
    assert hash_token("pqs_abc") != hash_token("pqs_abd")
    assert hash_token("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_display_prefix_keeps_the_mode_and_four_characters() -> None:
    assert api_key_display_prefix("pq_test_Ab3xRest") == "pq_test_Ab3x"
    assert api_key_display_prefix("pq_live_Zz90Rest") == "pq_live_Zz90"


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("pq_test_abc", TokenKind.API_KEY),
        ("pq_live_abc", TokenKind.API_KEY),
        ("pqs_abc", TokenKind.CUSTOMER_SESSION),
        ("sk_test_abc", None),
        ("", None),
    ],
)
def test_token_kind_is_read_from_the_prefix(token: str, kind: TokenKind | None) -> None:
    assert token_kind(token) is kind


def test_scopes_use_their_wire_names_and_portal_sessions_cannot_read_the_audit_trail() -> None:
    assert Scope("subscriptions:write") is Scope.SUBSCRIPTIONS_WRITE
    assert {scope.value for scope in DEFAULT_PORTAL_SCOPES} == {
        "subscriptions:read",
        "subscriptions:write",
        "invoices:read",
        "invoices:write",
        "payment_methods:read",
        "payment_methods:write",
        "customer:read",
        "customer:write",
        "usage:read",
        "credits:read",
    }


def test_customer_principal_allows_only_its_scopes() -> None:
    principal = CustomerPrincipal(
        session_id="pqcs_1",
        customer_id="cus_A",
        scopes=frozenset({Scope.INVOICES_READ}),
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
        configuration_id=None,
        return_url=None,
        locale=None,
    )

    assert principal.allows(Scope.INVOICES_READ)
    assert not principal.allows(Scope.SUBSCRIPTIONS_WRITE)
