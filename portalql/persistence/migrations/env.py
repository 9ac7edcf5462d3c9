"""Alembic environment: runs on the connection `portalql.persistence.db` hands over, never on a URL of its
own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from alembic import context

from portalql.persistence.db import Base
from portalql.persistence.models import UTCDateTime

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from sqlalchemy.engine import Connection


def _render_item(type_: str, obj: object, _context: AutogenContext) -> str | Literal[False]:
    # Revisions are frozen history: they spell out plain SQLAlchemy types, not the models' Python types.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


_run_migrations(context.config.attributes["connection"])
