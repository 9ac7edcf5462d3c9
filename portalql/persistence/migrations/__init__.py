"""Alembic migrations, shipped in the package so an installed portalql can migrate its own database.

`portalql.persistence.db.Database.migrate()` runs them; `python -m portalql.persistence.migrations "message"`
writes a new one.
"""
