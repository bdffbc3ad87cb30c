"""The worker's lab cache never hides a change another worker (or the CLI) made to the lab.

Each test warms the cache with complete logins, then changes the lab through a session of its own engine,
outside the app (as the other gunicorn worker or ``fedlab idp ...`` would), and checks what the relying
party sees on the very next request.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import query_of


@pytest.fixture
def warm(logged_in):
    """A logged-in person who logged in to ``app`` twice: the worker holds client, key, clock and faults."""
    logged_in.tokens()
    logged_in.tokens()
    return logged_in


@pytest.fixture
def other_worker(warm):
    """A session on the app's database that is not the app's (its own engine and connection)."""
    engine = create_engine(warm.app.config["SQLALCHEMY_DATABASE_URI"])
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_a_fault_another_worker_adds_fires_on_the_next_authorization(warm, other_worker):
    from idp.domain import faults

    faults.add_fault(other_worker, "authorize_error", client_id="app", error="temporarily_unavailable", count=1)
    other_worker.commit()

    resp, _ = warm.authorize()
    assert resp.status_code == 302
    assert query_of(resp.location)["error"] == "temporarily_unavailable"
    resp, _ = warm.authorize()  # used up: the next one gets a code again
    assert "code" in query_of(resp.location)


def test_a_redirect_uri_another_worker_removes_is_refused_at_once(warm, other_worker):
    from idp.models.oauth import OAuth2Client

    client = other_worker.scalar(select(OAuth2Client).where(OAuth2Client.client_id == "app"))
    client.redirect_uris_json = json.dumps(["https://app.example/cb2?x=1"])
    other_worker.commit()

    resp, _ = warm.authorize(redirect_uri=REDIRECT)
    assert resp.status_code == 400
    assert "code=" not in (resp.location or "")


def test_the_lab_clock_moved_by_another_worker_expires_a_code(warm, other_worker):
    from idp.domain import labstate

    code, _ = warm.code()
    labstate.advance_clock(other_worker, timedelta(minutes=5))
    other_worker.commit()

    resp = warm.token(code)
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "invalid_grant"


def test_a_claim_override_another_worker_sets_reaches_userinfo(warm, other_worker):
    from idp.domain import claim_overrides

    claim_overrides.set_claims(other_worker, {"email": "scripted@example.test"}, client_id="app")
    other_worker.commit()

    tokens = warm.tokens()
    info = warm.client.get("/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert info.get_json()["email"] == "scripted@example.test"


def test_a_key_rotated_by_another_worker_signs_the_next_id_token(warm, other_worker):
    from idp.oidc import keys

    new = keys.rotate(other_worker, "RS256")
    other_worker.commit()

    tokens = warm.tokens()
    assert warm.id_token_claims(tokens["id_token"])["_header"]["kid"] == new.kid


def test_a_client_removed_by_another_worker_is_unknown_at_the_token_endpoint(warm, other_worker):
    from idp.models.oauth import OAuth2Client

    code, _ = warm.code()
    other_worker.delete(other_worker.scalar(select(OAuth2Client).where(OAuth2Client.client_id == "app")))
    other_worker.commit()

    resp = warm.token(code)
    assert resp.status_code == 401
    assert resp.get_json()["error"] == "invalid_client"


def test_unknown_client_ids_are_not_kept(oidc_app):
    """Anyone can send a client_id: a worker keeps only the clients that exist."""
    from idp.domain import lab_cache

    client = oidc_app.test_client()
    for n in range(5):
        resp = client.get(f"/authorize?response_type=code&client_id=nobody-{n}&scope=openid")
        assert resp.status_code == 400
    assert not [key for key in lab_cache._store if isinstance(key, tuple) and str(key[-1]).startswith("nobody-")]
