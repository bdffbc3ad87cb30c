"""The diary's own login page: password login, lockout, CSRF, safe ``next``, logout."""

from __future__ import annotations

import pytest

from tests.helpers.forms import csrf_token
from tests.rp.fakeop import add_person
from tests.rp.fakeop import post_form


@pytest.fixture
def user(rp_app):
    return add_person(rp_app, login_name="ivanova.m", password="dnevnik2024")


def test_login_page_has_form_and_gosuslugi_button(rp_client, rp_app):
    from rp.domain.regions import ensure_region
    from rp.extensions import db

    with rp_app.app_context():
        ensure_region(db.session, "dvinaland", "Архангельская область", "https://op.test", "dnevnik", "s")
        db.session.commit()
    body = rp_client.get("/login").get_data(as_text=True)
    assert 'name="login"' in body and 'name="password"' in body
    assert "Войти через ГосУслуги" in body
    assert '<form method="post" action="/login/esia/dvinaland"' in body
    assert "Архангельская область" in body


def test_password_login_goes_to_the_diary(rp_client, user):
    res = post_form(rp_client, "/login", {"login": "IVANOVA.M", "password": "dnevnik2024"})
    assert res.status_code == 302
    assert res.headers["Location"] == "/diary"
    assert rp_client.get("/settings").status_code == 200


def test_wrong_password_is_refused(rp_client, user):
    res = post_form(rp_client, "/login", {"login": "ivanova.m", "password": "wrong1"})
    assert res.status_code == 400
    body = res.get_data(as_text=True)
    assert "Неверный логин или пароль." in body
    assert 'value="ivanova.m"' in body


def test_unknown_login_looks_like_a_wrong_password(rp_client):
    res = post_form(rp_client, "/login", {"login": "nobody", "password": "wrong1"})
    assert "Неверный логин или пароль." in res.get_data(as_text=True)


def test_lockout_after_max_failures(rp_client, rp_app, user):
    rp_app.config["LOGIN_MAX_FAILURES"] = 3
    for _ in range(2):
        post_form(rp_client, "/login", {"login": "ivanova.m", "password": "wrong1"})
    res = post_form(rp_client, "/login", {"login": "ivanova.m", "password": "wrong1"})
    assert "временно заблокирован" in res.get_data(as_text=True)
    res = post_form(rp_client, "/login", {"login": "ivanova.m", "password": "dnevnik2024"})
    assert res.status_code == 400
    assert "временно заблокирован" in res.get_data(as_text=True)


def test_csrf_is_required(rp_client, user):
    res = rp_client.post("/login", data={"login": "ivanova.m", "password": "dnevnik2024"})
    assert res.status_code == 400
    assert rp_client.get("/settings").status_code == 302


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/diary/marks?week=1", "/diary/marks?week=1"),
        ("https://evil.test/", "/diary"),
        ("//evil.test", "/diary"),
        ("/\\evil.test", "/diary"),
    ],
)
def test_next_is_followed_only_when_local(rp_client, user, next_value, expected):
    page = rp_client.get("/login", query_string={"next": next_value})
    res = rp_client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "login": "ivanova.m",
            "password": "dnevnik2024",
            "next": next_value,
        },
    )
    assert res.headers["Location"] == expected


def test_settings_requires_login(rp_client):
    res = rp_client.get("/settings")
    assert res.status_code == 302
    assert res.headers["Location"].startswith("/login?next=/settings")


def test_logout(rp_client, user):
    post_form(rp_client, "/login", {"login": "ivanova.m", "password": "dnevnik2024"})
    page = rp_client.get("/settings")
    res = rp_client.post("/logout", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert res.status_code == 302
    assert rp_client.get("/settings").status_code == 302
