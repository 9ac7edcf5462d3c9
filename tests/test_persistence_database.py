from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from portalql.persistence.db import Base, Database
from portalql.persistence.repositories.api_keys import create_api_key, list_api_keys
from portalql.persistence.repositories.sessions import create_customer_session

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

TABLES = {
    "alembic_version",
    "api_keys",
    "audit_events",
    "charge_locks",
    "customer_sessions",
    "event_deliveries",
    "event_endpoints",
    "expected_audits",
    "external_customer_ids",
    "invoice_requests",
    "known_subscriptions",
    "login_codes",
    "portal_sessions",
    "refund_requests",
    "retention_events",
    "retention_grants",
    "retention_offers",
    "trusted_documents",
    "webhook_events",
}


def _table_names(session: Session) -> set[str]:
    return set(inspect(session.connection()).get_table_names())


def _differences_from_models(session: Session) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(session.connection()), Base.metadata))


async def test_migrate_creates_every_table_on_an_empty_database(empty_database: Database) -> None:
    async with empty_database.session() as db:
        assert await db.run_sync(_table_names) == set()

    await empty_database.migrate()

    async with empty_database.session() as db:
        assert await db.run_sync(_table_names) == TABLES


async def test_migrated_schema_matches_the_models(database: Database) -> None:
    async with database.session() as db:
        differences = await db.run_sync(_differences_from_models)

    assert differences == []


async def test_migrate_again_is_a_no_op(database: Database) -> None:
    await database.migrate()

    async with database.session() as db:
        assert await db.run_sync(_table_names) == TABLES


async def test_sqlite_file_and_directory_are_created_on_first_run(tmp_path: Path) -> None:
    path = tmp_path / "data" / "portalql.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.migrate()
    finally:
        await database.dispose()

    assert path.is_file()


async def test_ping_answers_true_when_the_database_is_up(database: Database) -> None:
    assert await database.ping() is True


async def test_ping_answers_false_when_the_database_is_unreachable() -> None:
    database = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        assert await database.ping(timeout_seconds=5) is False
    finally:
        await database.dispose()


async def test_session_commits_on_success_and_rolls_back_on_error(database: Database) -> None:
    async def create_then_fail() -> None:
        async with database.session() as db:
            await create_api_key(db, name="discarded", livemode=False)
            raise RuntimeError("boom")

    async with database.session() as db:
        await create_api_key(db, name="kept", livemode=False)
    with pytest.raises(RuntimeError, match="boom"):
        await create_then_fail()

    async with database.session() as db:
        names = [key.name for key in await list_api_keys(db)]

    assert names == ["kept"]


async def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.session() as db:
            await create_customer_session(
                db, customer_id="cus_1", ttl=timedelta(hours=1), portal_link_id="pqps_missing"
            )


async def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'portalql.db'}")
    try:
        async with database.session() as db:
            journal_mode = await db.scalar(text("PRAGMA journal_mode"))
    finally:
        await database.dispose()

    assert journal_mode == "wal"
