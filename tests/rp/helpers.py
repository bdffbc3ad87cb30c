"""Shared helpers of the diary tests: a small seeded demo school and logged-in clients."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

#: Early in the school year: two weeks of data keep the seed fast.
TODAY = date(2026, 9, 16)


@pytest.fixture
def school(rp_app):
    """The demo school seeded on the test database; returns the seed summary."""
    from rp.demo import seed_school
    from rp.extensions import db

    rp_app.config["DIARY_TODAY"] = TODAY.isoformat()
    with rp_app.app_context():
        return seed_school(db.session, TODAY, password_hash="not-a-real-hash")


def person_id(app, login: str) -> int:
    """Return the person id behind a diary login."""
    from rp.extensions import db
    from rp.models.people import User

    with app.app_context():
        return db.session.scalar(select(User.person_id).where(User.login == login))


def client_for(app, login: str):
    """Return a test client logged in as ``login`` (session set directly)."""
    from rp.extensions import db
    from rp.models.people import User

    client = app.test_client()
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.login == login))
    with client.session_transaction() as s:
        s["user_id"] = user_id
    return client


def accept_consent(app, login: str) -> None:
    """Record the current consent for ``login`` directly."""
    from rp.domain.consent import record_consent
    from rp.extensions import db
    from shared.clock import real_now

    pid = person_id(app, login)
    with app.app_context():
        record_consent(db.session, pid, app.config["CONSENT_VERSION"], True, real_now())
        db.session.commit()


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    match = re.search(r'name="(?:\w+-)?csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no csrf token in page"
    return match.group(1)
