from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from portalql.persistence.credentials import ApiKeyPrincipal, hash_token
from portalql.persistence.models import ApiKey, utcnow
from portalql.persistence.repositories.api_keys import (
    authenticate_api_key,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)

if TYPE_CHECKING:
    from datetime import datetime

    from portalql.persistence.db import Database


async def _last_used_at(database: Database, key_id: str) -> datetime | None:
    async with database.session() as db:
        key = await db.get_one(ApiKey, key_id)
    return key.last_used_at


async def test_created_key_is_shown_once_and_stored_only_as_a_hash(database: Database) -> None:
    async with database.session() as db:
        created = await create_api_key(db, name="backend", livemode=False)

    async with database.session() as db:
        stored = await db.get_one(ApiKey, created.key.id)

    assert created.token.startswith("pq_test_")
    assert stored.key_hash == hash_token(created.token)
    assert created.token not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == created.token[:12]
    assert stored.livemode is False
    assert stored.created_at.tzinfo is not None


async def test_live_key_has_the_live_prefix(database: Database) -> None:
    async with database.session() as db:
        created = await create_api_key(db, name="production", livemode=True)

    assert created.token.startswith("pq_live_")
    assert created.key.prefix.startswith("pq_live_")


async def test_authenticate_returns_the_principal_and_records_the_use(database: Database) -> None:
    async with database.session() as db:
        created = await create_api_key(db, name="backend", livemode=True)
    now = utcnow()

    async with database.session() as db:
        principal = await authenticate_api_key(db, created.token, now=now)

    assert principal == ApiKeyPrincipal(key_id=created.key.id, name="backend", livemode=True)
    assert await _last_used_at(database, created.key.id) == now


async def test_last_use_is_recorded_at_most_once_a_minute(database: Database) -> None:
    async with database.session() as db:
        created = await create_api_key(db, name="backend", livemode=False)
    first_use = utcnow()
    async with database.session() as db:
        await authenticate_api_key(db, created.token, now=first_use)

    async with database.session() as db:
        await authenticate_api_key(db, created.token, now=first_use + timedelta(seconds=30))
    after_30_seconds = await _last_used_at(database, created.key.id)
    async with database.session() as db:
        await authenticate_api_key(db, created.token, now=first_use + timedelta(minutes=2))
    after_2_minutes = await _last_used_at(database, created.key.id)

    assert after_30_seconds == first_use
    assert after_2_minutes == first_use + timedelta(minutes=2)


async def test_unknown_or_malformed_tokens_do_not_authenticate(database: Database) -> None:
    async with database.session() as db:
        created = await create_api_key(db, name="backend", livemode=False)

    async with database.session() as db:
        unknown = await authenticate_api_key(db, "pq_test_" + "x" * 43)
        last = created.token[-1]
        tampered = await authenticate_api_key(db, created.token[:-1] + ("1" if last == "0" else "0"))
        wrong_kind = await authenticate_api_key(db, "pqs_" + created.token.removeprefix("pq_test_"))
        empty = await authenticate_api_key(db, "")

    assert (unknown, tampered, wrong_kind, empty) == (None, None, None, None)


async def test_revoked_key_no_longer_authenticates(database: Database) -> None:
    async with database.session() as db:
        created = await create_api_key(db, name="backend", livemode=False)

    async with database.session() as db:
        revoked = await revoke_api_key(db, created.key.id)
    async with database.session() as db:
        revoked_again = await revoke_api_key(db, created.key.id)
        principal = await authenticate_api_key(db, created.token)

    assert revoked is True
    assert revoked_again is False
    assert principal is None


async def test_revoking_an_unknown_key_reports_false(database: Database) -> None:
    async with database.session() as db:
        assert await revoke_api_key(db, "pqkey_missing") is False


async def test_list_shows_every_key_oldest_first(database: Database) -> None:
    async with database.session() as db:
        first = await create_api_key(db, name="first", livemode=False)
    async with database.session() as db:
        second = await create_api_key(db, name="second", livemode=True)
        await revoke_api_key(db, first.key.id)

    async with database.session() as db:
        keys = await list_api_keys(db)

    assert [(key.id, key.revoked_at is not None) for key in keys] == [
        (first.key.id, True),
        (second.key.id, False),
    ]
