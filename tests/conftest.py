"""Fixtures for both apps: each test gets fresh databases and cheap password hashing.

Databases are SQLite files by default; with ``FEDLAB_TEST_DB=postgresql`` each app gets a PostgreSQL database
of its own for the run (``fedlab_test_<pid>_idp`` / ``_rp``), emptied before every test.
"""

from __future__ import annotations

import os

import pytest

from tests.helpers.databases import CHEAP_HASHING
from tests.helpers.databases import TEST_DB
from tests.helpers.databases import app_database_url
from tests.helpers.databases import dispose_engines
from tests.helpers.databases import pg_create_database
from tests.helpers.databases import pg_drop_database
from tests.helpers.databases import reset_schema
from tests.helpers.templates import share_compiled_templates

share_compiled_templates()  # each test's apps reuse the templates earlier tests' apps compiled


@pytest.fixture(scope="session")
def pg_databases():
    """One PostgreSQL database per app for the whole run (only with ``FEDLAB_TEST_DB=postgresql``)."""
    if TEST_DB != "postgresql":
        yield None
        return
    names = {app: f"fedlab_test_{os.getpid()}_{app}" for app in ("idp", "rp")}
    urls = {app: pg_create_database(name) for app, name in names.items()}
    yield urls
    for name in names.values():
        pg_drop_database(name)


@pytest.fixture
def idp_app(tmp_path, pg_databases):
    """An IdP app on a fresh database (SQLite, or PostgreSQL by FEDLAB_TEST_DB), schema from the models."""
    from idp import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-idp-secret",
            "DATABASE_URL": app_database_url(pg_databases, "idp", tmp_path),
            "ISSUER": "http://idp.test",
            **CHEAP_HASHING,
        }
    )
    reset_schema(app)
    yield app
    dispose_engines(app)


@pytest.fixture
def idp_client(idp_app):
    """A test client of the IdP."""
    return idp_app.test_client()


@pytest.fixture
def rp_app(tmp_path, pg_databases):
    """A diary app on a fresh database (SQLite, or PostgreSQL by FEDLAB_TEST_DB), schema from the models."""
    from rp import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-rp-secret",
            "DATABASE_URL": app_database_url(pg_databases, "rp", tmp_path),
            "BASE_URL": "http://rp.test",
            **CHEAP_HASHING,
        }
    )
    reset_schema(app)
    yield app
    dispose_engines(app)


@pytest.fixture
def rp_client(rp_app):
    """A test client of the diary."""
    return rp_app.test_client()


#: Fixtures that put a test on the database under test; the PostgreSQL pass runs only tests that use one.
DATABASE_FIXTURES = frozenset({"pg_databases", "fresh_pg_database"})


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Order and group the tests for two workers; on the PostgreSQL pass, keep only the tests of its database.

    ``make test`` runs pytest-xdist with ``--dist loadgroup --no-loadscope-reorder``: each test file is one
    group (its module fixtures set up once, on one worker), but a file marked ``spread`` (long, independent
    tests) hands its tests out one by one; the browser tests and the ``slow`` ones come first, so that the
    last minutes are not one worker finishing a long file alone.

    On the PostgreSQL pass, tests that never reach a database of the run (pure rules, property tests, the ESIA
    client judges against an IdP on its own SQLite file) and tests marked ``any_database`` (what they prove
    does not depend on the database) would only repeat the SQLite pass word for word: they are deselected.
    """
    if TEST_DB == "postgresql":
        kept = [
            item
            for item in items
            if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
            and not item.get_closest_marker("any_database")
        ]
        if len(kept) != len(items):
            config.hook.pytest_deselected(items=[item for item in items if item not in kept])
            items[:] = kept
    for item in items:
        if item.get_closest_marker("spread") is None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
    items.sort(key=lambda item: 0 if item.get_closest_marker("e2e") or item.get_closest_marker("slow") else 1)
