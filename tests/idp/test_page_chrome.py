"""What every IdP page carries: the favicon and the shared stylesheet; phone numbers written one way."""

from __future__ import annotations

from tests.helpers.page_chrome import assert_favicon_and_stylesheet
from tests.idp.oidc.helpers import Flow
from tests.idp.oidc.helpers import make_account


def test_favicon_and_shared_stylesheet_are_linked_and_served(idp_client):
    assert_favicon_and_stylesheet(idp_client, "/", b".topbar { flex-wrap: wrap")


def test_the_profile_writes_the_phone_as_plus_7_912_345_67_89(idp_app, idp_client):
    Flow(idp_app, idp_client).login(make_account(idp_app))
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "+7 916 123-45-67" in page and "+79161234567" not in page
