"""The linking record links to the lab IdP's protocol trace of the same login (found by the state's hash)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from tests.rp.fakeop import ISSUER
from tests.rp.fakeop import FakeOP
from tests.rp.fakeop import add_person
from tests.rp.fakeop import last_record
from tests.rp.fakeop import start

LINK_TEXT = "Трасса протокола на стороне госуслуг"


def _login(client, op: FakeOP) -> str:
    """Run a login against the fake provider; return the state the diary sent."""
    params = start(client)
    op.nonce = params["nonce"]
    client.get("/login/callback?" + urlencode({"code": "the-code", "state": params["state"], "iss": ISSUER}))
    return params["state"]


def test_record_keeps_the_state_hash_and_links_to_the_lab_idp_trace(rp_app, rp_client, op):
    rp_app.config["DEMO_IDP_ISSUER"] = ISSUER  # the fake provider plays the lab IdP
    add_person(rp_app)
    state = _login(rp_client, op)
    record = last_record(rp_app)
    digest = hashlib.sha256(state.encode()).hexdigest()
    assert record["state_sha256"] == digest
    page = rp_client.get(f"/lab/linking/{record['id']}").get_data(as_text=True)
    assert LINK_TEXT in page
    assert f'href="{ISSUER}/lab/traces?state_sha256={digest}"' in page


def test_no_link_for_another_provider(rp_app, rp_client, op):
    add_person(rp_app)
    _login(rp_client, op)  # the test region's issuer is not DEMO_IDP_ISSUER
    record = last_record(rp_app)
    assert record["state_sha256"]
    assert LINK_TEXT not in rp_client.get(f"/lab/linking/{record['id']}").get_data(as_text=True)


def test_refused_login_is_linked_too(rp_app, rp_client, op):
    rp_app.config["DEMO_IDP_ISSUER"] = ISSUER
    params = start(rp_client)
    rp_client.get("/login/callback?" + urlencode({"error": "access_denied", "state": params["state"], "iss": ISSUER}))
    record = last_record(rp_app)
    assert record["outcome"] == "error"
    assert record["state_sha256"] == hashlib.sha256(params["state"].encode()).hexdigest()
    assert LINK_TEXT in rp_client.get(f"/lab/linking/{record['id']}").get_data(as_text=True)
