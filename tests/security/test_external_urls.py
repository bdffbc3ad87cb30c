"""External URLs (the e-mail confirmation link, ESIA's REST links, the API description's server) come from the
configured base URL, never from the request's ``Host`` (``Host: evil.example`` must not put evil.example in a mail).
"""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpers.forms import csrf_token

EVIL = {"Host": "evil.example"}


def test_the_email_confirmation_link_uses_the_issuer_not_the_host(idp_app):
    from idp.db import db
    from idp.models.lab import Message

    client = idp_app.test_client()
    page = client.get("/registration", headers=EVIL).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "last_name": "Иванов",
        "first_name": "Иван",
        "phone": "8 (912) 345-67-89",
        "email": "ivan@example.ru",
        "channel": "email",
    }
    assert client.post("/registration", data=data, headers=EVIL).status_code == 302
    with idp_app.app_context():
        body = db.session.scalar(select(Message.body).where(Message.recipient == "ivan@example.ru"))
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith("http://idp.test/") for link in links), links
    assert "evil.example" not in body


def test_the_api_description_names_the_configured_server(idp_client, rp_client):
    assert idp_client.get("/api/openapi.json", headers=EVIL).get_json()["servers"] == [{"url": "http://idp.test"}]
    assert rp_client.get("/api/openapi.json", headers=EVIL).get_json()["servers"] == [{"url": "http://rp.test"}]
