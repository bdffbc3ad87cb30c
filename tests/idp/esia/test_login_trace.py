"""An ESIA login typed on the log-in page: the form's POST is a step of the ESIA login's trace too."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from tests.helpers.forms import csrf_token
from tests.idp.esia.conftest import EsiaDriver


def test_the_password_post_joins_the_esia_trace(esia_app, rsa_pair, person):
    driver = EsiaDriver(esia_app, esia_app.test_client(), "RSA-SYS", rsa_pair)  # nobody logged in yet
    client = driver.client
    resp = client.get("/aas/oauth2/v2/ac?" + urlencode(driver.v2_params()))
    assert resp.status_code == 302 and "/login" in resp.location
    page = client.get(resp.location).get_data(as_text=True)
    next_url = re.search(r'name="next"[^>]*value="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert next_url.startswith("/aas/oauth2/lab/continue/")
    resp = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page),
            "login": "maria@example.ru",
            "password": "Gosuslugi+2024",
            "next": next_url,
        },
    )
    assert resp.status_code == 302
    (found,) = client.get("/api/lab/traces").get_json()["traces"]
    exchanges = client.get(f"/api/lab/traces/{found['id']}").get_json()["exchanges"]
    assert [(x["step"], x["method"], x["path"]) for x in exchanges] == [
        ("authorize", "GET", "/aas/oauth2/v2/ac"),
        ("login", "POST", "/login"),
    ]
    assert exchanges[1]["request"]["params"]["password"] == "(hidden)"
