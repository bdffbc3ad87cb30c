"""Session fixation: logging in starts a new session, so a cookie planted before the login is worth nothing."""

from __future__ import annotations

from tests.helpers.forms import csrf_token
from tests.security.helpers import IDP_PASSWORD
from tests.security.helpers import RP_PASSWORD


def session_cookie(client, app) -> str | None:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def plant(client) -> None:
    with client.session_transaction() as s:
        s["planted_by_attacker"] = "x"


def test_idp_login_replaces_the_session(idp):
    client = idp.test_client()
    plant(client)
    page = client.get("/login")
    before = session_cookie(client, idp)
    res = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "login": idp.account.email,
            "password": IDP_PASSWORD,
        },
    )
    assert res.status_code == 302
    after = session_cookie(client, idp)
    assert after and after != before
    with client.session_transaction() as s:
        assert "planted_by_attacker" not in s and "csrf_token" not in s
    # The cookie from before the login (what an attacker could have planted) is still anonymous.
    attacker = idp.test_client()
    attacker.set_cookie(idp.config["SESSION_COOKIE_NAME"], before)
    assert attacker.get("/profile").status_code == 302
    assert client.get("/profile").status_code == 200


def test_diary_login_replaces_the_session(rp_app, diary_user):
    client = rp_app.test_client()
    plant(client)
    page = client.get("/login")
    before = session_cookie(client, rp_app)
    res = client.post(
        "/login",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "login": "ivanova.m", "password": RP_PASSWORD},
    )
    assert res.status_code == 302
    after = session_cookie(client, rp_app)
    assert after and after != before
    with client.session_transaction() as s:
        assert "planted_by_attacker" not in s and "csrf_token" not in s
    attacker = rp_app.test_client()
    attacker.set_cookie(rp_app.config["SESSION_COOKIE_NAME"], before)
    assert attacker.get("/settings").status_code == 302
    assert client.get("/settings").status_code == 200


def test_diary_gosuslugi_login_replaces_the_session(rp_app, diary_user, op):
    from rp.extensions import db
    from rp.models.people import Identity
    from tests.rp.fakeop import ISSUER
    from tests.rp.fakeop import login

    with rp_app.app_context():
        db.session.add(Identity(user_id=diary_user, issuer=ISSUER, subject=op.subject))
        db.session.commit()
    client = rp_app.test_client()
    plant(client)
    res = login(client, op)
    assert res.status_code == 302, res.get_data(as_text=True)[:500]
    with client.session_transaction() as s:
        assert "planted_by_attacker" not in s
        assert s.get("user_id") == diary_user
