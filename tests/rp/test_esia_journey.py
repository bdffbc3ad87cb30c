"""One journey through the diary's Gosuslugi login: the regional page, reloadable outcomes, steps, conflicts."""

from __future__ import annotations

import re
from urllib.parse import urlencode
from urllib.parse import urlparse

from rp.extensions import db
from rp.models.people import Identity
from shared.validators import normalize_phone
from tests.helpers.forms import csrf_token
from tests.rp.fakeop import ISSUER
from tests.rp.fakeop import add_person
from tests.rp.fakeop import identities
from tests.rp.fakeop import last_record
from tests.rp.fakeop import login
from tests.rp.fakeop import post_form
from tests.rp.test_esia_login import first_login_to_page3

SEED_ADVICE = "В поля для ввода логина и пароля ничего не вводите и не нажимайте кнопку «Войти»"


# 1. The regional address is the region's login page with the button ------------------------------


def test_regional_address_shows_the_login_page_with_the_button(rp_client, op):
    res = rp_client.get("/login/esia/test")
    assert res.status_code == 200
    body = res.get_data(as_text=True)
    assert "Тестовая область" in body and "Войти через ГосУслуги" in body and SEED_ADVICE in body
    assert 'name="login"' in body and 'name="password"' in body  # the fields the seed says to leave empty
    assert '<form method="post" action="/login/esia/test"' in body
    assert op.token_requests == [] and "esia_auth" not in _session(rp_client)


def _session(client) -> dict:
    with client.session_transaction() as s:
        return dict(s)


