"""Races on the diary (PostgreSQL): simultaneous first logins link one identity to one login, once."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from rp.domain import linking
from rp.models.people import Identity
from tests.concurrency import requires_postgresql
from tests.concurrency import run_together
from tests.concurrency import session_factory
from tests.rp.fakeop import add_person

pytestmark = requires_postgresql

ISS = "https://op.test"


def link_together(app, pairs: list[tuple[int, str]]) -> list:
    """Link (user id, subject) pairs all at once, each on a connection of its own; return the outcomes."""
    new_session = session_factory(app)

    def work(i: int) -> str:
        user_id, subject = pairs[i]
        with new_session() as session:
            linking.link(session, None, user_id, ISS, subject, method="password")
            session.commit()
            return "linked"

    return run_together(len(pairs), work)


def identities(app) -> list[tuple[int, str]]:
    new_session = session_factory(app)
    with new_session() as session:
        return [(i.user_id, i.subject) for i in session.scalars(select(Identity))]


def test_simultaneous_first_logins_of_one_identity_link_it_once(rp_app):
    user_id = add_person(rp_app)

    results = link_together(rp_app, [(user_id, "sub-1")] * 20)

    assert results.count("linked") == 1, results
    conflicts = [r for r in results if isinstance(r, linking.LinkConflict)]
    assert len(conflicts) == 19, results
    assert identities(rp_app) == [(user_id, "sub-1")]


def test_one_identity_racing_for_two_diary_logins_gets_one(rp_app):
    first = add_person(rp_app, login_name="ivanova.m")
    second = add_person(rp_app, login_name="ivanova.m2", snils="11223344496")

    results = link_together(rp_app, [(first, "sub-1"), (second, "sub-1")] * 5)

    assert results.count("linked") == 1, results
    assert all(isinstance(r, linking.LinkConflict) for r in results if r != "linked"), results
    assert len(identities(rp_app)) == 1


def test_one_diary_login_racing_for_two_identities_gets_one(rp_app):
    user_id = add_person(rp_app)

    results = link_together(rp_app, [(user_id, "sub-1"), (user_id, "sub-2")] * 5)

    assert results.count("linked") == 1, results
    assert all(isinstance(r, linking.LinkConflict) for r in results if r != "linked"), results
    new_session = session_factory(rp_app)
    with new_session() as session:
        assert session.scalar(select(func.count()).select_from(Identity).where(Identity.user_id == user_id)) == 1
