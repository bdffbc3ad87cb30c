# ruff: noqa: F811  (the fixtures are imported from tests.rp.fakeesia)
"""The diary's Gosuslugi login over ESIA's own protocol (v2/ac, v3/te, /rs/prns) against a fake ESIA,
with an RSA and with a GOST R 34.10-2012 certificate: signed requests, token checks, linking and errors.
"""

from __future__ import annotations

from shared import esia_crypto
from shared import esia_wire
from tests.rp.fakeesia import BASE
from tests.rp.fakeesia import CLIENT_ID
from tests.rp.fakeesia import OID
from tests.rp.fakeesia import OTHER_KEY
from tests.rp.fakeesia import diary_pair  # noqa: F401  (fixture)
from tests.rp.fakeesia import esia_op  # noqa: F401  (fixture)
from tests.rp.fakeesia import login
from tests.rp.fakeesia import start
from tests.rp.fakeop import add_person
from tests.rp.fakeop import follow_outcome
from tests.rp.fakeop import identities
from tests.rp.fakeop import last_record
from tests.rp.fakeop import post_form


def test_authorization_request_is_signed_as_esia_wants(rp_client, esia_op, diary_pair):
    params = start(rp_client)
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://rp.test/login/callback"
    assert params["response_type"] == "code" and "snils" in params["scope"].split()
    assert params["client_certificate_hash"] == esia_crypto.certificate_hash(diary_pair.cert_pem)
    assert "=" not in params["client_secret"]  # base64url without padding, as ilimurzin/esia sends it
    signed = esia_wire.v2_string(
        CLIENT_ID, params["scope"], "", params["timestamp"], params["state"], params["redirect_uri"]
    )
    assert esia_op.verify(params, signed)
    raw = esia_crypto.b64_decode_any(params["client_secret"]).data
    assert len(raw) == (64 if diary_pair.algorithm == esia_crypto.GOST else 256)


def test_exact_match_starts_the_first_login_sequence(rp_client, rp_app, esia_op):
    add_person(rp_app)
    res = login(rp_client, esia_op)
    assert res.headers["Location"] == "/login/esia/first/person"
    assert esia_op.signature_ok == [True]
    token_request = esia_op.token_requests[0]
    assert token_request["grant_type"] == "authorization_code" and token_request["code"] == "the-code"
    prns = esia_op.prns_requests[0]
    assert prns.headers["Authorization"].startswith("Bearer ")
    assert "embed=%28contacts.elements%2Cdocuments.elements%29" in prns.url
    record = last_record(rp_app)
    assert record["outcome"] == "match" and record["subject"] == str(OID) and record["issuer"] == BASE
    assert record["attributes"]["birthdate"] == "14.03.1984" and record["attributes"]["phone"] == "+7(911)1000001"
    body = rp_client.get("/login/esia/first/person").get_data(as_text=True)
    assert "Иванова" in body and "14.03.1984" in body


def test_first_login_links_then_the_next_esia_login_signs_in(rp_client, rp_app, esia_op):
    user_id = add_person(rp_app)
    login(rp_client, esia_op)
    post_form(rp_client, "/login/esia/first/person")
    post_form(rp_client, "/login/esia/first/contacts", {"phone": "+7 911 1000001", "email": "ivanova@example.test"})
    res = post_form(rp_client, "/login/esia/first/password", {"password": "newpass7", "repeat": "newpass7"})
    assert res.headers["Location"] == "/login/esia/first/done"
    assert identities(rp_app) == [(user_id, BASE, str(OID))]
    again = rp_app.test_client()
    assert login(again, esia_op).headers["Location"] == "/diary"
    assert last_record(rp_app)["outcome"] == "signed_in"


def test_profile_not_found_shows_the_why_panel(rp_client, rp_app, esia_op):
    add_person(rp_app, middle_name="Викторовна")
    assert login(rp_client, esia_op).headers["Location"] == "/login/esia/not-found"
    body = rp_client.get("/login/esia/not-found").get_data(as_text=True)
    assert "Почему?" in body and "Отчество" in body
    assert last_record(rp_app)["outcome"] == "not_found"


