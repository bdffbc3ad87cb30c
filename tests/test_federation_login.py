"""The diary's real OIDC client (Authlib, as the diary runs it) logs in at the real IdP, in process.

``responses`` sits in front of ``requests`` and hands every back-channel call (discovery, JWKS, token,
userinfo) to the IdP's Flask test client; the browser's front-channel steps go through the two test
clients. No ports, no threads.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import responses

from fedlab.testing.inprocess import forward_to
from tests.helpers.forms import csrf_token
from tests.idp.oidc.helpers import ISSUER
from tests.idp.oidc.helpers import Flow
from tests.idp.oidc.helpers import make_account
from tests.rp.fakeop import add_person
from tests.rp.fakeop import press_gosuslugi_button

CLIENT_ID = "dnevnik"
CLIENT_SECRET = "s3cret-of-the-diary"
CALLBACK = "http://rp.test/login/callback"


def test_the_diary_logs_in_at_the_idp_through_its_real_client(idp_app, rp_app):
    from idp.db import db as idp_db
    from idp.domain.clients import create_client
    from rp.domain.regions import ensure_region
    from rp.extensions import db as rp_db

    with idp_app.app_context():
        create_client(idp_db.session, CLIENT_ID, CLIENT_SECRET, [CALLBACK], name="Дневник.ру")
        idp_db.session.commit()
    with rp_app.app_context():
        ensure_region(rp_db.session, "test", "Тестовая область", ISSUER, CLIENT_ID, CLIENT_SECRET)
        rp_db.session.commit()  # the domain never commits
    add_person(rp_app)  # the diary knows Ivanova, not yet linked to a Gosuslugi account
    browser_at_idp = Flow(idp_app, idp_app.test_client())
    browser_at_idp.login(make_account(idp_app))
    browser_at_rp = rp_app.test_client()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        to_idp = forward_to(idp_app.test_client())
        for method in (responses.GET, responses.POST):
            rsps.add_callback(method, re.compile(re.escape(ISSUER) + r"/.*"), callback=to_idp)

        start = press_gosuslugi_button(browser_at_rp)
        assert start.status_code == 302 and start.headers["Location"].startswith(ISSUER + "/authorize?")
        authorize = urlsplit(start.headers["Location"])
        page = browser_at_idp.client.get(f"{authorize.path}?{authorize.query}")
        if page.status_code == 200:  # the consent page
            html = page.get_data(as_text=True)
            action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
            page = browser_at_idp.client.post(action, data={"csrf_token": csrf_token(html), "allow": "1"})
        assert page.status_code == 302 and page.headers["Location"].startswith(CALLBACK + "?")
        back = urlsplit(page.headers["Location"])
        landed = browser_at_rp.get(f"{back.path}?{back.query}")
        called = [(urlsplit(c.request.url).path, c.response.status_code) for c in rsps.calls]

    assert landed.status_code == 302, landed.get_data(as_text=True)[:500]
    assert landed.headers["Location"] == "/login/esia/first/person"
    person = browser_at_rp.get("/login/esia/first/person").get_data(as_text=True)
    assert "Иванова" in person and "Петровна" in person and "14.03.1984" in person
    assert ("/token", 200) in called and ("/userinfo", 200) in called
