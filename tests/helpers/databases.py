"""Test databases: SQLite files, or PostgreSQL databases created and emptied for the run; cheap hashing."""

from __future__ import annotations

import os

#: argon2 at its cheapest, so that tests stay fast (production uses the library defaults).
CHEAP_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}

#: Which database the app fixtures use: "sqlite" (default) or "postgresql".
TEST_DB = os.environ.get("FEDLAB_TEST_DB", "sqlite")
#: The PostgreSQL server's maintenance database (libpq conninfo), where test databases are created and dropped.
PG_ADMIN_DSN = os.environ.get("FEDLAB_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=test")


def pg_url(database: str) -> str:
    """Return the SQLAlchemy URL of ``database`` on the test PostgreSQL server."""
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(PG_ADMIN_DSN)
    user = info.get("user", "postgres")
    host = info.get("host", "127.0.0.1")
    port = info.get("port", "5432")
    return f"postgresql+psycopg://{user}@{host}:{port}/{database}"


def pg_create_database(name: str) -> str:
    """Create an empty PostgreSQL database ``name`` (dropping a leftover one) and return its URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url(name)


def pg_drop_database(name: str) -> None:
    """Drop the PostgreSQL database ``name``, closing whatever still uses it."""
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_schema(app) -> None:
    """Give ``app`` an empty database with the models' schema: emptied tables on PostgreSQL, else create_all."""
    import sqlalchemy as sa

    ext = app.extensions["sqlalchemy"]
    with app.app_context():
        if ext.engine.dialect.name != "postgresql":
            ext.create_all()
            return
        tables = ext.metadata.sorted_tables
        existing = set(sa.inspect(ext.engine).get_table_names())
        with ext.engine.begin() as conn:
            # A migration test may have left Alembic's bookkeeping or a schema of its own: start over then.
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        if existing != {t.name for t in tables}:
            ext.drop_all()
            with ext.engine.begin() as conn:
                for name in existing - {t.name for t in tables}:
                    conn.execute(sa.text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
            ext.create_all()
        else:
            names = ", ".join(f'"{t.name}"' for t in tables)
            with ext.engine.begin() as conn:
                # A connection a previous test left inside a transaction would block TRUNCATE: fail instead.
                conn.execute(sa.text("SET LOCAL lock_timeout = '20s'"))
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def dispose_engines(app) -> None:
    """Close the app's pooled connections (PostgreSQL allows only so many)."""
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()


def app_database_url(pg_databases, app_name: str, tmp_path) -> str:
    """Return the database URL the ``app_name`` fixture app uses in this run."""
    if pg_databases is not None:
        return pg_databases[app_name]
    return f"sqlite:///{tmp_path / (app_name + '.sqlite')}"