def test_simplified_account_is_insufficient(rp_client, rp_app, esia_op):
    add_person(rp_app)
    esia_op.person.pop("snils")
    esia_op.person["verifying"] = True
    res = login(rp_client, esia_op)
    assert res.status_code == 403
    record = last_record(rp_app)
    assert record["outcome"] == "insufficient" and "simplified_account" in record["detail"]


def test_consent_refused_at_esia_shows_its_page(rp_client, rp_app, esia_op):
    res = login(rp_client, esia_op, code=None, error="access_denied", error_description="ESIA-007004: Доступ запрещён")
    assert res.status_code == 400
    assert "Вы не разрешили доступ к данным" in res.get_data(as_text=True)
    assert last_record(rp_app)["detail"].startswith("access_denied")
    assert esia_op.token_requests == []


def test_low_account_level_error_has_its_page(rp_client, rp_app, esia_op):
    res = login(rp_client, esia_op, code=None, error="access_denied", error_description="ESIA-007055: level")
    assert "Способ входа на госуслугах не подходит" in res.get_data(as_text=True)


def test_state_mismatch_is_refused(rp_client, rp_app, esia_op):
    res = login(rp_client, esia_op, state="forged")
    assert res.status_code == 400 and "Сеанс входа не совпадает" in res.get_data(as_text=True)
    assert esia_op.token_requests == []


def test_token_signed_by_another_key_is_refused(rp_client, rp_app, esia_op):
    add_person(rp_app)
    esia_op.sign_with = OTHER_KEY
    res = login(rp_client, esia_op)
    assert res.status_code == 400 and "не прошёл проверку" in res.get_data(as_text=True)
    assert last_record(rp_app)["detail"].startswith("id_token_signature")
    assert esia_op.prns_requests == [] and identities(rp_app) == []


def test_wrong_audience_issuer_or_oid_is_refused(rp_client, rp_app, esia_op):
    for overrides, target in (
        ({"aud": "SOMEONE_ELSE"}, "id"),
        ({"iss": "http://evil.test/"}, "id"),
        ({"urn:esia:sbj_id": 42}, "access"),
        ({"client_id": "SOMEONE_ELSE"}, "access"),
    ):
        esia_op.id_overrides, esia_op.access_overrides = (overrides, {}) if target == "id" else ({}, overrides)
        res = rp_app.test_client()
        assert login(res, esia_op).status_code == 400, overrides
        assert last_record(rp_app)["outcome"] == "error"
    assert esia_op.prns_requests == []


def test_state_not_echoed_at_te_is_refused(rp_client, rp_app, esia_op):
    esia_op.echo_state = False
    assert login(rp_client, esia_op).status_code == 400
    assert "echoes state" in last_record(rp_app)["detail"]


def test_token_endpoint_error_and_rest_error(rp_client, rp_app, esia_op):
    esia_op.token_status = 400
    assert login(rp_client, esia_op).status_code == 400
    assert "ESIA-007011" in last_record(rp_app)["detail"]
    esia_op.token_status = 200
    esia_op.prns_status = 403
    assert login(rp_app.test_client(), esia_op).status_code == 400
    assert "/rs/prns: HTTP 403" in last_record(rp_app)["detail"]


def test_a_region_switched_to_oidc_mid_login_is_refused(rp_client, rp_app, esia_op):
    from rp.domain.regions import set_region
    from rp.extensions import db

    params = start(rp_client)
    with rp_app.app_context():
        set_region(db.session, "esia", issuer=BASE, client_id=CLIENT_ID, client_secret="s", protocol="oidc")
        db.session.commit()
    res = follow_outcome(rp_client, rp_client.get(f"/login/callback?code=c&state={params['state']}"))
    assert res.status_code == 400 and "Сеанс входа устарел" in res.get_data(as_text=True)
    assert esia_op.token_requests == []


def test_hostile_callbacks_get_a_page_never_a_500(rp_app, esia_op):
    for query in ("", "state=", "code=&state=x", "error=", "error=x&error_description=%00", "state=%ff%fe&code=%00"):
        client = rp_app.test_client()
        start(client)
        res = follow_outcome(client, client.get("/login/callback?" + query))
        assert res.status_code == 400, (query, res.status_code)
    assert esia_op.token_requests == []
