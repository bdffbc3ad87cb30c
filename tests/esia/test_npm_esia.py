"""npm ``esia`` 0.2.3, unchanged, against the lab: ``getAuth`` -> the lab's login and consent pages ->
``getAccess`` (the token exchange at ``/aas/oauth2/te`` with node-forge's attached PKCS#7) -> ``/rs/prns``
with ``?embed=(elements)``.
"""

from __future__ import annotations

import json

import pytest

from shared import esia_crypto
from tests.esia.conftest import REDIRECT
from tests.esia.conftest import SCOPE
from tests.esia.conftest import run_node

pytestmark = pytest.mark.integration


def test_npm_esia_exchanges_the_code_and_reads_the_person_with_embed(esia_lab, node_driver):
    esia_lab.register("NPM_ESIA", esia_crypto.RSA)
    cert, key = esia_lab.files(esia_crypto.RSA)
    config = json.dumps(
        {
            "esiaUrl": esia_lab.base_url,
            "clientId": "NPM_ESIA",
            "redirectUri": REDIRECT,
            "scope": SCOPE,
            "certificateFile": cert,
            "keyFile": key,
        }
    )
    auth = run_node(node_driver, "auth", config)
    assert auth["url"].startswith(esia_lab.base_url + "/aas/oauth2/ac?")
    callback = esia_lab.login(auth["url"])
    assert callback["state"] == auth["params"]["state"]

    paths = ["/", "/ctts?embed=(elements)", "/docs?embed=(elements)"]
    result = run_node(node_driver, "access", config, callback["code"], json.dumps(paths))
    marker = result["marker"]
    response = marker["response"]
    assert response["token_type"] == "Bearer" and isinstance(response["expires_in"], int)
    assert response["refresh_token"] and response["id_token"] and response["state"]
    assert marker["decodedAccessToken"]["urn:esia:sbj_id"] == esia_lab.oid
    assert marker["decodedAccessToken"]["client_id"] == "NPM_ESIA"
    assert f"fullname?oid={esia_lab.oid}" in marker["decodedAccessToken"]["scope"].split()
    person, contacts, documents = result["data"]
    assert person["lastName"] == "Иванова" and person["birthDate"] == "14.03.1984"
    assert contacts["stateFacts"] == ["hasSize"] and contacts["size"] == len(contacts["elements"])
    assert {c["type"]: c["value"] for c in contacts["elements"]}["MBT"] == "+7(916)1234567"
    assert [d["type"] for d in documents["elements"]] == ["RF_PASSPORT"]
