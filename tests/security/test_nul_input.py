"""NUL characters (which PostgreSQL text cannot hold) are refused as bad input on both apps, never a 500."""

from __future__ import annotations

import pytest

from tests.helpers.forms import csrf_token


@pytest.mark.parametrize("app_fixture", ["idp_app", "rp_app"])
def test_nul_in_a_form_field_is_a_bad_request(request, app_fixture):
    client = request.getfixturevalue(app_fixture).test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    res = client.post("/login", data={"csrf_token": token, "login": "user\x00name", "password": "x\x00"})
    assert res.status_code == 400
    assert 'name="password"' not in res.get_data(as_text=True)  # the error page, not the form re-shown


@pytest.mark.parametrize(
    ("app_fixture", "url", "control"),
    [("idp_app", "/login?next=%00", "/login?next=/"), ("rp_app", "/login/esia/a%00b", "/login/esia/ab")],
)
def test_nul_in_the_url_is_a_bad_request(request, app_fixture, url, control):
    client = request.getfixturevalue(app_fixture).test_client()
    assert client.get(control).status_code != 400
    assert client.get(url).status_code == 400


def test_nul_in_a_json_body_is_a_bad_request(idp_app):
    idp_app.config.update(DYNAMIC_REGISTRATION=True, DYNAMIC_REGISTRATION_OPEN=True)
    client = idp_app.test_client()
    res = client.post("/register", json={"client_name": "a\u0000b", "redirect_uris": ["https://x.example/cb"]})
    assert res.status_code == 400
    res = client.post("/register", json={"client_name": "ab", "redirect_uris": ["https://x.example/cb"]})
    assert res.status_code == 201
