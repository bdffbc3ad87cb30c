"""The protocol trace as a sequence diagram, the browser/back-channel distinction and lookup by ``state`` hash."""

from __future__ import annotations

import hashlib
import re

import pytest

from idp.oidc import trace
from idp.oidc import trace_diagram


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def login(logged_in):
    """Run one full login (authorize with consent, token, userinfo); return (driver, state, trace id)."""
    body = logged_in.tokens()
    logged_in.client.get("/userinfo", headers={"Authorization": "Bearer " + body["access_token"]})
    state = body["_sent"]["state"]
    (found,) = logged_in.client.get(f"/api/lab/traces?state_sha256={_sha(state)}").get_json()["traces"]
    return logged_in, state, found["id"]


def test_exchanges_record_how_the_idp_saw_them(login):
    driver, _, trace_id = login
    exchanges = driver.client.get(f"/api/lab/traces/{trace_id}").get_json()["exchanges"]
    channels = {(x["step"], x["channel"]) for x in exchanges}
    assert ("authorize", "browser") in channels
    assert ("token", "server") in channels
    assert ("userinfo", "server") in channels
    assert ("authorize", "server") not in channels


def test_trace_page_draws_a_sequence_diagram_linking_each_exchange(login):
    driver, _, trace_id = login
    page = driver.client.get(f"/lab/traces/{trace_id}").get_data(as_text=True)
    assert "<svg" in page and "<script" not in page
    for lane in ("Браузер", "Дневник", "Госуслуги"):
        assert f">{lane}</text>" in page
    anchors = set(re.findall(r'<a href="#(x\d+)">', page))
    blocks = set(re.findall(r'<li id="(x\d+)">', page))
    assert anchors and anchors == blocks  # every exchange is an arrow linking to its detail block
    assert "token: POST /token" in page
    assert "channel-browser" in page and "channel-diary" in page
    assert "(code)" in page  # the redirect back to the client with the code
    assert "Расшифрованные токены" in page and "&#34;nonce&#34;" in page  # the decoded ID token


def test_lookup_by_state_hash_redirects_to_the_trace(login):
    driver, state, trace_id = login
    res = driver.client.get(f"/lab/traces?state_sha256={_sha(state)}")
    assert res.status_code == 302 and res.headers["Location"].endswith(f"/lab/traces/{trace_id}")
    assert driver.client.get(f"/api/lab/traces?state_sha256={_sha(state).upper()}").get_json()["traces"][0]["id"] == (
        trace_id
    )


def test_lookup_of_an_unknown_state_says_so(login):
    driver, _, _ = login
    res = driver.client.get(f"/lab/traces?state_sha256={_sha('nobody')}")
    assert res.status_code == 200
    assert "Вход с таким state не найден" in res.get_data(as_text=True)
    assert driver.client.get(f"/api/lab/traces?state_sha256={_sha('nobody')}").get_json() == {"traces": []}


def test_state_is_stored_only_as_its_hash(login):
    driver, state, trace_id = login
    data = driver.client.get(f"/api/lab/traces/{trace_id}").get_json()
    assert data["state_sha256"] == _sha(state)


@pytest.mark.parametrize(
    ("step", "headers", "cookies", "params", "expected"),
    [
        ("authorize", {}, True, {}, "browser"),
        ("authorize", {"Sec-Fetch-Mode": "navigate"}, False, {}, "browser"),
        ("authorize", {"Accept": "text/html,application/xhtml+xml"}, False, {}, "browser"),
        ("token", {"Authorization": "Basic YXBwOnM="}, False, {}, "server"),
        ("token", {}, False, {"client_secret": "x"}, "server"),
        ("userinfo", {"Authorization": "Bearer abc"}, True, {}, "server"),
        ("introspect", {}, False, {}, "server"),
        ("logout", {}, False, {}, "browser"),
    ],
)
def test_channel_of(step, headers, cookies, params, expected):
    assert trace.channel_of(step, headers, cookies, params) == expected


def test_layout_infers_the_hops_the_idp_cannot_see():
    exchanges = [
        {"seq": 1, "step": "authorize", "method": "GET", "path": "/authorize", "status": 302, "channel": "browser",
         "response": {"location": "/login?next=..."}},
        {"seq": 2, "step": "authorize", "method": "POST", "path": "/authorize", "status": 302, "channel": "browser",
         "response": {"location": "https://app.example/cb?code=abc…&state=s"}},
        {"seq": 3, "step": "token", "method": "POST", "path": "/token", "status": 200, "channel": "server",
         "response": {}},
    ]  # fmt: skip
    arrows = trace_diagram.layout(exchanges).arrows
    assert [(a.source, a.target, a.kind) for a in arrows] == [
        ("diary", "browser", "inferred"),
        ("browser", "idp", "request"),
        ("idp", "browser", "response"),
        ("browser", "idp", "request"),
        ("idp", "browser", "response"),
        ("browser", "diary", "inferred"),
        ("diary", "idp", "request"),
        ("idp", "diary", "response"),
    ]
    assert arrows[4].label == "302 → /cb (code)" and arrows[4].href == "#x2"
    assert arrows[5].label == "GET /cb"
    assert len({a.y for a in arrows}) == len(arrows)
