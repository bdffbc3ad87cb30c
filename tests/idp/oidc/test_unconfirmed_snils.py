"""Only data the registries confirmed is released: a SNILS still being checked (or refused) is not."""

from __future__ import annotations

import pytest

from tests.idp.oidc.helpers import make_account


def _userinfo(flow, scope: str) -> dict:
    body = flow.tokens(scope=scope)
    return flow.client.get("/userinfo", headers={"Authorization": "Bearer " + body["access_token"]}).get_json()


def _set_status(app, account, status) -> None:
    from idp.db import db
    from idp.models.accounts import Account

    with app.app_context():
        db.session.get(Account, account.id).profile_status = status
        db.session.commit()


def test_a_confirmed_snils_is_released(logged_in):
    assert _userinfo(logged_in, "openid snils")["snils"] == "112-233-445 95"


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_an_unconfirmed_snils_is_not_released(flow, oidc_app, status):
    account = make_account(oidc_app, phone="+79160000001", email="p@example.ru", snils="11223344595")
    _set_status(oidc_app, account, status)
    flow.login(account)
    claims = _userinfo(flow, "openid snils")
    assert "snils" not in claims
    id_claims = flow.id_token_claims(flow.tokens(scope="openid snils")["id_token"])
    assert "snils" not in id_claims
