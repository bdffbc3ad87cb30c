"""acr carries the account level; a client's minimum level is enforced with a Russian explanation."""

from tests.idp.oidc.helpers import make_account
from tests.idp.oidc.helpers import query_of


def test_acr_claim_carries_level(logged_in):
    claims = logged_in.id_token_claims(logged_in.tokens()["id_token"])
    assert claims["acr"] == "urn:fedlab:loa:2"


def test_simplified_account_below_acr_values_gets_explanation(flow, oidc_app):
    person = make_account(oidc_app, level="simplified", phone="+79160000001", email="s@example.ru")
    flow.login(person)
    resp, sent = flow.authorize(acr_values="urn:fedlab:loa:2")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Недостаточный уровень учётной записи" in html
    assert "заполните в профиле" in html
    assert "error=unmet_authentication_requirements" in html and sent["state"] in html
    resp, sent = flow.authorize(acr_values="2", prompt="none")
    assert query_of(resp.location)["error"] == "unmet_authentication_requirements"


def test_userinfo_releases_only_existing_data(flow, oidc_app):
    person = make_account(oidc_app, level="simplified", phone="+79160000002", email="t@example.ru")
    flow.login(person)
    body = flow.tokens(scope="openid snils fullname id_doc mobile")
    info = flow.client.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    assert info["trust_level"] == "simplified" and info["phone_number"] == "+79160000002"
    assert "snils" not in info and "id_doc" not in info


def test_esia_scopes_claim_formats(logged_in):
    body = logged_in.tokens(scope="openid snils gender birthdate id_doc inn birthplace")
    info = logged_in.client.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    assert info["snils"] == "112-233-445 95" or info["snils"][3] == "-"
    assert info["gender"] == "female" and info["birthdate"] == "1984-03-14"
    assert info["id_doc"]["series"] == "4509" and info["id_doc"]["department_code"] == "772-001"
    assert info["inn"] == "500100732259" and info["birthplace"] == "г. Москва"