def test_the_button_starts_the_login_and_a_post_without_csrf_does_not(rp_client, op):
    page = rp_client.get("/login/esia/test?next=/diary/marks").get_data(as_text=True)
    assert rp_client.post("/login/esia/test", data={"next": "/diary/marks"}).status_code == 400
    assert "esia_auth" not in _session(rp_client)
    res = rp_client.post("/login/esia/test", data={"csrf_token": csrf_token(page), "next": "/diary/marks"})
    assert res.status_code == 302
    url = urlparse(res.headers["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/authorize"
    assert _session(rp_client)["esia_auth"]["next"] == "/diary/marks"


def test_the_diary_login_page_button_is_a_form_to_the_default_region(rp_client, rp_app, op):
    rp_app.config["DEFAULT_REGION"] = "test"
    body = rp_client.get("/login?next=/diary").get_data(as_text=True)
    assert '<form method="post" action="/login/esia/test"' in body and "Войти через ГосУслуги" in body


# 3. Outcomes at their own address, reloadable ---------------------------------------------------------


def test_not_enough_data_page_can_be_reloaded(rp_client, rp_app, op):
    add_person(rp_app)
    op.claims.pop("snils")
    res = login(rp_client, op, follow=False)
    assert res.status_code == 302
    outcome = res.headers["Location"]
    assert outcome.startswith("/login/outcome/")
    for _ in range(2):  # the first view and a reload
        page = rp_client.get(outcome)
        assert page.status_code == 403
        body = page.get_data(as_text=True)
        assert "Портал госуслуг передал недостаточно данных" in body and "СНИЛС" in body
        assert "Сеанс входа устарел" not in body
    # another browser does not see this person's outcome
    other = rp_app.test_client().get(outcome)
    assert "Портал госуслуг передал недостаточно данных" not in other.get_data(as_text=True)


def test_error_and_conflict_outcomes_are_reloadable(rp_client, rp_app, op):
    res = login(rp_client, op, follow=False, code=None, error="access_denied")
    outcome = res.headers["Location"]
    assert outcome.startswith("/login/outcome/")
    for _ in range(2):
        body = rp_client.get(outcome).get_data(as_text=True)
        assert "Вы не разрешили доступ к данным" in body
    user_id = add_person(rp_app)
    with rp_app.app_context():
        db.session.add(Identity(user_id=user_id, issuer=ISSUER, subject="someone-else"))
        db.session.commit()
    outcome = login(rp_client, op, follow=False).headers["Location"]
    for _ in range(2):
        page = rp_client.get(outcome)
        assert page.status_code == 409 and "уже привязан к другой учётной записи госуслуг" in page.get_data(
            as_text=True
        )


def test_a_callback_without_a_login_still_says_the_session_is_stale(rp_client, op):
    res = rp_client.get("/login/callback?" + urlencode({"code": "c", "state": "s"}))
    body = rp_client.get(res.headers["Location"]).get_data(as_text=True)
    assert "Сеанс входа устарел" in body


# 4. Steps, contacts, the same account in two browsers, legacy refusal ---------------------------------------


def test_first_login_contacts_are_prefilled_with_what_the_idp_released(rp_client, rp_app, op):
    add_person(rp_app)
    login(rp_client, op)
    post_form(rp_client, "/login/esia/first/person")
    body = rp_client.get("/login/esia/first/contacts").get_data(as_text=True)
    assert 'value="ivanova@example.test"' in body
    phone = re.search(r'<input[^>]*name="phone"[^>]*>', body).group(0)
    assert normalize_phone(re.search(r'value="([^"]*)"', phone).group(1)) == "+79111000001"
    assert "Шаг 2 из 4" in body


def test_linking_by_diary_login_numbers_its_own_steps(rp_client, rp_app, op):
    add_person(rp_app, middle_name="Викторовна")
    login(rp_client, op)
    assert "Шаг 1 из 3" in rp_client.get("/login/esia/not-found").get_data(as_text=True)
    post_form(rp_client, "/login/esia/not-found", {"login": "ivanova.m", "password": "dnevnik2024"})
    assert "Шаг 2 из 3" in rp_client.get("/login/esia/confirm").get_data(as_text=True)
    post_form(rp_client, "/login/esia/confirm")
    body = rp_client.get("/login/esia/first/done").get_data(as_text=True)
    assert "Шаг 3 из 3" in body and "Шаг 4 из 4" not in body


def test_first_login_done_is_step_four_of_four(rp_client, rp_app, op):
    add_person(rp_app)
    login(rp_client, op)
    first_login_to_page3(rp_client)
    post_form(rp_client, "/login/esia/first/password", {"password": "newpass7", "repeat": "newpass7"})
    assert "Шаг 4 из 4" in rp_client.get("/login/esia/first/done").get_data(as_text=True)


def test_second_browser_finishing_the_same_first_login_is_logged_in(rp_client, rp_app, op):
    user_id = add_person(rp_app)
    second = rp_app.test_client()
    login(rp_client, op)
    login(second, op)
    for client in (rp_client, second):
        first_login_to_page3(client)
    post_form(rp_client, "/login/esia/first/password", {"password": "newpass7", "repeat": "newpass7"})
    res = post_form(second, "/login/esia/first/password", {"password": "other77", "repeat": "other77"})
    assert res.status_code == 302
    body = second.get(res.headers["Location"]).get_data(as_text=True)
    assert "уже привязан к этой учётной записи госуслуг" in body
    assert "другой учётной записи" not in body
    assert second.get("/diary").status_code == 200  # logged in
    assert identities(rp_app) == [(user_id, ISSUER, "1000000001")]
    # the first browser's password stays: the second browser's is not stored
    assert post_form(rp_app.test_client(), "/login", {"login": "ivanova.m", "password": "newpass7"}).status_code == 302
    assert last_record(rp_app)["outcome"] == "signed_in"


def test_legacy_route_refuses_a_profile_linked_elsewhere_before_asking(rp_client, rp_app, op):
    user_id = add_person(rp_app, middle_name="Викторовна")
    with rp_app.app_context():
        db.session.add(Identity(user_id=user_id, issuer=ISSUER, subject="someone-else"))
        db.session.commit()
    login(rp_client, op)
    res = post_form(rp_client, "/login/esia/not-found", {"login": "ivanova.m", "password": "dnevnik2024"})
    assert res.status_code == 409
    body = res.get_data(as_text=True)
    assert "уже привязан к другой учётной записи госуслуг" in body and "Привязать профиль" not in body
    assert rp_client.get("/login/esia/confirm").status_code == 400
    assert identities(rp_app) == [(user_id, ISSUER, "someone-else")]
    assert last_record(rp_app)["outcome"] == "conflict_user_linked"


def test_the_regional_page_has_the_login_step_in_guided_mode(rp_app, rp_client, op):
    from tests.rp.test_trainer import switch

    switch(rp_app, "on")
    assert "Шаг 2: Как зайти в Дневник.ру" in rp_client.get("/login/esia/test").get_data(as_text=True)
