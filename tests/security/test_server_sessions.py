"""Sessions live on the server: a copied cookie is worth nothing after logout, a password reset or change, or
the idle and absolute lifetimes; the cookie carries only a random id. Each test runs on the database and on Redis.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy import select

from tests.helpers.databases import CHEAP_HASHING
from tests.helpers.databases import app_database_url
from tests.helpers.databases import dispose_engines
from tests.helpers.databases import reset_schema
from tests.helpers.forms import csrf_token
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import SECRET
from tests.idp.oidc.helpers import make_account
from tests.security.helpers import IDP_PASSWORD
from tests.security.helpers import RP_PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/15"
IDLE = 1800
ABSOLUTE = 7200
LIFETIMES = {"SESSION_IDLE_SECONDS": IDLE, "SESSION_ABSOLUTE_SECONDS": ABSOLUTE, "SESSION_TOUCH_SECONDS": 60}


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return client


@pytest.fixture(params=["database", "redis"])
def backend(request):
    """``{}`` for the database store, or the Redis settings with a prefix of this test's own (deleted after it)."""
    if request.param == "database":
        yield {}
        return
    client = _redis_or_skip()
    prefix = f"fedlab-test:{uuid.uuid4().hex}:"
    yield {"REDIS_URL": REDIS_URL, "SESSION_REDIS_PREFIX": prefix}
    names = list(client.scan_iter(match=prefix + "*"))
    if names:
        client.delete(*names)


@pytest.fixture
def clock():
    """The IdP's and the diary's clocks (one object each), frozen; unfrozen afterwards."""
    from idp.clock import clock as idp_clock
    from rp.clock import clock as rp_clock

    idp_clock.freeze()
    rp_clock.freeze(idp_clock.real())
    yield (idp_clock, rp_clock)
    idp_clock.unfreeze()
    rp_clock.unfreeze()


@pytest.fixture
def session_app(tmp_path, pg_databases, backend):
    """Return a maker of an app (``"idp"`` or ``"rp"``) on this test's database and session store."""
    made = []

    def make(kind: str):
        from importlib import import_module

        own = {"idp": {"ISSUER": "http://idp.test"}, "rp": {"BASE_URL": "http://rp.test"}}[kind]
        app = import_module(kind).create_app(
            {
                "TESTING": True,
                "SECRET_KEY": f"test-{kind}-secret",
                "DATABASE_URL": app_database_url(pg_databases, kind, tmp_path),
                **own,
                **CHEAP_HASHING,
                **LIFETIMES,
                **backend,
            }
        )
        reset_schema(app)
        made.append(app)
        return app

    yield make
    for app in made:
        dispose_engines(app)


@pytest.fixture
def idp(session_app):
    from idp.db import db
    from idp.domain.clients import create_client

    app = session_app("idp")
    with app.app_context():
        create_client(db.session, "app", SECRET, [REDIRECT], name="Тестовое приложение")
        db.session.commit()
    app.account = make_account(app)
    return app


@pytest.fixture
def diary(session_app):
    from tests.rp.fakeop import add_person

    app = session_app("rp")
    app.user_id = add_person(app)
    return app


def cookie_of(client, app) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def copy_of(client, app):
    """A second browser holding a copy of ``client``'s session cookie (what a thief would have)."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie_of(client, app))
    return thief


def with_thief(client, app):
    """Return ``client`` and a thief's copy of its session cookie (the setup of every copied-cookie case)."""
    return client, copy_of(client, app)


def log_out(client, page_path: str) -> None:
    """Press «Выход» on the page at ``page_path`` (its form's CSRF token), as the person would."""
    page = client.get(page_path).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})


def idp_login(app, login: str | None = None, password: str = IDP_PASSWORD):
    client = app.test_client()
    page = client.get("/login")
    res = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "login": login or app.account.email,
            "password": password,
        },
    )
    assert res.status_code == 302, res.get_data(as_text=True)[:300]
    return client


def idp_logged_in(client) -> bool:
    return client.get("/profile").status_code == 200


def authorize(client):
    return client.get(
        "/authorize",
        query_string={
            "response_type": "code",
            "client_id": "app",
            "redirect_uri": REDIRECT,
            "scope": "openid",
            "state": "s",
            "nonce": uuid.uuid4().hex,
        },
    )


def diary_login(app):
    client = app.test_client()
    page = client.get("/login")
    res = client.post(
        "/login",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "login": "ivanova.m", "password": RP_PASSWORD},
    )
    assert res.status_code == 302
    return client


def diary_logged_in(client) -> bool:
    return client.get("/settings").status_code == 200


# --- the IdP ---------------------------------------------------------------------------------------


def test_idp_copied_cookie_is_refused_after_logout(idp):
    browser, thief = with_thief(idp_login(idp), idp)
    assert idp_logged_in(thief)
    log_out(browser, "/profile")
    assert not idp_logged_in(browser)
    assert not idp_logged_in(thief)


def test_idp_revoked_cookie_mints_no_authorization_code(idp):
    browser, thief = with_thief(idp_login(idp), idp)
    consented = authorize(thief)  # the consent page, or a code
    assert consented.status_code in (200, 302)
    log_out(browser, "/profile")
    res = authorize(thief)
    assert res.status_code == 302
    assert "code=" not in res.location and "/login" in res.location


