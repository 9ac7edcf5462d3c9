from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select, text

from portalql.persistence.credentials import DEFAULT_PORTAL_SCOPES, CustomerPrincipal, Scope, hash_token
from portalql.persistence.models import CustomerSession, PortalLink, utcnow
from portalql.persistence.repositories.api_keys import create_api_key
from portalql.persistence.repositories.sessions import (
    CreatedCustomerSession,
    PortalCodeProblem,
    PortalCodeRejectedError,
    authenticate_customer_session,
    create_customer_session,
    create_portal_link,
    redeem_portal_code,
    revoke_customer_session,
)
from stripe_gateway.records import PortalFlow, PortalFlowType

if TYPE_CHECKING:
    from datetime import datetime

    from portalql.persistence.db import Database

HOUR = timedelta(hours=1)
PORTAL_LINK_TTL = timedelta(minutes=15)


async def _api_key_id(database: Database) -> str:
    async with database.session() as db:
        return (await create_api_key(db, name="backend", livemode=False)).key.id


async def _portal_code(database: Database, *, now: datetime | None = None, customer_id: str = "cus_A") -> str:
    api_key_id = await _api_key_id(database)
    async with database.session() as db:
        created = await create_portal_link(
            db,
            customer_id=customer_id,
            return_url="https://app.example.com/billing",
            ttl=PORTAL_LINK_TTL,
            created_by_api_key_id=api_key_id,
            configuration_id="bpc_123",
            flow=PortalFlow(type=PortalFlowType.PAYMENT_METHOD_UPDATE),
            locale="fr",
            now=now,
        )
    return created.code


async def _redeem(database: Database, code: str, *, now: datetime | None = None) -> CreatedCustomerSession:
    async with database.session() as db:
        return await redeem_portal_code(db, code, session_ttl=HOUR, now=now)


async def _customer_sessions_count(database: Database) -> int:
    async with database.session() as db:
        return await db.scalar(select(func.count()).select_from(CustomerSession)) or 0


async def test_customer_session_authenticates_until_it_expires(database: Database) -> None:
    created_at = utcnow()
    async with database.session() as db:
        created = await create_customer_session(
            db,
            customer_id="cus_A",
            ttl=HOUR,
            scopes={Scope.INVOICES_READ, Scope.CUSTOMER_READ},
            return_url="https://app.example.com",
            now=created_at,
        )

    async with database.session() as db:
        before_expiry = await authenticate_customer_session(db, created.token, now=created_at + HOUR / 2)
        at_expiry = await authenticate_customer_session(db, created.token, now=created_at + HOUR)

    assert created.token.startswith("pqs_")
    assert before_expiry == CustomerPrincipal(
        session_id=created.principal.session_id,
        customer_id="cus_A",
        scopes=frozenset({Scope.INVOICES_READ, Scope.CUSTOMER_READ}),
        expires_at=created_at + HOUR,
        configuration_id=None,
        return_url="https://app.example.com",
        locale=None,
    )
    assert before_expiry.expires_at.tzinfo is not None
    assert at_expiry is None


async def test_customer_session_token_is_stored_only_as_a_hash(database: Database) -> None:
    async with database.session() as db:
        created = await create_customer_session(db, customer_id="cus_A", ttl=HOUR)

    async with database.session() as db:
        row = await db.get_one(CustomerSession, created.principal.session_id)

    assert row.token_hash == hash_token(created.token)
    assert row.scopes == sorted(DEFAULT_PORTAL_SCOPES)


async def test_revoked_customer_session_no_longer_authenticates(database: Database) -> None:
    async with database.session() as db:
        created = await create_customer_session(db, customer_id="cus_A", ttl=HOUR)

    async with database.session() as db:
        revoked = await revoke_customer_session(db, created.principal.session_id)
    async with database.session() as db:
        revoked_again = await revoke_customer_session(db, created.principal.session_id)
        principal = await authenticate_customer_session(db, created.token)

    assert revoked is True
    assert revoked_again is False
    assert principal is None


