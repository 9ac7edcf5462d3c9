"""Write a new revision from what the models have and the newest revision lacks.

    uv run python -m portalql.persistence.migrations "add refunds table"

The models are compared with a scratch SQLite database migrated to head, so no server is needed. Review
the file it writes: SQLite cannot show differences that exist only on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from portalql.persistence.db import alembic_config

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def _write_revision(connection: Connection, message: str) -> None:
    config = alembic_config(connection)
    command.upgrade(config, "head")
    head = ScriptDirectory.from_config(config).get_current_head()
    # Zero-padded sequential ids keep the versions directory in the order the revisions apply.
    next_id = f"{int(head) + 1 if head else 1:04d}"
    command.revision(config, message, autogenerate=True, rev_id=next_id)


async def _main(message: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_async_engine(f"sqlite+aiosqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_write_revision, message)
        finally:
            await engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit('usage: python -m portalql.persistence.migrations "what the revision changes"')
    asyncio.run(_main(sys.argv[1]))
