"""Lockouts hold per client address: guessing from one address cannot lock a person (or the operator)
out from everywhere, while the guessing address stays locked.
"""

from __future__ import annotations

from tests.security.helpers import IDP_PASSWORD
from tests.security.test_brute_force import try_login

ATTACKER = "203.0.113.5"
OWNER = "198.51.100.7"


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_an_account_locked_from_one_address_still_opens_from_another(idp):
    attacker = _client(idp, ATTACKER)
    statuses = [try_login(attacker, "/login", idp.account.email, f"Wrong+{i}pass").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert try_login(attacker, "/login", idp.account.email, IDP_PASSWORD).status_code == 429
    assert try_login(_client(idp, OWNER), "/login", idp.account.email, IDP_PASSWORD).status_code == 302


def test_the_operator_page_locked_from_one_address_still_opens_from_another(idp):
    idp.config["OPERATOR_PASSWORD"] = password = "operator-test-password"

    def operator_login(client, value):
        page = client.get("/operator/login").get_data(as_text=True)
        from tests.helpers.forms import csrf_token

        return client.post("/operator/login", data={"csrf_token": csrf_token(page), "password": value})

    # The lab pages open only from this machine: two loopback addresses stand for two places.
    attacker = _client(idp, "127.0.0.2")
    for i in range(5):
        operator_login(attacker, f"wrong-{i}")
    assert operator_login(attacker, password).status_code == 429
    assert operator_login(_client(idp, "127.0.0.3"), password).status_code == 302
