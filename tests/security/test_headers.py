"""Security headers and cookies: pages and token answers are never cached, HSTS only over HTTPS,
session cookies ``HttpOnly``/``SameSite=Lax`` and ``Secure`` in production or behind an https URL.
"""

from __future__ import annotations

import pytest

from tests.helpers.databases import CHEAP_HASHING
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import basic
from tests.idp.oidc.helpers import query_of
from tests.rp.fakeop import add_person
from tests.rp.fakeop import press_gosuslugi_button

pytestmark = pytest.mark.any_database  # headers and cookie flags do not depend on the database


def assert_not_cached(response, what: str) -> None:
    """The response must tell every cache not to keep it."""
    assert response.headers.get("Cache-Control") == "no-store", (what, response.headers.get("Cache-Control"))
    assert response.headers.get("Pragma") == "no-cache", what


# --- no-store ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/login", "/registration", "/recovery", "/operator/login", "/profile", "/no-such-page"],
)
def test_idp_pages_are_not_cached(idp_client, path):
    response = idp_client.get(path)
    assert response.status_code in (200, 302, 404), path
    assert_not_cached(response, path)


def test_idp_account_pages_of_a_logged_in_person_are_not_cached(flow):
    profile = flow.client.get("/profile")
    assert profile.status_code == 200
    assert "text/html" in profile.content_type
    assert_not_cached(profile, "/profile")
    assert_not_cached(flow.client.get("/profile/edit"), "/profile/edit")


def test_consent_page_is_not_cached(flow):
    response, _ = flow.authorize(consent=None)
    assert response.status_code == 200 and 'name="allow"' in response.get_data(as_text=True)
    assert_not_cached(response, "consent")


def test_token_and_userinfo_answers_are_not_cached(flow):
    code, _ = flow.code()
    token = flow.token(code)
    assert token.status_code == 200
    assert_not_cached(token, "/token")
    userinfo = flow.client.get("/userinfo", headers={"Authorization": "Bearer " + token.get_json()["access_token"]})
    assert userinfo.status_code == 200
    assert_not_cached(userinfo, "/userinfo")
    refused = flow.client.post(
        "/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}, headers=basic()
    )
    assert refused.status_code == 400
    assert_not_cached(refused, "/token error")


def test_jwks_and_static_files_stay_cacheable(idp_client):
    jwks = idp_client.get("/jwks.json")
    assert "max-age" in jwks.headers["Cache-Control"] and "Pragma" not in jwks.headers
    css = idp_client.get("/static/idp.css")
    assert css.status_code == 200
    assert "no-store" not in css.headers.get("Cache-Control", "")
    css.close()  # a static file is streamed from an open file


def _rp_login(rp_app, client) -> None:
    add_person(rp_app)
    with client.session_transaction() as s:
        s["user_id"] = 1
        s["login_method"] = "password"


@pytest.mark.parametrize("path", ["/", "/login", "/settings", "/diary", "/diary/news"])
def test_diary_pages_are_not_cached(rp_app, rp_client, path):
    _rp_login(rp_app, rp_client)
    response = rp_client.get(path)
    assert response.status_code in (200, 302), (path, response.status_code)
    assert_not_cached(response, path)


def test_diary_esia_redirect_is_not_cached(rp_client, op):
    response = press_gosuslugi_button(rp_client)
    assert response.status_code == 302 and "state" in query_of(response.location)
    assert_not_cached(response, "/login/esia/test")


# --- HSTS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["idp_client", "rp_client"])
def test_hsts_only_over_https(request, fixture):
    client = request.getfixturevalue(fixture)
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_forwarded_proto_is_ignored_without_a_configured_proxy(idp_client):
    response = idp_client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


# --- session cookies -----------------------------------------------------------------------------


def _session_cookie(response, name: str) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
    assert cookies, response.headers.getlist("Set-Cookie")
    return cookies[0]


def _attributes(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def _idp(tmp_path, **config):
    from idp import create_app

    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-idp-secret-of-32-characters-at-least",
        "LAB_TOKEN": "test-lab-token-of-32-characters-at-least",
        "OPERATOR_PASSWORD": "test-operator-password-of-32-characters",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'idp.sqlite'}",
        **CHEAP_HASHING,
        **config,
    }
    app = create_app(settings)
    with app.app_context():
        app.extensions["sqlalchemy"].create_all()  # the sessions are kept in the database
    return app


def _rp(tmp_path, **config):
    from rp import create_app

    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-rp-secret-of-32-characters-at-least",
        "LAB_TOKEN": "test-lab-token-of-32-characters-at-least",
        "DEMO_CLIENT_SECRET": "test-client-secret-of-32-characters-at-least",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rp.sqlite'}",
        **CHEAP_HASHING,
        **config,
    }
    app = create_app(settings)
    with app.app_context():
        app.extensions["sqlalchemy"].create_all()  # the sessions are kept in the database
    return app


@pytest.mark.parametrize(
    ("config", "secure"),
    [
        ({"ISSUER": "http://127.0.0.1:5001"}, False),
        ({"ISSUER": "https://esia.example"}, True),
        ({"ISSUER": "http://127.0.0.1:5001", "ENV": "production"}, True),
        ({"ISSUER": "https://esia.example", "SESSION_COOKIE_SECURE": "false"}, False),
        ({"ISSUER": "http://127.0.0.1:5001", "SESSION_COOKIE_SECURE": True}, True),
    ],
)
def test_idp_session_cookie_flags(tmp_path, config, secure):
    app = _idp(tmp_path, **config)
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    response = app.test_client().get("/no-such-page?lang=en")  # choosing a language writes the session
    cookie = _attributes(_session_cookie(response, "fedlab_idp_session"))
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert ("secure" in cookie) is secure


@pytest.mark.parametrize(
    ("config", "secure"),
    [
        ({"BASE_URL": "http://127.0.0.1:5002"}, False),
        ({"BASE_URL": "https://dnevnik.example"}, True),
        ({"BASE_URL": "http://127.0.0.1:5002", "ENV": "production"}, True),
    ],
)
def test_diary_session_cookie_flags(tmp_path, config, secure):
    app = _rp(tmp_path, **config)
    response = app.test_client().get("/no-such-page?lang=en")
    cookie = _attributes(_session_cookie(response, "fedlab_rp_session"))
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert ("secure" in cookie) is secure


def test_cookie_secure_from_environment(monkeypatch):
    from idp.config import build_config

    monkeypatch.setenv("FEDLAB_IDP_ISSUER", "https://esia.example")
    assert build_config()["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("FEDLAB_IDP_SESSION_COOKIE_SECURE", "false")
    assert build_config()["SESSION_COOKIE_SECURE"] is False
