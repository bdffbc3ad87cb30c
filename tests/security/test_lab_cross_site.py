"""Another web page cannot reach the lab: JSON-only lab API, cross-site requests and foreign ``Host`` names refused.

The attack of issue 12: an auto-submitting form on another origin POSTed ``/api/lab/reset`` form-encoded; the
lab API trusted loopback, read the body as ``{}`` and wiped the diary. DNS rebinding (``Host:
rebind.attacker.example``) read ``/lab/inbox.json`` from the browser.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests.helpers.forms import csrf_token

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


def diary_people(rp_app) -> int:
    from rp.extensions import db
    from rp.models.people import Person

    with rp_app.app_context():
        return db.session.scalar(select(func.count()).select_from(Person))


def idp_accounts(idp_app) -> int:
    from idp.db import db
    from idp.models import Account

    with idp_app.app_context():
        return db.session.scalar(select(func.count()).select_from(Account))


@pytest.fixture
def seeded(request):
    """Both apps with a little data to lose: a diary login, an IdP account (each app only when a test uses it)."""

    class Lazy(dict):
        def __missing__(self, kind):
            if kind == "rp":
                from tests.rp.fakeop import add_person

                app = request.getfixturevalue("rp_app")
                add_person(app)
                self[kind] = (app, app.test_client(), diary_people)
            else:
                from tests.idp.oidc.helpers import make_account

                app = request.getfixturevalue("idp_app")
                make_account(app)
                self[kind] = (app, app.test_client(), idp_accounts)
            return self[kind]

    return Lazy()


APPS = ["idp", "rp"]


@pytest.mark.parametrize("kind", APPS)
def test_a_form_encoded_reset_is_refused_and_wipes_nothing(seeded, kind):
    app, client, count = seeded[kind]
    before = count(app)
    assert before > 0
    # What an auto-submitting <form method=post action=http://127.0.0.1:5002/api/lab/reset> sends (on loopback).
    response = client.post("/api/lab/reset", data={"x": "y"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"
    empty_form = client.post("/api/lab/reset", content_type="application/x-www-form-urlencoded", data=b"")
    assert empty_form.status_code == 415
    text_plain = client.post("/api/lab/reset", content_type="text/plain", data=b'{"demo": false}')
    assert text_plain.status_code == 415
    assert count(app) == before


@pytest.mark.parametrize("kind", APPS)
def test_an_empty_reset_body_never_means_everything(seeded, kind):
    app, client, count = seeded[kind]
    before = count(app)
    for kwargs in ({}, {"json": {}}, {"content_type": "application/json", "data": b""}, {"json": {"keep_keys": True}}):
        response = client.post("/api/lab/reset", **kwargs)
        assert response.status_code in (400, 415), kwargs
        assert "demo" in response.get_json()["error_description"] or response.status_code == 415, kwargs
    assert count(app) == before
    assert client.post("/api/lab/reset").get_json()["error"] == "unsupported_media_type"
    wiped = client.post("/api/lab/reset", json={"demo": False})
    assert wiped.status_code == 200 and wiped.get_json()["demo"] is False
    assert count(app) == 0


@pytest.mark.parametrize("kind", APPS)
@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
)
def test_a_cross_site_json_request_is_refused(seeded, kind, headers):
    app, client, count = seeded[kind]
    before = count(app)
    response = client.post("/api/lab/reset", json={"demo": False}, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"] == "cross_site_request"
    assert count(app) == before


@pytest.mark.parametrize("kind", APPS)
def test_the_apps_own_origins_and_tools_without_origin_are_accepted(seeded, kind):
    app, client, _ = seeded[kind]
    for origin in (
        "http://127.0.0.1:5001",
        "http://localhost:5002",
        "http://idp.localhost:5001",
        "http://rp.localhost:5002",
    ):
        response = client.post("/api/lab/reset", json={"demo": False}, headers={"Origin": origin})
        assert response.status_code == 200, origin
    same = client.post("/api/lab/reset", json={"demo": False}, headers={"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200


@pytest.mark.parametrize("kind", APPS)
@pytest.mark.parametrize("path", ["/lab/inbox.json", "/api/lab/faults", "/lab/linking"])
def test_dns_rebinding_host_is_refused(seeded, kind, path):
    app, client, _ = seeded[kind]
    if (kind, path) in (("rp", "/lab/inbox.json"), ("rp", "/api/lab/faults"), ("idp", "/lab/linking")):
        pytest.skip("not a route of this app")
    refused = client.get(path, headers={"Host": "rebind.attacker.example:5001", "Accept": "application/json"})
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "host_not_allowed"
    page = client.get(path, headers={"Host": "rebind.attacker.example", "Accept": "text/html"})
    assert page.status_code == 403
    for host in ("127.0.0.1:5001", "localhost", "idp.localhost:5001", "rp.localhost:5002", "[::1]:5001"):
        assert client.get(path, headers={"Host": host}).status_code == 200, host


def test_the_configured_base_url_host_is_accepted(seeded):
    idp_app, idp_client, _ = seeded["idp"]
    rp_app, rp_client, _ = seeded["rp"]
    assert idp_client.get("/lab/inbox.json", headers={"Host": "idp.test"}).status_code == 200  # ISSUER
    assert rp_client.get("/lab/linking", headers={"Host": "rp.test"}).status_code == 200  # BASE_URL
    assert rp_client.get("/lab/linking", headers={"Host": "idp.test"}).status_code == 403


def test_extra_allowed_hosts_come_from_the_settings(tmp_path):
    from idp.config import build_config

    config = build_config({"ALLOWED_HOSTS": "lab.example, other.example:8443"})
    assert {"lab.example", "other.example:8443", "127.0.0.1", "localhost", "idp.localhost"} <= set(
        config["ALLOWED_HOSTS"]
    )


def test_lab_page_forms_refuse_cross_site_posts(idp_app, idp_client):
    page = idp_client.get("/lab").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page)}
    refused = idp_client.post("/lab/clock/reset", data=data, headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403
    assert "evil.example" not in refused.get_data(as_text=True)
    refused = idp_client.post("/lab/clock/reset", data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    own = idp_client.post("/lab/clock/reset", data=data, headers={"Origin": "http://localhost"})
    assert own.status_code in (200, 302)


def test_a_browsers_own_form_post_with_origin_null_is_accepted(idp_app, idp_client):
    """The apps send ``Referrer-Policy: no-referrer``, so Chromium posts their own forms with ``Origin: null``."""
    data = {"csrf_token": csrf_token(idp_client.get("/lab").get_data(as_text=True))}
    own = {"Origin": "null", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate"}
    assert idp_client.post("/lab/clock/reset", data=data, headers=own).status_code in (200, 302)
    other = {"Origin": "null", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    assert idp_client.post("/lab/clock/reset", data=data, headers=other).status_code == 403
    assert idp_client.post("/lab/clock/reset", data=data, headers={"Origin": "null"}).status_code == 403


def test_a_cross_site_link_to_a_lab_page_still_opens_it(idp_client, rp_client):
    """A top-level navigation (a link from the other app or a tutorial page) reads nothing a script could see."""
    navigate = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert idp_client.get("/lab", headers=navigate).status_code == 200
    assert rp_client.get("/lab/linking", headers=navigate).status_code == 200
    script = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}
    assert idp_client.get("/lab/inbox.json", headers=script).status_code == 403
    data = {"csrf_token": csrf_token(idp_client.get("/lab").get_data(as_text=True))}
    posted = {**navigate, "Origin": "http://evil.example"}
    assert idp_client.post("/lab/clock/reset", data=data, headers=posted).status_code == 403


def test_the_lab_access_page_checks_the_host_too(idp_client):
    assert idp_client.get("/lab-access", headers={"Host": "rebind.attacker.example"}).status_code == 403