def test_idp_password_reset_ends_every_session_of_the_account(idp):
    from tests.idp.code_flow_helpers import CodeSteps
    from tests.idp.code_flow_helpers import post_form
    from tests.idp.test_recovery import last_code

    laptop, thief = with_thief(idp_login(idp), idp)
    phone = idp_login(idp)
    other = make_account(idp, phone="+79110000999", email="other@example.test", snils="000-000-700 07")
    bystander = idp_login(idp, login="other@example.test")
    assert idp_logged_in(thief) and idp_logged_in(phone) and idp_logged_in(bystander)

    steps = CodeSteps("/recovery")
    helper = idp.test_client()
    assert post_form(helper, "/recovery", {"login": idp.account.email}).status_code == 302
    steps.enter_code(helper, last_code(idp))
    assert steps.set_password(helper, "Nov0e-Parol!").status_code == 302

    assert not idp_logged_in(laptop)
    assert not idp_logged_in(phone)
    assert not idp_logged_in(thief)
    assert "code=" not in (authorize(thief).location or "")
    assert idp_logged_in(bystander), "another account's sessions stay"
    assert other is not None
    idp_login(idp, password="Nov0e-Parol!")


def test_idp_session_ends_after_the_idle_lifetime(idp, clock):
    idp_clock, _ = clock
    browser = idp_login(idp)
    idp_clock.advance(timedelta(seconds=IDLE - 120))
    assert idp_logged_in(browser)  # a request keeps it going
    idp_clock.advance(timedelta(seconds=IDLE - 120))
    assert idp_logged_in(browser)
    idp_clock.advance(timedelta(seconds=IDLE + 1))
    assert not idp_logged_in(browser)


def test_idp_session_ends_after_the_absolute_lifetime_however_active(idp, clock):
    idp_clock, _ = clock
    browser = idp_login(idp)
    for _ in range(ABSOLUTE // 900 - 1):
        idp_clock.advance(timedelta(seconds=900))
        assert idp_logged_in(browser)
    idp_clock.advance(timedelta(seconds=900))
    assert not idp_logged_in(browser)
    assert "code=" not in (authorize(browser).location or "")


def test_idp_cookie_carries_only_a_random_id_and_the_server_only_its_hash(idp):
    import hashlib

    browser = idp_login(idp)
    value = cookie_of(browser, idp)
    assert len(value) >= 43 and "." not in value  # not a signed payload
    digest = hashlib.sha256(value.encode()).hexdigest()
    if idp.config.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(idp.config["REDIS_URL"])
        names = [n.decode() for n in client.scan_iter(match=idp.config["SESSION_REDIS_PREFIX"] + "session:*")]
        assert any(n.endswith(digest) for n in names) and not any(value in n for n in names)
        return
    from idp.db import db
    from idp.models.sessions import WebSession

    with idp.app_context():
        rows = db.session.scalars(select(WebSession)).all()
    assert digest in [r.key for r in rows] and all(value not in (r.key + r.data) for r in rows)
    assert [r.subject for r in rows if r.key == digest] == [str(idp.account.id)]


def test_idp_cookie_flags(idp):
    client = idp.test_client()
    page = client.get("/login")
    header = page.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    # Kept by the browser for the absolute lifetime (an active session outlives the idle one).
    assert f"Max-Age={ABSOLUTE}" in header


def test_production_cookie_is_secure(tmp_path):
    from labkit.settings import AppSettings

    assert AppSettings.build({"ENV": "production", "SECRET_KEY": "x" * 40, "LAB_TOKEN": "y" * 40})[
        "SESSION_COOKIE_SECURE"
    ]


def test_idp_session_read_is_one_select_and_writes_only_when_needed(idp, clock):
    if idp.config.get("REDIS_URL"):
        pytest.skip("statements are counted on the database store")
    idp_clock, _ = clock
    browser = idp_login(idp)
    from idp.db import db

    with idp.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, params, context, executemany):
        if "web_session" in statement:
            statements.append(statement.split()[0].upper())

    browser.get("/profile")  # the page's forms put a CSRF token in the session once (a change: one write)
    event.listen(engine, "before_cursor_execute", count)
    try:
        browser.get("/profile")
        browser.get("/profile")
        assert statements == ["SELECT", "SELECT"]  # nothing changed: one primary-key read each, no write
        statements.clear()
        idp_clock.advance(timedelta(seconds=61))
        browser.get("/profile")  # a minute on: the idle lifetime is moved once
        browser.get("/profile")
        assert statements == ["SELECT", "UPDATE", "SELECT"]
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_lab_reset_ends_logged_in_sessions(idp):
    browser = idp_login(idp)
    res = idp.test_client().post("/api/lab/reset", json={"demo": False})
    assert res.status_code == 200
    assert not idp_logged_in(browser)


# --- the diary -------------------------------------------------------------------------------------


def test_diary_copied_cookie_is_refused_after_logout(diary):
    browser, thief = with_thief(diary_login(diary), diary)
    assert diary_logged_in(thief)
    log_out(browser, "/settings")
    assert not diary_logged_in(browser)
    assert not diary_logged_in(thief)


def test_diary_password_change_ends_every_session_of_the_user(diary):
    from rp.auth_session import end_sessions_of_user
    from rp.extensions import db

    browser, thief = with_thief(diary_login(diary), diary)
    with diary.test_request_context():
        # What the operator's "change the password" and the first-login sequence do, with the new password.
        end_sessions_of_user(diary.user_id)
        db.session.commit()
    assert not diary_logged_in(browser)
    assert not diary_logged_in(thief)


def test_diary_session_ends_after_idle_and_absolute_lifetimes(diary, clock):
    _, rp_clock = clock
    browser = diary_login(diary)
    rp_clock.advance(timedelta(seconds=IDLE + 1))
    assert not diary_logged_in(browser)
    browser = diary_login(diary)
    for _ in range(ABSOLUTE // 900 - 1):
        rp_clock.advance(timedelta(seconds=900))
        assert diary_logged_in(browser)
    rp_clock.advance(timedelta(seconds=900))
    assert not diary_logged_in(browser)
