"""Fixtures for both apps: each test gets fresh SQLite databases and cheap password hashing."""

from __future__ import annotations

import pytest

#: argon2 at its cheapest, so that tests stay fast (production uses the library defaults).
CHEAP_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


@pytest.fixture
def idp_app(tmp_path):
    """An IdP app on a fresh SQLite database, schema created from the models."""
    from idp import create_app
    from idp.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-idp-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'idp.sqlite'}",
            "ISSUER": "http://idp.test",
            **CHEAP_HASHING,
        }
    )
    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture
def idp_client(idp_app):
    """A test client of the IdP."""
    return idp_app.test_client()


@pytest.fixture
def rp_app(tmp_path):
    """A diary app on a fresh SQLite database, schema created from the models."""
    from rp import create_app
    from rp.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-rp-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'rp.sqlite'}",
            "BASE_URL": "http://rp.test",
            **CHEAP_HASHING,
        }
    )
    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture
def rp_client(rp_app):
    """A test client of the diary."""
    return rp_app.test_client()
