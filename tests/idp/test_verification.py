"""Registry checks (МВД, СФР) on the lab clock: policies, reasons, resubmission, restarts, codes by post."""

from __future__ import annotations

import re
from datetime import date

import pytest

from shared.validators import format_snils
from shared.validators import make_snils
from tests.helpers.databases import CHEAP_HASHING
from tests.idp.profile_helpers import SNILS
from tests.idp.profile_helpers import account_state
from tests.idp.profile_helpers import add_registry_person
from tests.idp.profile_helpers import advance
from tests.idp.profile_helpers import log_in
from tests.idp.profile_helpers import make_account
from tests.idp.profile_helpers import post_form
from tests.idp.profile_helpers import set_policy
from tests.idp.profile_helpers import submit_profile


@pytest.fixture
def account_id(idp_app, idp_client):
    idp_app.config["VERIFICATION_DELAY"] = "1h"
    account_id = make_account(idp_app)
    log_in(idp_client, account_id)
    return account_id


def test_lenient_check_completes_when_due_and_makes_the_account_standard(idp_app, idp_client, account_id):
    assert submit_profile(idp_client).status_code == 302
    advance(idp_app, "59m")
    assert account_state(idp_app, account_id)[:2] == ("simplified", "pending")
    advance(idp_app, "2m")
    assert account_state(idp_app, account_id) == ("standard", "confirmed", None)
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "Стандартная (2)" in page
    assert "подтверждён" in page
    assert "данные подтверждены" in page  # МВД and СФР results


def test_default_range_completes_within_five_days(idp_app, idp_client):
    account_id = make_account(idp_app)
    log_in(idp_client, account_id)
    submit_profile(idp_client)
    advance(idp_app, "14m")
    assert account_state(idp_app, account_id)[1] == "pending"
    advance(idp_app, "5d")
    assert account_state(idp_app, account_id)[:2] == ("standard", "confirmed")


def test_strict_unknown_passport_fails_with_the_reason(idp_app, idp_client, account_id):
    set_policy(idp_app, "strict")
    submit_profile(idp_client)
    advance(idp_app, "2h")
    level, status, reason = account_state(idp_app, account_id)
    assert (level, status) == ("simplified", "rejected")
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "МВД: паспорт не найден" in page
    assert "СФР: СНИЛС не найден" in page
    assert "Исправить данные" in page


def test_strict_snils_of_someone_else_fails(idp_app, idp_client, account_id):
    set_policy(idp_app, "strict")
    add_registry_person(idp_app)
    other = make_snils("987654321")
    add_registry_person(
        idp_app,
        last_name="Петров",
        first_name="Иван",
        middle_name="Ильич",
        gender="M",
        snils=other,
        passport_series="1105",
        passport_number="654321",
    )
    submit_profile(idp_client, snils=format_snils(other))
    advance(idp_app, "2h")
    assert account_state(idp_app, account_id)[:2] == ("simplified", "rejected")
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "СНИЛС принадлежит другому человеку" in page
    assert "МВД: паспорт не найден" not in page


def test_strict_name_or_birth_date_mismatch_fails(idp_app, idp_client, account_id):
    set_policy(idp_app, "strict")
    add_registry_person(idp_app, birth_date=date(1984, 3, 15))
    submit_profile(idp_client)
    advance(idp_app, "2h")
    assert "ФИО или дата рождения не совпадают" in idp_client.get("/profile").get_data(as_text=True)


def test_strict_match_passes_despite_yo_and_case(idp_app, idp_client, account_id):
    set_policy(idp_app, "strict")
    add_registry_person(idp_app, last_name="Сёмина")
    submit_profile(idp_client, last_name="СЕМИНА")
    advance(idp_app, "2h")
    assert account_state(idp_app, account_id) == ("standard", "confirmed", None)


def test_results_are_recorded_per_registry(idp_app, idp_client, account_id):
    from idp.db import db
    from idp.models.verification import VerificationCheck

    set_policy(idp_app, "strict")
    add_registry_person(idp_app, snils=make_snils("555666777"))
    submit_profile(idp_client)
    advance(idp_app, "2h")
    with idp_app.app_context():
        check = db.session.query(VerificationCheck).one()
        assert (check.status, check.mvd_result, check.sfr_result) == ("failed", "ok", "snils_not_found")
        assert check.decided_by == "strict"


def test_rejected_profile_can_be_corrected_and_resubmitted(idp_app, idp_client, account_id):
    set_policy(idp_app, "strict")
    add_registry_person(idp_app)
    submit_profile(idp_client, doc_number="000001")
    advance(idp_app, "2h")
    assert account_state(idp_app, account_id)[1] == "rejected"
    edit = idp_client.get("/profile/edit")
    assert edit.status_code == 200
    assert "МВД: паспорт не найден" in edit.get_data(as_text=True)
    assert 'value="000001"' in edit.get_data(as_text=True)
    assert submit_profile(idp_client, doc_number="123456").status_code == 302
    assert account_state(idp_app, account_id)[1] == "pending"
    advance(idp_app, "2h")
    assert account_state(idp_app, account_id) == ("standard", "confirmed", None)