async def test_unknown_or_malformed_session_tokens_do_not_authenticate(database: Database) -> None:
    async with database.session() as db:
        created = await create_customer_session(db, customer_id="cus_A", ttl=HOUR)

    async with database.session() as db:
        unknown = await authenticate_customer_session(db, "pqs_" + "x" * 43)
        api_key_shaped = await authenticate_customer_session(db, "pq_test_" + created.token[4:])

    assert unknown is None
    assert api_key_shaped is None


async def test_portal_code_redeems_for_a_session_carrying_the_portal_settings(database: Database) -> None:
    code = await _portal_code(database)

    redeemed = await _redeem(database, code)

    async with database.session() as db:
        principal = await authenticate_customer_session(db, redeemed.token)
        portal_session = await db.scalar(select(PortalLink).where(PortalLink.code_hash == hash_token(code)))
        row = await db.get_one(CustomerSession, redeemed.principal.session_id)
    assert principal == redeemed.principal
    assert principal.customer_id == "cus_A"
    assert principal.scopes == DEFAULT_PORTAL_SCOPES
    assert Scope.AUDIT_READ not in principal.scopes
    assert (principal.configuration_id, principal.return_url, principal.locale) == (
        "bpc_123",
        "https://app.example.com/billing",
        "fr",
    )
    assert portal_session is not None
    assert portal_session.used_at is not None
    assert portal_session.flow == PortalFlow(type=PortalFlowType.PAYMENT_METHOD_UPDATE)
    assert row.portal_link_id == portal_session.id
    assert row.created_by_api_key_id == portal_session.created_by_api_key_id


async def test_portal_code_redeemed_twice_fails_the_second_time_as_used(database: Database) -> None:
    code = await _portal_code(database)
    await _redeem(database, code)

    with pytest.raises(PortalCodeRejectedError) as rejected:
        await _redeem(database, code)

    assert rejected.value.problem is PortalCodeProblem.ALREADY_USED
    assert "already been used" in str(rejected.value)
    assert await _customer_sessions_count(database) == 1


async def test_expired_portal_code_is_rejected_as_expired(database: Database) -> None:
    created_at = utcnow()
    code = await _portal_code(database, now=created_at)

    with pytest.raises(PortalCodeRejectedError) as rejected:
        await _redeem(database, code, now=created_at + PORTAL_LINK_TTL)

    assert rejected.value.problem is PortalCodeProblem.EXPIRED
    assert "expired" in str(rejected.value)
    assert await _customer_sessions_count(database) == 0


async def test_unknown_portal_code_is_rejected_as_unknown(database: Database) -> None:
    await _portal_code(database)

    with pytest.raises(PortalCodeRejectedError) as rejected:
        await _redeem(database, "not-a-code")

    assert rejected.value.problem is PortalCodeProblem.UNKNOWN
    assert str(rejected.value) == "This billing portal link is not valid."


async def test_concurrent_redemptions_of_one_code_create_exactly_one_session(database: Database) -> None:
    code = await _portal_code(database)

    results = await asyncio.gather(*(_redeem(database, code) for _ in range(10)), return_exceptions=True)

    redeemed = [result for result in results if isinstance(result, CreatedCustomerSession)]
    rejected = [result for result in results if isinstance(result, PortalCodeRejectedError)]
    assert len(redeemed) == 1
    assert len(rejected) == 9
    assert {error.problem for error in rejected} == {PortalCodeProblem.ALREADY_USED}
    assert await _customer_sessions_count(database) == 1


async def test_a_stored_flow_that_no_longer_fits_the_record_reads_as_no_flow(database: Database) -> None:
    code = await _portal_code(database)
    async with database.session() as db:
        # A flow document in an older shape (camelCase keys, no `subscription_id`).
        await db.execute(
            text("UPDATE portal_sessions SET flow = :flow WHERE code_hash = :hash"),
            {"flow": '{"type": "payment_method_update", "afterCompletion": {}}', "hash": hash_token(code)},
        )
    async with database.session() as db:
        link = await db.scalar(select(PortalLink).where(PortalLink.code_hash == hash_token(code)))
    assert link is not None
    assert link.flow is None
