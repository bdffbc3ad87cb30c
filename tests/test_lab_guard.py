"""The one lab guard of both apps (``labkit.web.lab_guard``): lab mode, the lab token, and ProxyFix."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers.databases import CHEAP_HASHING
from tests.helpers.databases import app_database_url
from tests.helpers.databases import dispose_engines
from tests.helpers.databases import reset_schema

pytestmark = pytest.mark.any_database  # the guard decides from the request and the settings, not from the database

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}
LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}

#: One JSON API route and one lab page of each blueprint that had a guard of its own.
IDP_APIS = ["/api/lab/traces", "/api/lab/faults", "/api/lab/claims"]
RP_APIS = ["/api/lab/linking", "/api/lab/state"]
IDP_PAGES = ["/lab", "/lab/traces", "/lab/faults", "/lab/inbox.json", "/lab/presenter", "/lab/trainer"]
RP_PAGES = ["/lab/linking", "/lab/scenarios", "/lab/trainer"]


def make_app(kind: str, tmp_path, pg_databases, **config):
    """Create an app of ``kind`` ("idp" or "rp") with extra configuration on a fresh database."""
    if kind == "idp":
        from idp import create_app

        base = {"ISSUER": "http://idp.test"}
    else:
        from rp import create_app

        base = {"BASE_URL": "http://rp.test"}
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": f"test-{kind}-secret",
            "DATABASE_URL": app_database_url(pg_databases, kind, tmp_path),
            **base,
            **CHEAP_HASHING,
            **config,
        }
    )
    reset_schema(app)
    return app


@pytest.fixture
def apps(tmp_path, pg_databases):
    """A factory of apps with chosen settings; their engines are closed at the end."""
    made = []

    def factory(kind: str, **config):
        app = make_app(kind, tmp_path, pg_databases, **config)
        made.append(app)
        return app

    yield factory
    for app in made:
        dispose_engines(app)


@pytest.mark.parametrize("path", IDP_APIS)
def test_idp_api_wants_the_token_off_loopback(idp_app, idp_client, path):
    refused = idp_client.get(path, environ_base=REMOTE)
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "lab_token_required"
    wrong = idp_client.get(path, environ_base=REMOTE, headers={"X-Lab-Token": "nope"})
    assert wrong.status_code == 401
    right = idp_client.get(path, environ_base=REMOTE, headers={"X-Lab-Token": idp_app.config["LAB_TOKEN"]})
    assert right.status_code == 200
    assert idp_client.get(path, environ_base=LOOPBACK).status_code == 200


@pytest.mark.parametrize("path", RP_APIS)
def test_diary_api_wants_the_token_off_loopback(rp_app, rp_client, path):
    refused = rp_client.get(path, environ_base=REMOTE)
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "lab_token_required"
    assert rp_client.get(path, environ_base=REMOTE, headers={"X-Lab-Token": "nope"}).status_code == 401
    right = rp_client.get(path, environ_base=REMOTE, headers={"X-Lab-Token": rp_app.config["LAB_TOKEN"]})
    assert right.status_code == 200
    assert rp_client.get(path, environ_base=LOOPBACK).status_code == 200


def test_ipv6_loopback_counts_as_loopback(idp_client):
    assert idp_client.get("/api/lab/traces", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert idp_client.get("/api/lab/traces", environ_base={"REMOTE_ADDR": "::ffff:127.0.0.1"}).status_code == 200


def test_an_empty_configured_token_refuses_everyone_off_loopback(apps):
    app = apps("idp", LAB_TOKEN="")
    response = app.test_client().get("/api/lab/traces", environ_base=REMOTE, headers={"X-Lab-Token": ""})
    assert response.status_code == 401


def test_unknown_trace_and_linking_record_are_json_404(idp_client, rp_client):
    missing = idp_client.get("/api/lab/traces/no-such-trace")
    assert missing.status_code == 404
    assert "error" in missing.get_json()
    assert rp_client.get("/api/lab/linking/999").status_code == 404


@pytest.mark.parametrize(("name", "path"), [("idp", path) for path in IDP_PAGES] + [("rp", path) for path in RP_PAGES])
def test_lab_pages_need_the_token_off_loopback_and_lab_mode(apps, name, path):
    on = apps(name)
    assert on.test_client().get(path, environ_base=LOOPBACK).status_code == 200
    refused = on.test_client().get(path, environ_base=REMOTE)
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/lab-access?next=")
    token = {"X-Lab-Token": on.config["LAB_TOKEN"]}
    assert on.test_client().get(path, environ_base=REMOTE, headers=token).status_code == 200
    off = apps(name, LAB_MODE=False).test_client()
    assert off.get(path, environ_base=LOOPBACK).status_code == 404


def test_without_lab_mode_every_lab_api_is_404_even_with_the_token(apps):
    idp = apps("idp", LAB_MODE=False)
    rp = apps("rp", LAB_MODE=False)
    for app, paths in ((idp, IDP_APIS), (rp, RP_APIS)):
        client = app.test_client()
        for path in paths:
            response = client.get(path, headers={"X-Lab-Token": app.config["LAB_TOKEN"]})
            assert response.status_code == 404, path
            assert response.get_json()["error"] == "not_found"


def test_operator_pages_are_404_without_lab_mode(apps):
    assert apps("idp", LAB_MODE=False).test_client().get("/operator/login").status_code == 404


# --- ProxyFix ------------------------------------------------------------------------------------

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "lab.example"}


@pytest.mark.parametrize("kind,path", [("idp", "/api/lab/traces"), ("rp", "/api/lab/state")])
def test_without_proxy_fix_forwarded_headers_cannot_claim_loopback(apps, kind, path):
    client = apps(kind).test_client()
    assert client.get(path, environ_base=LOOPBACK).status_code == 200  # this machine's own browser or tool
    spoofed = client.get(path, environ_base=REMOTE, headers={"X-Forwarded-For": "127.0.0.1"})
    assert spoofed.status_code == 401
    # A reverse proxy on the same host nobody told the app about: its requests come from loopback but carry
    # its forwarding headers, so loopback no longer opens the lab without the token.
    for header in ({"X-Forwarded-For": "203.0.113.7"}, {"Forwarded": "for=203.0.113.7"}, {"X-Real-IP": "203.0.113.7"}):
        proxied = client.get(path, environ_base=LOOPBACK, headers=header)
        assert proxied.status_code == 401, header
        assert "Strict-Transport-Security" not in proxied.headers  # nor X-Forwarded-Proto make it https


@pytest.mark.parametrize("kind,path", [("idp", "/api/lab/traces"), ("rp", "/api/lab/state")])
def test_with_proxy_fix_loopback_never_opens_the_lab_without_the_token(apps, kind, path):
    app = apps(kind, PROXY_FIX_X_FOR=1, ALLOWED_HOSTS=["lab.example"])
    client = app.test_client()
    behind_proxy = client.get(path, environ_base=LOOPBACK, headers=FORWARDED)
    assert behind_proxy.status_code == 401  # the real client is 203.0.113.7, not the proxy on loopback
    with_token = client.get(path, environ_base=LOOPBACK, headers={**FORWARDED, "X-Lab-Token": app.config["LAB_TOKEN"]})
    assert with_token.status_code == 200
    assert "Strict-Transport-Security" in with_token.headers  # X-Forwarded-Proto: https is honoured
    local = client.get(path, environ_base=LOOPBACK, headers={"X-Forwarded-For": "127.0.0.1"})
    assert local.status_code == 401  # behind a proxy every request may claim loopback: the token is needed
    other_host = client.get(path, environ_base=LOOPBACK, headers={**FORWARDED, "X-Forwarded-Host": "evil.example"})
    assert other_host.status_code == 403


@pytest.mark.parametrize("kind,path", [("idp", "/api/lab/traces"), ("rp", "/api/lab/state")])
def test_in_production_loopback_never_opens_the_lab_without_the_token(apps, kind, path):
    secrets = {"SECRET_KEY": "s" * 32, "LAB_TOKEN": "t" * 32, "OPERATOR_PASSWORD": "o" * 32}
    secrets["DEMO_CLIENT_SECRET"] = "c" * 32
    app = apps(kind, ENV="production", LAB_MODE=True, **secrets)
    client = app.test_client()
    assert client.get(path, environ_base=LOOPBACK).status_code == 401
    assert client.get(path, environ_base=LOOPBACK, headers={"X-Lab-Token": "t" * 32}).status_code == 200


@pytest.mark.parametrize("kind,path", [("idp", "/api/lab/traces"), ("rp", "/api/lab/state")])
def test_wrong_lab_tokens_are_limited_per_address(apps, kind, path):
    app = apps(kind, LAB_TOKEN_MAX_ATTEMPTS=3, LAB_TOKEN_WINDOW_SECONDS=900)
    client = app.test_client()
    clock = app.extensions["clock"]
    clock.freeze()
    try:
        for _ in range(3):
            assert client.get(path, environ_base=REMOTE, headers={"X-Lab-Token": "guess"}).status_code == 401
        limited = client.get(path, environ_base=REMOTE, headers={"X-Lab-Token": app.config["LAB_TOKEN"]})
        assert limited.status_code == 429  # even the right token: the address has to wait
        assert limited.get_json()["error"] == "too_many_attempts"
        assert 0 < int(limited.headers["Retry-After"]) <= 900
        other = {"REMOTE_ADDR": "198.51.100.9"}
        assert client.get(path, environ_base=other, headers={"X-Lab-Token": app.config["LAB_TOKEN"]}).status_code == 200
        clock.advance(timedelta(seconds=901))
        again = client.get(path, environ_base=REMOTE, headers={"X-Lab-Token": app.config["LAB_TOKEN"]})
        assert again.status_code == 200
    finally:
        clock.unfreeze()


def test_the_lab_token_page_is_limited_too(apps):
    from tests.helpers.forms import csrf_token

    app = apps("idp", LAB_TOKEN_MAX_ATTEMPTS=2)
    client = app.test_client()
    data = {"csrf_token": csrf_token(client.get("/lab-access", environ_base=REMOTE).get_data(as_text=True))}
    for _ in range(2):
        assert client.post("/lab-access", data={**data, "token": "guess"}, environ_base=REMOTE).status_code == 401
    limited = client.post("/lab-access", data={**data, "token": app.config["LAB_TOKEN"]}, environ_base=REMOTE)
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    assert "Слишком много неверных токенов" in limited.get_data(as_text=True)


def test_proxy_fix_setting_comes_from_the_environment(monkeypatch):
    from idp.config import build_config as idp_config
    from rp.config import build_config as rp_config

    monkeypatch.delenv("FEDLAB_IDP_PROXY_FIX_X_FOR", raising=False)
    monkeypatch.delenv("FEDLAB_RP_PROXY_FIX_X_FOR", raising=False)
    assert idp_config()["PROXY_FIX_X_FOR"] == 0
    assert rp_config()["PROXY_FIX_X_FOR"] == 0
    monkeypatch.setenv("FEDLAB_IDP_PROXY_FIX_X_FOR", "2")
    monkeypatch.setenv("FEDLAB_RP_PROXY_FIX_X_FOR", "1")
    assert idp_config()["PROXY_FIX_X_FOR"] == 2
    assert rp_config()["PROXY_FIX_X_FOR"] == 1
