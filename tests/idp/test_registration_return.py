"""A registration started from an authorization request's login page comes back to that request."""

from __future__ import annotations

import re
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

from idp.db import db
from idp.domain.clients import create_client
from tests.idp.test_registration import GOOD_PASSWORD
from tests.idp.test_registration import enter_code
from tests.idp.test_registration import last_code
from tests.idp.test_registration import set_password
from tests.idp.test_registration import start

AUTHORIZE = "/authorize?" + urlencode(
    {
        "response_type": "code",
        "client_id": "diary",
        "redirect_uri": "http://rp.test/cb",
        "scope": "openid",
        "state": "s1",
    }
)


def _client(app) -> None:
    with app.app_context():
        create_client(db.session, "diary", "s3cret-of-the-diary", ["http://rp.test/cb"], name="Дневник.ру")
        db.session.commit()


def _register_link(page: str) -> str:
    href = re.search(r'href="([^"]*/registration[^"]*)"', page).group(1)
    return href.replace("&amp;", "&")


def test_login_page_of_an_authorization_request_offers_registration_that_keeps_it(idp_app, idp_client):
    _client(idp_app)
    login = idp_client.get("/authorize?" + urlsplit(AUTHORIZE).query)
    assert login.status_code == 302
    page = idp_client.get(login.headers["Location"]).get_data(as_text=True)
    link = _register_link(page)
    pending = parse_qs(urlsplit(link).query)["next"][0]
    assert urlsplit(pending).path == "/authorize"
    assert parse_qs(urlsplit(pending).query) == parse_qs(urlsplit(AUTHORIZE).query)
    assert idp_client.get(link).status_code == 200
    start(idp_client)
    enter_code(idp_client, last_code(idp_app))
    done = set_password(idp_client, GOOD_PASSWORD)
    assert done.headers["Location"] == "/registration/done"
    body = idp_client.get("/registration/done").get_data(as_text=True)
    assert "Упрощённая учётная запись создана" in body
    assert "Продолжить вход в «Дневник.ру»" in body
    assert f'href="{pending.replace("&", "&amp;")}"' in body
    # the way back is the pending authorization request: it answers now that the person is logged in
    answer = idp_client.get(pending)
    assert answer.status_code in (200, 302)
    if answer.status_code == 302:
        assert answer.headers["Location"].startswith("http://rp.test/cb?")


def test_registration_without_a_request_has_no_way_back(idp_app, idp_client):
    idp_client.get("/registration")
    start(idp_client)
    enter_code(idp_client, last_code(idp_app))
    set_password(idp_client, GOOD_PASSWORD)
    body = idp_client.get("/registration/done").get_data(as_text=True)
    assert "Продолжить вход" not in body and "Личный кабинет" in body


def test_a_foreign_return_address_is_ignored(idp_app, idp_client):
    idp_client.get("/registration?next=https://evil.example/steal")
    start(idp_client)
    enter_code(idp_client, last_code(idp_app))
    set_password(idp_client, GOOD_PASSWORD)
    body = idp_client.get("/registration/done").get_data(as_text=True)
    assert "evil.example" not in body and "Продолжить вход" not in body


def test_the_way_back_is_offered_in_english(idp_app, idp_client):
    _client(idp_app)
    idp_client.get("/registration?" + urlencode({"next": AUTHORIZE}))
    start(idp_client)
    enter_code(idp_client, last_code(idp_app))
    set_password(idp_client, GOOD_PASSWORD)
    body = idp_client.get("/registration/done?lang=en").get_data(as_text=True)
    assert "Continue signing in to «Дневник.ру»" in body
