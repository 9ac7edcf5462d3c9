"""The database: declarative base, engine and transactions, and migrations to head.

An outage must neither hang a request nor read as a bug: connecting, waiting for a pooled connection and
each statement are bounded, and a database that cannot be reached or did not answer in time surfaces as
`DatabaseUnavailableError` (503, `DATABASE_UNAVAILABLE`). The pool checks a connection before lending it,
so the first request after the database returns succeeds.
"""

from __future__ import annotations

import asyncio
import traceback
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from resolvers.errors import DatabaseUnavailableError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.engine.interfaces import DBAPIConnection
    from sqlalchemy.pool import ConnectionPoolEntry

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Any constant works; it only has to be the same for every instance migrating the same database.
_MIGRATION_LOCK_KEY = 0x706F7274616C71


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database:
    """One engine and its sessions; `session()` is one transaction."""

    def __init__(
        self,
        url: str,
        *,
        connect_args: Mapping[str, Any] | None = None,
        connect_timeout_seconds: float = 3.0,
        statement_timeout_seconds: float = 5.0,
    ) -> None:
        parsed = make_url(url)
        self._is_sqlite = parsed.get_backend_name() == "sqlite"
        if self._is_sqlite:
            _create_parent_directory(parsed)
            # SQLite's only wait is for another writer's lock.
            bounds: dict[str, Any] = {"timeout": statement_timeout_seconds}
        else:
            # asyncpg: `timeout` bounds connecting, `command_timeout` every statement (BEGIN and COMMIT too).
            bounds = {"timeout": connect_timeout_seconds, "command_timeout": statement_timeout_seconds}
        self._engine = create_async_engine(
            parsed,
            pool_pre_ping=True,
            pool_timeout=connect_timeout_seconds,
            connect_args={**bounds, **(connect_args or {})},
        )
        if self._is_sqlite:
            event.listen(self._engine.sync_engine, "connect", _configure_sqlite_connection)
        self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)

    @property
    def sync_engine(self) -> Engine:
        """The engine under the async one, for instrumentation (tracing) that hooks its events."""
        return self._engine.sync_engine

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """Yield a session inside a transaction: committed on success, rolled back on error.

        Raises DatabaseUnavailableError when the database cannot be reached or does not answer in time. A
        network error or time-out that the caller's own work raised (another service failing inside the
        transaction) passes through as it is."""
        raised_inside: BaseException | None = None
        try:
            async with self._sessions() as session, session.begin():
                try:
                    yield session
                except BaseException as error:
                    raised_inside = error
                    raise
        except (OperationalError, InterfaceError) as error:
            raise DatabaseUnavailableError from error
        except (OSError, TimeoutError) as error:
            if error is raised_inside and not _from_database(error):
                raise
            raise DatabaseUnavailableError from error
        except DBAPIError as error:
            if error.connection_invalidated:
                raise DatabaseUnavailableError from error
            raise

    async def ping(self, *, timeout_seconds: float = 2.0) -> bool:
        """Whether the database answers a trivial query in time (for readiness probes)."""
        try:
            async with asyncio.timeout(timeout_seconds), self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError, TimeoutError):
            return False
        return True

    async def migrate(self) -> None:
        """Bring the schema to the newest migration; a no-op when it is already there."""
        async with self._engine.begin() as connection:
            if not self._is_sqlite:
                # Instances starting together must not run the same migration twice.
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(_upgrade_to_head)

    async def dispose(self) -> None:
        await self._engine.dispose()


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration, built in code so that no `alembic.ini` has to ship or be found."""
    config = Config()
    config.set_main_option("script_location", "portalql.persistence:migrations")
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def _upgrade_to_head(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


def _create_parent_directory(url: URL) -> None:
    # SQLite creates the database file itself on first connect, but not the directory it lives in.
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite_connection(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers run while a writer commits.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


_DATABASE_PACKAGES = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3")


def _from_database(error: BaseException) -> bool:
    """Whether a network error or time-out was raised by the database's driver (a statement that timed out,
    a connection that dropped) rather than by other work done inside the transaction."""
    frames = traceback.walk_tb(error.__traceback__)
    return any(frame.f_globals.get("__name__", "").startswith(_DATABASE_PACKAGES) for frame, _ in frames)
