"""Races on the IdP (PostgreSQL): one SNILS per account, single-use codes and refresh tokens."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from idp.domain.accounts import AccountTaken
from idp.domain.accounts import create_account
from idp.models.accounts import Account
from shared.validators import make_snils
from tests.concurrency import requires_postgresql
from tests.concurrency import run_together
from tests.concurrency import session_factory
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import SECRET
from tests.idp.oidc.helpers import Flow
from tests.idp.oidc.helpers import basic
from tests.idp.oidc.helpers import make_account

pytestmark = requires_postgresql

SNILS = make_snils("123456789")


def count_snils(new_session) -> int:
    with new_session() as session:
        return session.scalar(select(func.count()).select_from(Account).where(Account.snils == SNILS))


def test_fifty_simultaneous_registrations_with_one_snils_make_one_account(idp_app):
    new_session = session_factory(idp_app)

    def register(i: int) -> int:
        with new_session() as session:
            account = create_account(
                session,
                None,
                last_name="Петров",
                first_name="Пётр",
                middle_name="Петрович",
                phone=f"+7916{i:07d}",
                gender="M",
                birth_date=date(1980, 1, 1),
                snils=SNILS,
                doc_series="4509",
                doc_number=f"{i:06d}",
                doc_issue_date=date(2005, 1, 1),
                level="standard",
                birth_place="г. Москва",
            )
            session.commit()
            return account.id

    results = run_together(50, register)

    created = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, AccountTaken)]
    assert len(created) == 1, [r for r in results if not isinstance(r, (int, AccountTaken))]
    assert len(refused) == 49 and {r.field for r in refused} == {"snils"}
    assert count_snils(new_session) == 1


def test_fifty_simultaneous_profile_saves_with_one_snils_keep_it_on_one_account(idp_app):
    from idp.domain import verification as ver

    new_session = session_factory(idp_app)
    with new_session() as session:
        ids = []
        for i in range(50):
            account = create_account(session, None, last_name="Петров", first_name="Пётр", phone=f"+7916{i:07d}")
            session.flush()
            ids.append(account.id)
        session.commit()
    data = ver.ProfileData(
        last_name="Петров",
        first_name="Пётр",
        middle_name="Петрович",
        gender="M",
        birth_date=date(1980, 1, 1),
        birth_place="г. Москва",
        citizenship="RUS",
        doc_series="4509",
        doc_number="123456",
        doc_issued_by="ОВД",
        doc_issue_date=date(2005, 1, 1),
        doc_department_code="772-001",
        snils=SNILS,
    )
    now = datetime(2025, 1, 1, 12, 0)

    def save(i: int) -> int:
        with new_session() as session:
            account = session.get(Account, ids[i])
            ver.submit_profile(session, account, data, now, (timedelta(minutes=15), timedelta(minutes=15)))
            session.commit()
            return account.id

    results = run_together(50, save)

    saved = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, AccountTaken)]
    assert len(saved) == 1, [r for r in results if not isinstance(r, (int, AccountTaken))]
    assert len(refused) == 49, [repr(r)[:300] for r in results if not isinstance(r, (int, AccountTaken))]
    assert count_snils(new_session) == 1


@pytest.fixture
def code_flow(idp_app):
    """The IdP with the client ``app`` (allowed to refresh) and a logged-in standard account."""
    from idp.db import db
    from idp.domain.clients import create_client

    with idp_app.app_context():
        create_client(db.session, "app", SECRET, [REDIRECT], name="Тестовое приложение")
        db.session.commit()
    flow = Flow(idp_app, idp_app.test_client())
    flow.login(make_account(idp_app))
    return flow


def post_together(app, count: int, data: dict) -> list:
    """POST ``data`` to /token ``count`` times at once, each from a test client of its own."""
    clients = [app.test_client() for _ in range(count)]
    return run_together(count, lambda i: clients[i].post("/token", data=data, headers=basic()))


def test_twenty_simultaneous_redemptions_of_one_code_issue_tokens_once(code_flow, idp_app):
    code, _ = code_flow.code()

    responses = post_together(idp_app, 20, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [400] * 19, [r.get_json() for r in responses]
    assert {r.get_json()["error"] for r in responses if r.status_code == 400} == {"invalid_grant"}


def test_twenty_simultaneous_uses_of_one_refresh_token_rotate_it_once_and_revoke_the_family(code_flow, idp_app):
    code, _ = code_flow.code(scope="openid offline_access")
    first = code_flow.token(code).get_json()
    assert "refresh_token" in first, first

    responses = post_together(idp_app, 20, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})

    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1, [r.get_json() for r in responses]
    assert all(r.status_code == 400 and r.get_json()["error"] == "invalid_grant" for r in responses if r not in winners)
    # The other nineteen replayed a used refresh token: that revokes its whole family, the winner's pair too.
    rotated = winners[0].get_json()["refresh_token"]
    again = code_flow.client.post(
        "/token", data={"grant_type": "refresh_token", "refresh_token": rotated}, headers=basic()
    )
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"