def test_lenient_refuses_internally_inconsistent_data(idp_app):
    from idp.db import db
    from idp.domain import verification as ver
    from idp.models.accounts import Account

    account_id = make_account(idp_app)
    with idp_app.app_context():
        account = db.session.get(Account, account_id)
        account.gender, account.birth_date, account.citizenship = "F", date(1990, 1, 1), "RUS"
        account.doc_series, account.doc_number, account.doc_issued_by = "1104", "123456", "УМВД"
        account.doc_department_code, account.snils = "290-001", SNILS
        account.doc_issue_date = date(2000, 1, 1)  # before the 14th birthday
        assert ver.evaluate(db.session, account, "lenient", date(2024, 1, 1)) == ("passport_invalid", "ok")
        account.doc_issue_date = date(2005, 1, 1)
        assert ver.evaluate(db.session, account, "lenient", date(2024, 1, 1)) == ("ok", "ok")


def test_due_checks_complete_after_a_restart(idp_app, idp_client, account_id):
    """A new app object on the same database completes the check on its first request once due."""
    from idp import create_app
    from idp.db import db
    from idp.domain import labstate

    submit_profile(idp_client)
    restarted = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-idp-secret",
            "DATABASE_URL": idp_app.config["DATABASE_URL"],
            "VERIFICATION_DELAY": "1h",
            **CHEAP_HASHING,
        }
    )
    client = restarted.test_client()
    client.get("/healthz")
    assert account_state(restarted, account_id)[1] == "pending"
    with restarted.app_context():
        from datetime import timedelta

        labstate.advance_clock(db.session, timedelta(hours=2))  # time passes; nothing runs the checks
        db.session.commit()
    assert account_state(restarted, account_id)[1] == "pending"
    assert client.get("/healthz").status_code == 200  # the health check does no registry work
    assert account_state(restarted, account_id)[1] == "pending"
    assert client.get("/").status_code == 200  # the first page that shows account state completes it
    assert account_state(restarted, account_id) == ("standard", "confirmed", None)


def test_first_due_and_now_is_cheap_when_nothing_is_pending(idp_app):
    from idp.db import db
    from idp.domain import verification as ver

    with idp_app.app_context():
        first_due, now = ver.first_due_and_now(db.session)
        assert first_due is None
        assert now is not None


# Level 3 by a code sent by post ----------------------------------------------------------------


@pytest.fixture
def standard_id(idp_app, idp_client):
    account_id = make_account(
        idp_app,
        level="standard",
        birth_place="г. Москва",
        gender="F",
        birth_date=date(1984, 3, 14),
        snils=SNILS,
        doc_series="1104",
        doc_number="123456",
    )
    log_in(idp_client, account_id)
    return account_id


def _request_letter(client) -> str:
    res = post_form(client, "/profile", "/profile/post-code")
    assert res.status_code == 302
    inbox = client.get("/lab/inbox.json?recipient=%2B79110000001").get_json()["messages"]
    letter = inbox[0]
    assert letter["channel"] == "post"
    return re.search(r"\b(\d{6})\b", letter["body"]).group(1)


def test_postal_code_makes_the_account_verified(idp_app, idp_client, standard_id):
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "Стандартная (2)" in page
    assert "Почта России" in page
    code = _request_letter(idp_client)
    res = post_form(idp_client, "/profile/confirm", code=code)
    assert res.status_code == 302
    assert account_state(idp_app, standard_id)[0] == "verified"
    assert "Подтверждённая (3)" in idp_client.get("/profile").get_data(as_text=True)


def test_postal_code_allows_three_attempts(idp_app, idp_client, standard_id):
    code = _request_letter(idp_client)
    wrong = "000000" if code != "000000" else "111111"
    res = post_form(idp_client, "/profile/confirm", code=wrong)
    assert res.status_code == 422
    assert "Осталось попыток: 2" in res.get_data(as_text=True)
    post_form(idp_client, "/profile/confirm", code=wrong)
    res = post_form(idp_client, "/profile/confirm", code=wrong)
    assert "Попытки исчерпаны" in res.get_data(as_text=True)
    # The right code no longer works: the letter is spent.
    res = post_form(idp_client, "/profile", "/profile/confirm", code=code)
    assert res.status_code == 422
    assert account_state(idp_app, standard_id)[0] == "standard"
    # A new letter brings a new code that works.
    new_code = _request_letter(idp_client)
    post_form(idp_client, "/profile/confirm", code=new_code)
    assert account_state(idp_app, standard_id)[0] == "verified"


def test_postal_code_is_stored_hashed(idp_app, idp_client, standard_id):
    from idp.db import db
    from idp.models.verification import PostalCode

    code = _request_letter(idp_client)
    with idp_app.app_context():
        stored = db.session.query(PostalCode).one()
        assert code not in stored.code_hash


# Demo registry ----------------------------------------------------------------------------------


def test_seed_registry_holds_every_demo_person_and_is_idempotent(idp_app):
    from idp.db import db
    from idp.demo import GENERATED_COUNT
    from idp.demo import demo_passport
    from idp.demo import seed_registry
    from idp.domain import registry
    from shared.demo_people import DEMO_PEOPLE

    with idp_app.app_context():
        added = seed_registry(db.session)
        db.session.commit()
        assert added == len(DEMO_PEOPLE) + GENERATED_COUNT
        assert seed_registry(db.session) == 0
        for person in DEMO_PEOPLE:
            citizen = registry.find_by_passport(db.session, *demo_passport(person.key))
            assert citizen.last_name == person.idp.last_name
            assert citizen.birth_date == person.idp.birth_date
            if person.idp.snils:
                assert registry.find_by_snils(db.session, person.idp.snils).id == citizen.id
