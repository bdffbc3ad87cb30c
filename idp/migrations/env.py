"""Alembic environment of the IdP's migrations (shared with the other app: labkit.alembic_env)."""

from labkit.alembic_env import run

run()
