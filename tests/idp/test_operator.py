"""The service-centre operator page: password, attempt limit, approve/reject checks, confirm identity."""

from __future__ import annotations

from datetime import date

import pytest

from tests.idp.profile_helpers import SNILS
from tests.idp.profile_helpers import account_state
from tests.idp.profile_helpers import log_in
from tests.idp.profile_helpers import make_account
from tests.idp.profile_helpers import post_form
from tests.idp.profile_helpers import submit_profile

PASSWORD = "operator-test-password"


@pytest.fixture
def operator(idp_app):
    idp_app.config["OPERATOR_PASSWORD"] = PASSWORD
    client = idp_app.test_client()
    res = post_form(client, "/operator/login", password=PASSWORD)
    assert res.status_code == 302
    return client


@pytest.fixture
def pending_id(idp_app, idp_client):
    account_id = make_account(idp_app)
    log_in(idp_client, account_id)
    assert submit_profile(idp_client).status_code == 302
    return account_id


def test_operator_page_needs_the_operator_login(idp_client):
    res = idp_client.get("/operator")
    assert res.status_code == 302
    assert res.headers["Location"].endswith("/operator/login")


def test_wrong_password_is_refused_and_attempts_are_limited(idp_app, idp_client):
    idp_app.config["OPERATOR_PASSWORD"] = PASSWORD
    for _ in range(5):
        res = post_form(idp_client, "/operator/login", password="wrong")
        assert res.status_code == 401
        assert "Неверный пароль оператора" in res.get_data(as_text=True)
    res = post_form(idp_client, "/operator/login", password=PASSWORD)
    assert res.status_code == 429
    assert idp_client.get("/operator").status_code == 302


def test_operator_login_checks_csrf(idp_app, idp_client):
    idp_app.config["OPERATOR_PASSWORD"] = PASSWORD
    assert idp_client.post("/operator/login", data={"password": PASSWORD}).status_code == 400


def test_operator_lists_accounts_and_pending_checks(operator, pending_id):
    page = operator.get("/operator").get_data(as_text=True)
    assert "Иванова Мария Петровна" in page
    assert "Упрощённая (1)" in page
    assert "проверка" in page
    assert "Одобрить" in page


def test_operator_approves_a_check(idp_app, operator, pending_id):
    from idp.db import db
    from idp.models.verification import VerificationCheck

    with idp_app.app_context():
        check_id = db.session.query(VerificationCheck).one().id
    res = post_form(operator, "/operator", f"/operator/checks/{check_id}", approve="Одобрить")
    assert res.status_code == 302
    assert account_state(idp_app, pending_id) == ("standard", "confirmed", None)


def test_operator_rejects_a_check_with_a_reason(idp_app, idp_client, operator, pending_id):
    from idp.db import db
    from idp.models.verification import VerificationCheck

    with idp_app.app_context():
        check_id = db.session.query(VerificationCheck).one().id
    res = post_form(operator, "/operator", f"/operator/checks/{check_id}", reject="Отклонить", reason="")
    assert "Укажите причину отказа" in operator.get(res.headers["Location"]).get_data(as_text=True)
    assert account_state(idp_app, pending_id)[1] == "pending"
    post_form(operator, "/operator", f"/operator/checks/{check_id}", reject="Отклонить", reason="Нечитаемая серия")
    assert account_state(idp_app, pending_id) == ("simplified", "rejected", "Нечитаемая серия")
    assert "Нечитаемая серия" in idp_client.get("/profile").get_data(as_text=True)


def test_operator_confirms_identity_of_a_standard_account(idp_app, operator):
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
    simplified_id = make_account(idp_app, phone="+79110000002")
    res = post_form(operator, "/operator", f"/operator/accounts/{account_id}/confirm")
    assert res.status_code == 302
    assert account_state(idp_app, account_id)[0] == "verified"
    post_form(operator, "/operator", f"/operator/accounts/{simplified_id}/confirm")
    assert account_state(idp_app, simplified_id)[0] == "simplified"


def test_operator_actions_need_the_operator_session(idp_app, idp_client, pending_id):
    from idp.db import db
    from idp.models.verification import VerificationCheck

    with idp_app.app_context():
        check_id = db.session.query(VerificationCheck).one().id
    res = post_form(idp_client, "/profile", f"/operator/checks/{check_id}", approve="Одобрить")
    assert res.status_code == 302
    assert account_state(idp_app, pending_id)[1] == "pending"


def test_operator_page_is_hidden_outside_lab_mode(idp_app, idp_client):
    idp_app.config["LAB_MODE"] = False
    assert idp_client.get("/operator").status_code == 404
    assert idp_client.get("/operator/login").status_code == 404
