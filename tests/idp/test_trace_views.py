"""The trace viewer as a trainer reads it: linked from /lab, the password POST a step, one numbering, dates in words."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from tests.helpers.forms import csrf_token
from tests.idp.oidc.helpers import REDIRECT

PASSWORD = "Gosuslugi+2024"


@pytest.fixture
def traced(flow, account):
    """A login a person types: /authorize → the log-in form (POST with the password) → consent → code."""
    return _typed_login(flow, "maria@example.ru")


def _typed_login(flow, login: str):
    client = flow.client
    query = urlencode(
        {
            "response_type": "code",
            "client_id": "app",
            "redirect_uri": REDIRECT,
            "scope": "openid profile",
            "state": "st-123",
            "nonce": "n-456",
        }
    )
    resp = client.get("/authorize?" + query)
    assert resp.status_code == 302 and "/login" in resp.location
    page = client.get(resp.location).get_data(as_text=True)
    next_url = re.search(r'name="next"[^>]*value="([^"]+)"', page).group(1).replace("&amp;", "&")
    resp = client.post(
        "/login",
        data={"csrf_token": csrf_token(page), "login": login, "password": PASSWORD, "next": next_url},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    client.get(resp.location)
    (found,) = client.get("/api/lab/traces").get_json()["traces"]
    return client, found["id"]


def test_a_login_typed_as_a_snils_is_shown_masked_in_the_trace(flow, account):
    client, trace_id = _typed_login(flow, "112-233-445 95")
    login = client.get(f"/api/lab/traces/{trace_id}").get_json()["exchanges"][1]
    assert login["request"]["params"]["login"] == "112-***-445 95"
    assert "233" not in str(login["request"]["params"])
    page = client.get(f"/lab/traces/{trace_id}").get_data(as_text=True)
    assert "112-***-445 95" in page and "112-233-445" not in page


def test_a_login_typed_as_an_email_stays_readable_in_the_trace(traced):
    client, trace_id = traced
    login = client.get(f"/api/lab/traces/{trace_id}").get_json()["exchanges"][1]
    assert login["request"]["params"]["login"] == "maria@example.ru"


def test_lab_page_links_to_the_traces(idp_client):
    assert 'href="/lab/traces"' in idp_client.get("/lab").get_data(as_text=True)


def test_the_password_post_is_a_step_of_the_login_with_the_password_hidden(traced):
    client, trace_id = traced
    exchanges = client.get(f"/api/lab/traces/{trace_id}").get_json()["exchanges"]
    assert [x["step"] for x in exchanges][:3] == ["authorize", "login", "authorize"]
    login = exchanges[1]
    assert (login["method"], login["path"], login["status"], login["channel"]) == ("POST", "/login", 302, "browser")
    assert login["request"]["params"]["password"] == "(hidden)"
    assert "Gosusl" not in str(login)
    page = client.get(f"/lab/traces/{trace_id}").get_data(as_text=True)
    assert "2. login: POST /login" in page
    assert "вход: логин и пароль" in page


def test_a_failed_password_is_a_step_too(flow, account):
    client = flow.client
    resp = client.get("/authorize?" + urlencode({"response_type": "code", "client_id": "app", "redirect_uri": REDIRECT,
                                                  "scope": "openid", "state": "s2", "nonce": "n2"}))  # fmt: skip
    page = client.get(resp.location).get_data(as_text=True)
    next_url = re.search(r'name="next"[^>]*value="([^"]+)"', page).group(1).replace("&amp;", "&")
    client.post("/login", data={"csrf_token": csrf_token(page), "login": "maria@example.ru", "password": "wrong",
                                "next": next_url})  # fmt: skip
    (found,) = client.get("/api/lab/traces").get_json()["traces"]
    steps = [(x["step"], x["status"]) for x in client.get(f"/api/lab/traces/{found['id']}").get_json()["exchanges"]]
    assert steps == [("authorize", 302), ("login", 401)]


def test_a_plain_login_is_not_traced(idp_app, account):
    client = idp_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": csrf_token(page), "login": "maria@example.ru", "password": PASSWORD})
    assert client.get("/api/lab/traces").get_json()["traces"] == []


def test_steps_are_numbered_once(traced):
    client, trace_id = traced
    page = client.get(f"/lab/traces/{trace_id}").get_data(as_text=True)
    # Each exchange and arrow carries its number in its text: no list numbering is added on top.
    assert '<ol class="trace">' not in page and '<ul class="trace">' in page
    assert '<ul class="diagram-steps">' in page
    assert "1. authorize: GET /authorize" in page


def test_the_diagram_fits_its_card(traced, idp_client):
    client, trace_id = traced
    page = client.get(f"/lab/traces/{trace_id}").get_data(as_text=True)
    assert 'class="sequence-svg"' in page and "viewBox=" in page
    res = idp_client.get("/static/idp.css")
    css = res.get_data(as_text=True)
    res.close()
    assert re.search(r"\.sequence-svg \{[^}]*width: 100%[^}]*height: auto", css)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_times_are_written_in_the_ui_language(traced, lang):
    from babel.dates import get_month_names

    client, trace_id = traced
    listing = client.get(f"/lab/traces?lang={lang}").get_data(as_text=True)
    assert not re.search(r"<td>\d{4}-\d\d-\d\dT", listing)  # no raw ISO timestamps
    cell = re.search(r'<td><time datetime="[^"]+">([^<]+)</time></td>', listing).group(1)
    assert cell.endswith(" UTC") and re.search(r"\d?\d:\d\d:\d\d", cell)
    assert any(month in cell for month in get_month_names("abbreviated", locale=lang).values())
    shown = client.get(f"/lab/traces/{trace_id}").get_data(as_text=True)
    assert re.search(r'<time datetime="[^"]+">[^<]+ UTC</time>', shown)
