"""Fault injection: each kind as a client sees it, scoping, counting, the API, the CLI, the page and banner."""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.errors import InvalidClaimError
from joserfc.errors import InvalidKeyIdError
from joserfc.jwk import KeySet

from fedlab.cli import main
from tests.helpers.forms import csrf_token
from tests.idp.oidc.helpers import ISSUER
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import SECRET
from tests.idp.oidc.helpers import Flow
from tests.idp.oidc.helpers import make_account
from tests.idp.oidc.helpers import query_of


@pytest.fixture
def app(idp_app):
    """The IdP with clients ``app`` and ``other`` registered."""
    from idp.db import db
    from idp.domain.clients import create_client

    with idp_app.app_context():
        create_client(db.session, "app", SECRET, [REDIRECT], name="Тестовое приложение")
        create_client(db.session, "other", SECRET, ["https://other.example/cb"], name="Другое")
        db.session.commit()
    return idp_app


@pytest.fixture
def flow(app):
    """A flow driver with a standard account logged in."""
    driver = Flow(app, app.test_client())
    driver.login(make_account(app))
    return driver


def add(app, kind: str, **kwargs) -> int:
    """Add a fault directly through the domain module and return its id."""
    from idp.db import db
    from idp.domain import faults

    with app.app_context():
        row = faults.add_fault(db.session, kind, **kwargs)
        db.session.commit()
        return row.id


def active(app) -> list[dict]:
    from idp.db import db
    from idp.domain import faults

    with app.app_context():
        return [faults.fault_json(f) for f in faults.active_faults(db.session)]


def jwks(flow) -> KeySet:
    return KeySet.import_key_set(flow.client.get("/jwks.json").get_json())


