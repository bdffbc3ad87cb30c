"""A person who registers at the IdP from the diary's login comes back to the diary, both apps in process.

The diary's real client talks to the real IdP through ``responses`` (as in test_federation_login.py);
the browser's steps go through the two test clients.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import responses

from fedlab.testing.inprocess import forward_to
from tests.helpers.forms import csrf_token
from tests.idp.oidc.helpers import ISSUER
from tests.idp.test_registration import GOOD_PASSWORD
from tests.idp.test_registration import enter_code
from tests.idp.test_registration import last_code
from tests.idp.test_registration import set_password
from tests.idp.test_registration import start as register
from tests.rp.fakeop import press_gosuslugi_button
from tests.test_federation_login import CALLBACK
from tests.test_federation_login import CLIENT_ID
from tests.test_federation_login import CLIENT_SECRET


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_registration_started_from_the_diary_returns_to_the_diary(idp_app, rp_app):
    from idp.db import db as idp_db
    from idp.domain.clients import create_client
    from rp.domain.regions import ensure_region
    from rp.extensions import db as rp_db

    with idp_app.app_context():
        create_client(idp_db.session, CLIENT_ID, CLIENT_SECRET, [CALLBACK], name="Дневник.ру")
        idp_db.session.commit()
    with rp_app.app_context():
        ensure_region(rp_db.session, "test", "Тестовая область", ISSUER, CLIENT_ID, CLIENT_SECRET)
        rp_db.session.commit()
    at_idp, at_rp = idp_app.test_client(), rp_app.test_client()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        to_idp = forward_to(idp_app.test_client())
        for method in (responses.GET, responses.POST):
            rsps.add_callback(method, re.compile(re.escape(ISSUER) + r"/.*"), callback=to_idp)

        authorize = press_gosuslugi_button(at_rp).headers["Location"]
        login_page = at_idp.get(at_idp.get(_local(authorize)).headers["Location"]).get_data(as_text=True)
        # «Зарегистрироваться» on the login page of the diary's request
        link = re.search(r'href="([^"]*/registration\?next=[^"]*)"', login_page).group(1).replace("&amp;", "&")
        assert at_idp.get(link).status_code == 200
        register(at_idp)
        enter_code(at_idp, last_code(idp_app))
        set_password(at_idp, GOOD_PASSWORD)
        done = at_idp.get("/registration/done").get_data(as_text=True)
        back = re.search(r'<a class="button" href="([^"]+)">Продолжить вход в «Дневник.ру»</a>', done)
        assert back, done[done.find("<main") :][:1500]
        page = at_idp.get(back.group(1).replace("&amp;", "&"))
        if page.status_code == 200:  # the consent page
            html = page.get_data(as_text=True)
            action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
            page = at_idp.post(action, data={"csrf_token": csrf_token(html), "allow": "1"})
        assert page.status_code == 302 and page.headers["Location"].startswith(CALLBACK + "?")
        landed = at_rp.get(_local(page.headers["Location"]))

    # Back at the diary: a new simplified account has no SNILS, so the diary says what is missing.
    assert landed.status_code == 302 and landed.headers["Location"].startswith("/login/outcome/")
    outcome = at_rp.get(landed.headers["Location"])
    assert outcome.status_code == 403
    assert "Портал госуслуг передал недостаточно данных" in outcome.get_data(as_text=True)
