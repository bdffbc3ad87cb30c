"""esia-connector 0.16 (PyPI), unchanged, against the lab: ``get_auth_url`` -> the lab's login and consent
pages -> ``complete_authorization(validate_token=True)`` -> person, contacts and documents, over the legacy
``/aas/oauth2/ac`` + ``/te`` with PKCS#7 ``client_secret``, with an RSA and with a GOST certificate.
"""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from shared import esia_crypto
from tests.esia.conftest import REDIRECT
from tests.esia.conftest import SCOPE
from tests.esia.conftest import run_connector

pytestmark = pytest.mark.integration


def settings(esia_lab, client_id: str, algorithm: str) -> str:
    import json

    cert, key = esia_lab.files(algorithm)
    return json.dumps(
        {
            "esia_client_id": client_id,
            "redirect_uri": REDIRECT,
            "certificate_file": cert,
            "private_key_file": key,
            "esia_service_url": esia_lab.base_url,
            "esia_scope": SCOPE,
            "esia_token_check_key": esia_lab.rsa_public_key_file(),
        }
    )


@pytest.mark.parametrize("algorithm", [esia_crypto.RSA, esia_crypto.GOST])
def test_esia_connector_logs_in_and_reads_the_person(esia_lab, connector_python, algorithm):
    client_id = f"CONNECTOR_{'RSA' if algorithm == esia_crypto.RSA else 'GOST'}"
    esia_lab.register(client_id, algorithm)
    config = settings(esia_lab, client_id, algorithm)

    url = run_connector(connector_python, "auth", config)["url"]
    sent = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(esia_lab.base_url + "/aas/oauth2/ac?")
    assert sent["client_id"] == client_id and sent["scope"] == SCOPE
    callback = esia_lab.login(url)
    assert callback["state"] == sent["state"] and callback["code"]

    result = run_connector(connector_python, "complete", config, callback["code"], callback["state"])
    assert result["oid"] == esia_lab.oid
    person = result["person"]
    assert (person["lastName"], person["firstName"], person["middleName"]) == ("Иванова", "Мария", "Петровна")
    assert person["birthDate"] == "14.03.1984" and person["gender"] == "F"
    assert person["snils"] == "112-233-445 95" and person["trusted"] is True
    contacts = {c["type"]: c for c in result["contacts"]["elements"]}
    assert contacts["MBT"]["value"] == "+7(916)1234567" and contacts["MBT"]["vrfStu"] == "VERIFIED"
    assert contacts["EML"]["value"] == "maria@example.ru"
    passport = next(d for d in result["documents"]["elements"] if d["type"] == "RF_PASSPORT")
    assert (passport["series"], passport["number"], passport["issueDate"]) == ("1104", "500001", "01.04.2004")


def test_esia_connector_with_an_unregistered_certificate_gets_an_esia_error(esia_lab, connector_python):
    esia_lab.register("CONNECTOR_OTHER", esia_crypto.GOST)
    # Signed with the RSA key, whose certificate is registered for other clients but not for this one.
    config = settings(esia_lab, "CONNECTOR_OTHER", esia_crypto.RSA)
    url = run_connector(connector_python, "auth", config)["url"]
    import requests

    response = requests.get(url, allow_redirects=False, timeout=30)
    location = response.headers.get("Location", "")
    assert location.startswith(REDIRECT + "?"), (response.status_code, response.text[:300])
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["error_description"].startswith("ESIA-0070")
