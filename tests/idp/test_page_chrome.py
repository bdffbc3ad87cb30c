"""What every IdP page carries: the favicon and the shared stylesheet; phone numbers written one way."""

from __future__ import annotations

from tests.idp.oidc.helpers import Flow
from tests.idp.oidc.helpers import make_account


def fetch(client, path: str):
    """GET a static file and close the response (the file it streams from)."""
    resp = client.get(path)
    resp.get_data()
    resp.close()
    return resp


def test_favicon_and_shared_stylesheet_are_linked_and_served(idp_client):
    page = idp_client.get("/").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    assert 'href="/static/labkit/labkit.css"' in page
    icon, at_root, css = (
        fetch(idp_client, path) for path in ("/static/favicon.svg", "/favicon.ico", "/static/labkit/labkit.css")
    )
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert at_root.data == icon.data
    assert css.status_code == 200 and b".topbar { flex-wrap: wrap" in css.data


def test_the_profile_writes_the_phone_as_plus_7_912_345_67_89(idp_app, idp_client):
    Flow(idp_app, idp_client).login(make_account(idp_app))
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "+7 916 123-45-67" in page and "+79161234567" not in page
