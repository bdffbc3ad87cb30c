"""``/rs/prns``: ESIA's shapes by granted scope, collections with element URLs and ``embed``, 401 and 403."""

from __future__ import annotations

import pytest

from tests.idp.esia.conftest import needs_gost

pytestmark = needs_gost


@pytest.fixture
def token(gost):
    """An access token for the default scope (fullname birthdate gender snils id_doc contacts)."""
    code, _ = gost.v2_code()
    return gost.v3_token(code).get_json()["access_token"]


def _get(driver, path: str, access_token: str | None, **headers):
    if access_token:
        headers["Authorization"] = "Bearer " + access_token
    return driver.client.get(path, headers=headers)


def test_person_in_esia_shape(gost, token, person):
    response = _get(gost, f"/rs/prns/{person.oid}", token, Accept='application/json; schema="/rs/model/prn/Person-1"')
    assert response.status_code == 200
    data = response.get_json()
    assert data["stateFacts"] == ["EntityRoot"] and data["status"] == "REGISTERED"
    assert data["firstName"] == "Мария" and data["lastName"] == "Иванова" and data["middleName"] == "Петровна"
    assert data["birthDate"] == "14.03.1984" and data["gender"] == "F"
    assert data["snils"] == "112-233-445 95"
    assert data["trusted"] is False and isinstance(data["updatedOn"], int) and data["eTag"]
    assert "inn" not in data and "birthPlace" not in data  # not granted
    assert isinstance(data["rIdDoc"], int)


def test_person_with_a_trailing_slash_as_npm_esia_asks(gost, token, person):
    data = _get(gost, f"/rs/prns/{person.oid}/", token).get_json()
    assert data["lastName"] == "Иванова"


def test_collections_list_absolute_element_urls(gost, token, person):
    ctts = _get(gost, f"/rs/prns/{person.oid}/ctts", token).get_json()
    assert ctts["stateFacts"] == ["hasSize"] and ctts["size"] == 2
    assert all(url.startswith(f"http://idp.test/rs/prns/{person.oid}/ctts/") for url in ctts["elements"])
    one = _get(gost, ctts["elements"][0].replace("http://idp.test", ""), token).get_json()
    assert one["type"] == "MBT" and one["value"] == "+7(916)1234567" and one["vrfStu"] in ("VERIFIED", "NOT_VERIFIED")


def test_embed_elements_inline(gost, token, person):
    ctts = _get(gost, f"/rs/prns/{person.oid}/ctts?embed=(elements)", token).get_json()
    assert {c["type"] for c in ctts["elements"]} == {"MBT", "EML"}
    assert [c["value"] for c in ctts["elements"] if c["type"] == "EML"] == ["maria@example.ru"]
    docs = _get(gost, f"/rs/prns/{person.oid}/docs?embed=(elements)", token).get_json()
    passport = docs["elements"][0]
    assert passport["type"] == "RF_PASSPORT" and passport["series"] == "4509" and passport["number"] == "123456"
    assert passport["issueDate"] == "01.04.2004" and passport["issueId"] == "772001"
    assert passport["issuedBy"] == "ОВД Тверского района г. Москвы" and passport["vrfStu"]
    empty = _get(gost, f"/rs/prns/{person.oid}/ctts?embed=()", token).get_json()
    assert all(isinstance(url, str) for url in empty["elements"])


def test_person_embeds_granted_collections(gost, token, person):
    url = f"/rs/prns/{person.oid}?embed=(contacts.elements,documents.elements,addresses.elements)"
    data = _get(gost, url, token).get_json()
    assert data["contacts"]["size"] == 2 and isinstance(data["contacts"]["elements"][0], dict)
    assert data["documents"]["elements"][0]["type"] == "RF_PASSPORT"
    assert "addresses" not in data  # the addresses scope was not granted


def test_bad_embed_is_400(gost, token, person):
    response = _get(gost, f"/rs/prns/{person.oid}?embed=elements", token)
    assert response.status_code == 400


def test_without_a_valid_token_401(gost, token, person):
    for value in (None, "garbage", token[:-4] + "AAAA"):
        response = _get(gost, f"/rs/prns/{person.oid}", value)
        assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]
    basic = gost.client.get(f"/rs/prns/{person.oid}", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401


def test_another_persons_oid_403(gost, token, person):
    for oid in (str(person.oid + 1), "1000000001", "abc"):
        assert _get(gost, f"/rs/prns/{oid}", token).status_code == 403
        assert _get(gost, f"/rs/prns/{oid}/ctts", token).status_code == 403


def test_scope_not_granted_403(gost, person):
    code, _ = gost.v2_code(scope="openid fullname")
    token = gost.v3_token(code, scope="openid fullname").get_json()["access_token"]
    assert _get(gost, f"/rs/prns/{person.oid}/ctts", token).status_code == 403
    assert _get(gost, f"/rs/prns/{person.oid}/docs", token).status_code == 403
    assert _get(gost, f"/rs/prns/{person.oid}/addrs", token).status_code == 403
    data = _get(gost, f"/rs/prns/{person.oid}", token).get_json()
    assert "snils" not in data and "birthDate" not in data and data["firstName"] == "Мария"


def test_narrow_contact_scopes(gost, person):
    code, _ = gost.v2_code(scope="openid email")
    token = gost.v3_token(code, scope="openid email").get_json()["access_token"]
    ctts = _get(gost, f"/rs/prns/{person.oid}/ctts?embed=(elements)", token).get_json()
    assert [c["type"] for c in ctts["elements"]] == ["EML"]


def test_unknown_collection_or_element_404(gost, token, person):
    assert _get(gost, f"/rs/prns/{person.oid}/roles", token).status_code == 404
    assert _get(gost, f"/rs/prns/{person.oid}/ctts/999999", token).status_code == 404
    assert _get(gost, f"/rs/prns/{person.oid}/ctts/abc", token).status_code == 404


def test_withdrawn_consent_401(esia_app, gost, token, person):
    from idp.db import db
    from idp.oidc import consents

    with esia_app.app_context():
        for consent in consents.active_consents(db.session, person.id):
            consents.revoke(db.session, person.id, consent.id)
        db.session.commit()
    assert _get(gost, f"/rs/prns/{person.oid}", token).status_code == 401


def test_expired_token_401(esia_app, gost, person):
    from datetime import timedelta

    code, _ = gost.v2_code()
    token = gost.v3_token(code).get_json()["access_token"]
    clock = esia_app.extensions["clock"]
    clock.freeze()
    try:
        clock.advance(timedelta(seconds=3601))
        assert _get(gost, f"/rs/prns/{person.oid}", token).status_code == 401
    finally:
        clock.unfreeze()