def verified_claims(flow, id_token: str, nonce: str) -> dict:
    """Verify an ID token as a careful relying party would (signature, iss, aud, exp, nonce)."""
    token = jwt.decode(id_token, jwks(flow), algorithms=["RS256", "ES256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER},
        aud={"essential": True, "value": "app"},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
    ).validate(token.claims)
    return token.claims


# --- the authorization endpoint ---------------------------------------------------------------------


@pytest.mark.parametrize("error", ["access_denied", "temporarily_unavailable", "login_required"])
def test_authorize_error_redirects_to_client_with_state_and_iss(app, flow, error):
    add(app, "authorize_error", error=error, count=1)
    resp, sent = flow.authorize()
    assert resp.status_code == 302
    got = query_of(resp.location)
    assert resp.location.startswith(REDIRECT)
    assert got["error"] == error
    assert got["state"] == sent["state"]
    assert got["iss"] == ISSUER
    # Count 1: the next request works again and the fault is gone.
    assert "code" in query_of(flow.authorize()[0].location)
    assert active(app) == []


def test_authorize_error_fires_before_login_too(app):
    add(app, "authorize_error", error="server_error")
    resp, sent = Flow(app, app.test_client()).authorize()
    assert query_of(resp.location)["error"] == "server_error"


def test_fault_for_another_client_does_not_fire(app, flow):
    add(app, "authorize_error", client_id="other")
    resp, _ = flow.authorize()
    assert "code" in query_of(resp.location)
    assert len(active(app)) == 1


def test_until_cleared_keeps_firing_and_counts(app, flow):
    fault_id = add(app, "authorize_error", client_id="app")
    for _ in range(3):
        assert query_of(flow.authorize()[0].location)["error"] == "access_denied"
    [row] = active(app)
    assert row["id"] == fault_id and row["remaining"] is None and row["fired"] == 3


def test_count_expires_after_n_requests(app, flow):
    add(app, "authorize_error", count=2)
    errors = [query_of(flow.authorize()[0].location).get("error") for _ in range(3)]
    assert errors == ["access_denied", "access_denied", None]


def test_invalid_redirect_uri_is_never_followed_even_with_a_fault(app, flow):
    add(app, "authorize_error")
    resp, _ = flow.authorize(redirect_uri="https://evil.example/cb")
    assert resp.status_code == 400
    assert len(active(app)) == 1  # not consumed


# --- the token endpoint -------------------------------------------------------------------------------


def test_token_error_500_then_recovers(app, flow):
    code, _ = flow.code()
    add(app, "token_error", count=1)
    resp = flow.token(code)
    assert resp.status_code == 500
    assert resp.get_json()["error"] == "server_error"
    # The code was not consumed by the failed attempt: a retry succeeds.
    assert flow.token(code).status_code == 200


def test_token_chosen_oauth_error(app, flow):
    code, _ = flow.code()
    add(app, "token_error", error="invalid_grant", description="Код устарел")
    resp = flow.token(code)
    assert resp.status_code == 400
    assert resp.get_json() == {"error": "invalid_grant", "error_description": "Код устарел"}


def test_token_slow_still_answers(app, flow):
    code, _ = flow.code()
    add(app, "token_slow", delay="10ms", count=1)
    resp = flow.token(code)
    assert resp.status_code == 200 and "id_token" in resp.get_json()
    assert active(app) == []


def test_token_fault_of_other_client_is_ignored(app, flow):
    code, _ = flow.code()
    add(app, "token_error", client_id="other")
    assert flow.token(code).status_code == 200


# --- the ID token --------------------------------------------------------------------------------------


def _tokens(flow) -> tuple[str, str]:
    body = flow.tokens()
    return body["id_token"], body["_sent"]["nonce"]


def test_id_token_is_valid_without_faults(app, flow):
    id_token, nonce = _tokens(flow)
    assert verified_claims(flow, id_token, nonce)["family_name"] == "Иванова"


def test_id_token_unknown_key(app, flow):
    add(app, "id_token_unknown_key", count=1)
    id_token, nonce = _tokens(flow)
    header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    published = {k["kid"] for k in flow.client.get("/jwks.json").get_json()["keys"]}
    assert header["kid"] not in published
    with pytest.raises((BadSignatureError, InvalidKeyIdError)):
        verified_claims(flow, id_token, nonce)


@pytest.mark.parametrize(
    ("kind", "claim"),
    [("id_token_wrong_iss", "iss"), ("id_token_wrong_aud", "aud"), ("id_token_wrong_nonce", "nonce")],
)
def test_id_token_wrong_claim(app, flow, kind, claim):
    add(app, kind, count=1)
    id_token, nonce = _tokens(flow)
    with pytest.raises(InvalidClaimError) as err:
        verified_claims(flow, id_token, nonce)
    assert claim in str(err.value)
    # The next login is clean again.
    id_token, nonce = _tokens(flow)
    assert verified_claims(flow, id_token, nonce)


def test_id_token_expired(app, flow):
    from joserfc.errors import ExpiredTokenError

    add(app, "id_token_expired")
    id_token, nonce = _tokens(flow)
    with pytest.raises(ExpiredTokenError):
        verified_claims(flow, id_token, nonce)


def test_id_token_missing_claims(app, flow):
    add(app, "id_token_missing_claims", claims="nonce,family_name")
    id_token, _ = _tokens(flow)
    claims = jwt.decode(id_token, jwks(flow), algorithms=["RS256"]).claims
    assert "nonce" not in claims and "family_name" not in claims
    assert claims["given_name"] == "Мария"


def test_fired_fault_is_in_the_protocol_trace(app, flow):
    add(app, "id_token_wrong_aud", count=1)
    flow.tokens()
    traces = flow.client.get("/api/lab/traces").get_json()
    trace_id = (traces.get("traces") or traces)[0]["id"] if isinstance(traces, dict) else traces[0]["id"]
    exchanges = flow.client.get(f"/api/lab/traces/{trace_id}").get_json()["exchanges"]
    token_step = [e for e in exchanges if e["step"] == "token"][0]
    assert token_step["response"]["faults"][0]["kind"] == "id_token_wrong_aud"


# --- userinfo --------------------------------------------------------------------------------------------


def test_userinfo_returns_another_sub(app, flow):
    body = flow.tokens()
    id_sub = jwt.decode(body["id_token"], jwks(flow), algorithms=["RS256"]).claims["sub"]
    add(app, "userinfo_wrong_sub", count=1)
    headers = {"Authorization": "Bearer " + body["access_token"]}
    first = flow.client.get("/userinfo", headers=headers).get_json()
    assert first["sub"] != id_sub
    assert flow.client.get("/userinfo", headers=headers).get_json()["sub"] == id_sub


# --- validation, API, CLI, page and banner ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "kwargs", "field"),
    [
        ("nope", {}, "kind"),
        ("authorize_error", {"error": "bogus"}, "error"),
        ("token_error", {"error": "access_denied"}, "error"),
        ("token_slow", {"delay": "soon"}, "delay"),
        ("id_token_missing_claims", {}, "claims"),
        ("authorize_error", {"count": 0}, "count"),
    ],
)
def test_bad_faults_are_refused(app, kind, kwargs, field):
    from idp.db import db
    from idp.domain import faults

    with app.app_context(), pytest.raises(faults.FaultInvalid) as err:
        faults.add_fault(db.session, kind, **kwargs)
    assert err.value.field == field


def test_delay_is_capped():
    from idp.domain.faults import MAX_DELAY_SECONDS
    from idp.domain.faults import parse_delay

    assert parse_delay("5s") == 5 and parse_delay("250ms") == 0.25 and parse_delay(2) == 2
    assert parse_delay("3600") == MAX_DELAY_SECONDS


