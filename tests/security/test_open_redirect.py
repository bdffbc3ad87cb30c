"""Open redirects: no redirecting parameter of either app sends a browser off-site, except to a
registered redirect URI of a client.
"""

from __future__ import annotations

from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest

from tests.helpers.forms import csrf_token
from tests.idp.oidc.helpers import REDIRECT
from tests.security.helpers import IDP_PASSWORD
from tests.security.helpers import RP_PASSWORD

pytestmark = pytest.mark.any_database  # where a redirect may go is decided without the database

#: Targets that browsers would take off-site (tabs and newlines are dropped by browsers, "\" is "/").
OFFSITE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "http://127.0.0.1.evil.example/",
]


def assert_local(location: str | None) -> None:
    """A redirect stays on the site: a path without scheme, host or a browser-normalised "//"."""
    assert location is not None
    cleaned = "".join(c for c in location if c not in "\t\r\n").replace("\\", "/").strip()
    parts = urlsplit(cleaned)
    assert not parts.scheme and not parts.netloc, location
    assert cleaned.startswith("/") and not cleaned.startswith("//"), location


@pytest.mark.parametrize("target", OFFSITE)
def test_idp_login_next_never_leaves_the_site(idp, target):
    client = idp.test_client()
    page = client.get("/login", query_string={"next": target})
    res = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "login": idp.account.email,
            "password": IDP_PASSWORD,
            "next": target,
        },
    )
    assert res.status_code == 302
    assert_local(res.headers["Location"])


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/cb",
        REDIRECT + "/../../evil",
        REDIRECT + "?next=https://evil.example",
        REDIRECT + "#x",
        REDIRECT + "/",
        "https://app.example.evil.example/cb",
        "https://app.example@evil.example/cb",
        "https://evil.example/" + REDIRECT,
        REDIRECT.upper(),
        "http://app.example/cb",
    ],
)
def test_idp_authorize_redirects_only_to_a_registered_redirect_uri(flow, redirect_uri):
    res, _ = flow.authorize(redirect_uri=redirect_uri)
    assert res.status_code == 400 or not (300 <= res.status_code < 400), res.headers.get("Location")
    assert "evil.example" not in res.headers.get("Location", "")


def test_idp_authorize_error_for_a_registered_uri_goes_back_to_it(flow):
    """The control: a registered redirect URI does get the browser (with the error)."""
    res, _ = flow.authorize(response_type="token")
    assert res.status_code == 302
    assert res.headers["Location"].startswith(REDIRECT + "?")


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "https://app.example/bye/../evil", "https://app.example/bye?x=1"]
)
def test_idp_logout_goes_only_to_a_registered_post_logout_uri(flow, target):
    tokens = flow.tokens()
    query = {"post_logout_redirect_uri": target, "id_token_hint": tokens["id_token"], "state": "s"}
    res = flow.client.get("/logout?" + urlencode(query))
    assert not (300 <= res.status_code < 400 and "evil" in res.headers.get("Location", "")), res.headers
    assert not res.headers.get("Location", "").startswith(target)
    # The same without the id_token_hint (a confirmation page, then the POST).
    res = flow.client.get("/logout?" + urlencode({"post_logout_redirect_uri": target, "client_id": "app"}))
    assert not res.headers.get("Location", "").startswith(target)


def test_idp_logout_control_registered_uri_is_followed(flow):
    tokens = flow.tokens()
    query = {"post_logout_redirect_uri": "https://app.example/bye", "id_token_hint": tokens["id_token"]}
    res = flow.client.get("/logout?" + urlencode(query))
    assert res.status_code == 302 and res.headers["Location"].startswith("https://app.example/bye")


@pytest.mark.parametrize("target", OFFSITE)
def test_diary_login_next_never_leaves_the_site(rp_app, diary_user, target):
    client = rp_app.test_client()
    page = client.get("/login", query_string={"next": target})
    res = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "login": "ivanova.m",
            "password": RP_PASSWORD,
            "next": target,
        },
    )
    assert res.status_code == 302
    assert_local(res.headers["Location"])
    # Already signed in: the login page redirects straight to ``next``.
    res = client.get("/login", query_string={"next": target})
    assert res.status_code == 302
    assert_local(res.headers["Location"])


@pytest.mark.parametrize("parameter", ["returnUrl", "next"])
@pytest.mark.parametrize("target", OFFSITE[:6])
def test_diary_gosuslugi_return_url_never_leaves_the_site(rp_app, diary_user, op, parameter, target):
    from rp.extensions import db
    from rp.models.people import Identity
    from tests.rp.fakeop import ISSUER
    from tests.rp.fakeop import start

    with rp_app.app_context():
        db.session.add(Identity(user_id=diary_user, issuer=ISSUER, subject=op.subject))
        db.session.commit()
    client = rp_app.test_client()
    params = start(client, **{parameter: target})
    op.nonce = params["nonce"]
    res = client.get("/login/callback?" + urlencode({"code": "c", "state": params["state"], "iss": ISSUER}))
    assert res.status_code == 302, res.get_data(as_text=True)[:500]
    assert_local(res.headers["Location"])


@pytest.mark.parametrize("target", OFFSITE)
def test_diary_consent_next_never_leaves_the_site(rp_app, diary_user, target):
    client = rp_app.test_client()
    with client.session_transaction() as s:
        s["user_id"] = diary_user
    page = client.get("/consent", query_string={"next": target})
    res = client.post(
        "/consent?" + urlencode({"next": target}),
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "accept": "1"},
    )
    assert res.status_code == 302
    assert_local(res.headers["Location"])
