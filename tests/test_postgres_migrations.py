"""Both apps' Alembic migrations apply to a fresh PostgreSQL database and give exactly the models' schema."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade
from flask_migrate import upgrade

from tests.helpers.databases import PG_ADMIN_DSN
from tests.helpers.databases import pg_create_database
from tests.helpers.databases import pg_drop_database


def postgres_reachable() -> bool:
    """Return whether the test PostgreSQL server answers."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


@pytest.fixture
def fresh_pg_database(request):
    """An empty PostgreSQL database for this test only, dropped afterwards."""
    if not postgres_reachable():
        if os.environ.get("FEDLAB_TEST_DB") == "postgresql":
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_DSN!r}")
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_DSN!r}")
    name = f"fedlab_test_{os.getpid()}_migrations"
    yield pg_create_database(name)
    pg_drop_database(name)


@pytest.mark.parametrize("factory", ["idp", "rp"])
def test_migrations_apply_on_postgresql_and_match_models(factory, fresh_pg_database):
    module = __import__(factory)
    app = module.create_app({"TESTING": True, "DATABASE_URL": fresh_pg_database})
    ext = app.extensions["sqlalchemy"]
    directory = app.extensions["migrate"].directory
    with app.app_context():
        upgrade(directory=directory)
        with ext.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), ext.metadata)
        assert diff == []

        downgrade(directory=directory, revision="base")
        left = set(sa.inspect(ext.engine).get_table_names()) - {"alembic_version"}
        ext.engine.dispose()
    assert left == set()