def test_api_add_list_delete(app):
    client = app.test_client()
    resp = client.post("/api/lab/faults", json={"kind": "token_slow", "client_id": "app", "delay": "2s", "count": 3})
    assert resp.status_code == 201
    created = resp.get_json()
    assert created["params"] == {"delay": 2.0} and created["remaining"] == 3 and created["client_id"] == "app"
    assert [f["id"] for f in client.get("/api/lab/faults").get_json()["faults"]] == [created["id"]]
    assert client.delete(f"/api/lab/faults/{created['id']}").status_code == 204
    assert client.get("/api/lab/faults").get_json()["faults"] == []
    assert client.delete(f"/api/lab/faults/{created['id']}").status_code == 404


def test_api_rejects_bad_input_with_json(app):
    client = app.test_client()
    resp = client.post("/api/lab/faults", json={"kind": "authorize_error", "error": "bogus"})
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "invalid_fault" and resp.get_json()["field"] == "error"
    resp = client.post("/api/lab/faults", data="not json", content_type="application/json")
    assert resp.status_code == 400 and resp.is_json
    resp = client.post("/api/lab/faults", json={"kind": "authorize_error", "count": "many"})
    assert resp.status_code == 400 and resp.get_json()["field"] == "count"


def test_api_needs_token_off_loopback(app):
    client = app.test_client()
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/api/lab/faults", environ_base=remote).status_code == 401
    wrong = client.get("/api/lab/faults", environ_base=remote, headers={"X-Lab-Token": "nope"})
    assert wrong.status_code == 401 and wrong.is_json
    ok = client.get("/api/lab/faults", environ_base=remote, headers={"X-Lab-Token": app.config["LAB_TOKEN"]})
    assert ok.status_code == 200


def test_api_and_page_hidden_without_lab_mode(tmp_path):
    from idp import create_app

    app = create_app({"TESTING": True, "LAB_MODE": False, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    client = app.test_client()
    assert client.get("/api/lab/faults").status_code == 404
    assert client.get("/lab/faults").status_code == 404


def test_cli_add_list_clear(app):
    runner = CliRunner()

    def run(*args):
        with app.app_context():
            return runner.invoke(main, ["idp", "fault", *args], catch_exceptions=False)

    res = run("add", "authorize_error", "--client", "app", "--count", "2", "--error", "server_error", "--json")
    assert res.exit_code == 0, res.output
    created = json.loads(res.output)
    assert created["params"]["error"] == "server_error" and created["remaining"] == 2
    run("add", "token_slow", "--delay", "5s")
    run("add", "id_token_missing_claims", "--claims", "sub,nonce")
    listed = json.loads(run("list", "--json").output)
    assert [f["kind"] for f in listed] == ["authorize_error", "token_slow", "id_token_missing_claims"]
    assert "authorize_error" in run("list").output
    assert run("clear", str(created["id"])).exit_code == 0
    assert len(json.loads(run("list", "--json").output)) == 2
    bad = run("add", "token_error", "--error", "nope", "--json")
    assert bad.exit_code == 1 and json.loads(bad.output)["field"] == "error"
    assert run("clear", "--all").exit_code == 0
    assert json.loads(run("list", "--json").output) == []
    assert run("clear", "999").exit_code == 1


def test_page_add_shows_banner_and_clear(app):
    client = app.test_client()
    page = client.get("/lab/faults")
    assert page.status_code == 200
    assert "Активны сбои" not in page.get_data(as_text=True)
    resp = client.post(
        "/lab/faults",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "kind": "token_error",
            "client_id": "app",
            "count": "1",
        },
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "token_error" in html
    # The banner is on every IdP page, with a link to the faults page.
    home = client.get("/").get_data(as_text=True)
    assert "Активны сбои" in home and 'href="/lab/faults"' in home
    [fault] = active(app)
    html = client.get("/lab/faults").get_data(as_text=True)
    resp = client.post(f"/lab/faults/{fault['id']}/clear", data={"csrf_token": csrf_token(html)}, follow_redirects=True)
    assert resp.status_code == 200
    assert active(app) == []
    assert "Активны сбои" not in client.get("/").get_data(as_text=True)


def test_page_form_errors_are_shown(app):
    client = app.test_client()
    html = client.get("/lab/faults").get_data(as_text=True)
    resp = client.post(
        "/lab/faults", data={"csrf_token": csrf_token(html), "kind": "token_slow", "delay": "скоро", "count": ""}
    )
    assert resp.status_code == 422
    assert "скоро" in resp.get_data(as_text=True)
    assert active(app) == []
