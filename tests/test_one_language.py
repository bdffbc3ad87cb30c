"""One language across both apps: the diary asks the IdP for its language (``ui_locales``), the IdP keeps it
for every page of that login, a language picked at the IdP wins for the rest of it, and the diary keeps its own.

The diary's real client runs against the real IdP in process (``responses`` hands the back-channel calls to
the IdP's test client, as in ``tests/test_federation_login.py``).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest
import responses

from fedlab.testing.inprocess import forward_to
from tests.helpers.forms import csrf_token
from tests.idp.oidc.helpers import ISSUER
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import make_account
from tests.rp.fakeop import add_person
from tests.rp.fakeop import press_gosuslugi_button

CLIENT_ID = "dnevnik"
CLIENT_SECRET = "s3cret-of-the-diary"
CALLBACK = "http://rp.test/login/callback"


def local(location: str) -> str:
    """Return the path and query of ``location`` (the test clients take local addresses)."""
    parts = urlsplit(location)
    return parts.path + ("?" + parts.query if parts.query else "")


def html_lang(resp) -> str:
    """Return the ``lang`` of the page's ``<html>`` element."""
    return re.search(r'<html lang="([a-z]+)"', resp.get_data(as_text=True)).group(1)


@pytest.fixture
def federation(idp_app, rp_app):
    """The IdP with the diary as a client and Ivanova's account; the diary with the region and Ivanova."""
    from idp.db import db as idp_db
    from idp.domain.clients import create_client
    from rp.domain.regions import ensure_region
    from rp.extensions import db as rp_db

    with idp_app.app_context():
        create_client(idp_db.session, CLIENT_ID, CLIENT_SECRET, [CALLBACK], name="Дневник.ру")
        idp_db.session.commit()
    with rp_app.app_context():
        ensure_region(rp_db.session, "test", "Тестовая область", ISSUER, CLIENT_ID, CLIENT_SECRET)
        rp_db.session.commit()
    add_person(rp_app)
    account = make_account(idp_app)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        to_idp = forward_to(idp_app.test_client())
        for method in (responses.GET, responses.POST):
            rsps.add_callback(method, re.compile(re.escape(ISSUER) + r"/.*"), callback=to_idp)
        yield account


def log_in_at_the_idp(idp, login_page, account) -> object:
    """Submit the IdP's login form shown in ``login_page`` (a response) with the account's password."""
    html = login_page.get_data(as_text=True)
    hidden = dict(re.findall(r'<input[^>]*name="(next|csrf_token)"[^>]*value="([^"]*)"', html))
    hidden = {k: v.replace("&amp;", "&") for k, v in hidden.items()}
    return idp.post("/login", data={**hidden, "login": account.phone, "password": "Gosuslugi+2024"})


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_diary_asks_the_idp_for_its_language_and_keeps_it(federation, idp_app, rp_app, lang):
    rp, idp = rp_app.test_client(), idp_app.test_client()
    rp.get(f"/login?lang={lang}")

    start = press_gosuslugi_button(rp)
    assert start.status_code == 302
    assert parse_qs(urlsplit(start.headers["Location"]).query)["ui_locales"] == [lang]

    to_login = idp.get(local(start.headers["Location"]))
    assert to_login.status_code == 302 and "/login" in to_login.headers["Location"]
    login_page = idp.get(local(to_login.headers["Location"]))
    assert html_lang(login_page) == lang
    assert ("Forgot your password?" if lang == "en" else "Не помните пароль?") in login_page.get_data(as_text=True)
    # Every IdP page of that login keeps the language, registration included.
    assert html_lang(idp.get("/registration")) == lang

    back = log_in_at_the_idp(idp, login_page, federation)
    assert back.status_code == 302
    consent = idp.get(local(back.headers["Location"]))
    assert consent.status_code == 200 and html_lang(consent) == lang
    assert ("Allow" if lang == "en" else "Предоставить") in consent.get_data(as_text=True)
    html = consent.get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
    answer = idp.post(action, data={"csrf_token": csrf_token(html), "allow": "1"})
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "?")

    landed = rp.get(local(answer.headers["Location"]))
    assert landed.status_code == 302, landed.get_data(as_text=True)[:500]
    person = rp.get(landed.headers["Location"])
    assert html_lang(person) == lang


def test_a_language_picked_at_the_idp_wins_for_the_rest_of_that_login(federation, idp_app, rp_app):
    rp, idp = rp_app.test_client(), idp_app.test_client()
    rp.get("/login?lang=en")
    start = press_gosuslugi_button(rp)
    to_login = idp.get(local(start.headers["Location"]))
    # The person prefers Russian at the IdP: the switcher keeps the login's return address.
    login_page = idp.get(local(to_login.headers["Location"]) + "&lang=ru")
    assert html_lang(login_page) == "ru"
    back = log_in_at_the_idp(idp, login_page, federation)
    consent = idp.get(local(back.headers["Location"]))  # the same request, ui_locales=en still in it
    assert html_lang(consent) == "ru" and "Предоставить" in consent.get_data(as_text=True)
    # The diary keeps the language its person chose there.
    assert html_lang(rp.get("/login")) == "en"


def test_a_new_login_asking_for_another_language_is_honoured(idp_app):
    from idp.db import db
    from idp.domain.clients import create_client

    with idp_app.app_context():
        create_client(db.session, "app", "s3cret-" + "x" * 24, [REDIRECT], name="Дневник.ру")
        db.session.commit()
    idp = idp_app.test_client()

    def authorize(lang: str):
        params = {
            "response_type": "code",
            "client_id": "app",
            "redirect_uri": REDIRECT,
            "scope": "openid fullname",
            "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8),
            "ui_locales": lang,
        }
        to_login = idp.get("/authorize?" + urlencode(params))
        return idp.get(local(to_login.headers["Location"]))

    assert html_lang(authorize("en")) == "en"
    assert html_lang(idp.get("/login?lang=ru")) == "ru"
    assert html_lang(authorize("en")) == "en"  # another login (another state) asks again
