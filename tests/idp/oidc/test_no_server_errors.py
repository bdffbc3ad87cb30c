"""Nothing a client sends makes the OpenID Provider answer 500: odd redirect URIs, broken Basic headers."""

from __future__ import annotations

import base64

import pytest

from tests.idp.oidc.helpers import REDIRECT


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://app.example/c\tb",
        'https://app.example/c"b',
        "https://app.example/c\\b",
        "https://app.example/кб",
        "https://app.example/c\u2028b",
        "https://app.example/cb\u2029",
        'https://evil.example/"><script>',
        "https://пример.рф/cb",
    ],
)
def test_authorize_with_an_unprintable_redirect_uri_shows_the_error_page(logged_in, redirect_uri):
    resp, _ = logged_in.authorize(redirect_uri=redirect_uri)
    assert resp.status_code == 400 and resp.location is None
    assert "Ошибка входа в приложение" in resp.get_data(as_text=True)


def test_token_with_a_basic_header_that_is_not_utf8_is_invalid_client(logged_in):
    raw = base64.b64encode(b"app\xff\xfe:s\xc3(cret").decode()
    resp = logged_in.client.post(
        "/token",
        data={"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT},
        headers={"Authorization": "Basic " + raw},
    )
    assert resp.status_code == 401
    assert resp.get_json()["error"] == "invalid_client"
