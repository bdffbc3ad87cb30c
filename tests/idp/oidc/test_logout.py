"""RP-initiated logout, consent revocation and the protocol trace."""

import re

from tests.helpers.forms import csrf_token
from tests.idp.oidc.helpers import query_of


def test_logout_with_id_token_hint_redirects_with_state(logged_in):
    id_token = logged_in.tokens()["id_token"]
    resp = logged_in.client.get(
        "/logout",
        query_string={"id_token_hint": id_token, "post_logout_redirect_uri": "https://app.example/bye", "state": "xyz"},
    )
    assert resp.status_code == 302 and resp.location == "https://app.example/bye?state=xyz"
    resp, _ = logged_in.authorize(prompt="none")
    assert query_of(resp.location)["error"] == "login_required"


def test_logout_refuses_unregistered_post_logout_uri(logged_in):
    id_token = logged_in.tokens()["id_token"]
    resp = logged_in.client.get(
        "/logout", query_string={"id_token_hint": id_token, "post_logout_redirect_uri": "https://evil.example/"}
    )
    assert resp.status_code == 200 and resp.location is None


def test_consent_remembered_then_revoked(logged_in):
    logged_in.tokens()
    resp, _ = logged_in.authorize(consent=None)
    assert resp.status_code == 302  # remembered
    page = logged_in.client.get("/profile/consents").get_data(as_text=True)
    assert "Тестовое приложение" in page
    import re

    action = re.search(r'action="(/profile/consents/\d+/revoke)"', page).group(1)
    token = csrf_token(page)
    assert logged_in.client.post(action, data={"csrf_token": token}).status_code == 302
    resp, _ = logged_in.authorize(consent=None)
    assert resp.status_code == 200 and "Предоставление прав доступа" in resp.get_data(as_text=True)


def test_trace_groups_a_login_and_masks_secrets(logged_in):
    body = logged_in.tokens()
    logged_in.client.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    traces = logged_in.client.get("/api/lab/traces").get_json()["traces"]
    detail = logged_in.client.get(f"/api/lab/traces/{traces[0]['id']}").get_json()
    steps = [x["step"] for x in detail["exchanges"]]
    assert steps[-2:] == ["token", "userinfo"] and "authorize" in steps
    text = str(detail)
    assert body["access_token"] not in text and "s3cret-for-tests" not in text
    token_x = [x for x in detail["exchanges"] if x["step"] == "token"][0]
    assert token_x["response"]["decoded"]["id_token"]["claims"]["iss"] == "http://idp.test"
    assert logged_in.client.get(f"/lab/traces/{traces[0]['id']}").status_code == 200


def _still_logged_in(flow) -> bool:
    resp, _ = flow.authorize(prompt="none", consent=None)
    return "code" in query_of(resp.location)


def test_rp_logout_by_post_with_id_token_hint_needs_no_csrf_token(logged_in):
    """OIDC RP-Initiated Logout §2: the relying party may POST; the id_token_hint authenticates it."""
    id_token = logged_in.tokens()["id_token"]
    resp = logged_in.client.post(
        "/logout",
        data={"id_token_hint": id_token, "post_logout_redirect_uri": "https://app.example/bye", "state": "p1"},
    )
    assert resp.status_code == 302 and resp.location == "https://app.example/bye?state=p1"
    resp, _ = logged_in.authorize(prompt="none")
    assert query_of(resp.location)["error"] == "login_required"


def test_confirmed_logout_without_hint_goes_back_with_state(logged_in):
    page = logged_in.client.get(
        "/logout",
        query_string={"client_id": "app", "post_logout_redirect_uri": "https://app.example/bye", "state": "s2"},
    )
    assert page.status_code == 200 and "Выйти из Госуслуг?" in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    fields = dict(re.findall(r'name="(post_logout_redirect_uri|client_id|state)"[^>]*value="([^"]*)"', html))
    resp = logged_in.client.post("/logout", data={**fields, "csrf_token": csrf_token(html), "confirm": "1"})
    assert resp.status_code == 302 and resp.location == "https://app.example/bye?state=s2"
    resp, _ = logged_in.authorize(prompt="none")
    assert query_of(resp.location)["error"] == "login_required"


def test_confirmation_without_csrf_token_keeps_the_session(logged_in):
    logged_in.tokens()
    resp = logged_in.client.post(
        "/logout",
        data={"client_id": "app", "post_logout_redirect_uri": "https://app.example/bye", "confirm": "1"},
    )
    assert resp.location is None
    assert _still_logged_in(logged_in)


def test_post_with_an_invalid_id_token_hint_logs_nobody_out(logged_in):
    logged_in.tokens()
    resp = logged_in.client.post(
        "/logout", data={"id_token_hint": "not.a.token", "post_logout_redirect_uri": "https://app.example/bye"}
    )
    assert resp.status_code == 400 and resp.location is None
    assert _still_logged_in(logged_in)


def test_trace_masks_the_snils_of_tokens_and_userinfo(logged_in):
    body = logged_in.tokens(scope="openid snils")
    info = logged_in.client.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert info.get_json()["snils"] == "112-233-445 95"
    traces = logged_in.client.get("/api/lab/traces").get_json()["traces"]
    text = str(logged_in.client.get(f"/api/lab/traces/{traces[0]['id']}").get_json())
    assert "112-233-445 95" not in text and "11223344595" not in text
    assert "112-***-445 95" in text
