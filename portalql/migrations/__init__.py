"""Alembic migrations, shipped in the package so an installed portalql can migrate its own database.

`portalql.db.Database.migrate()` runs them; `python -m portalql.migrations "message"` writes a new one.
"""
