"""Token endpoint: the happy code exchange and its response shape."""

from tests.idp.oidc.conftest import query_of


def test_happy_code_flow_returns_tokens(logged_in):
    body = logged_in.tokens()
    assert body["token_type"].lower() == "bearer"
    assert "id_token" in body and "access_token" in body


def test_consent_denied_returns_access_denied(logged_in):
    resp, sent = logged_in.authorize(consent="deny")
    assert resp.status_code == 302
    got = query_of(resp.location)
    assert got["error"] == "access_denied" and got["state"] == sent["state"]
