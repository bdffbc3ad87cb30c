"""Consent (152-ФЗ): nothing before accepting; refusing keeps only the consent page; new text asks again."""

from __future__ import annotations

from tests.helpers.forms import csrf_token
from tests.rp.helpers import client_for
from tests.rp.helpers import person_id


def test_parent_must_accept_before_seeing_anything(rp_app, school):
    from rp.extensions import db
    from rp.models import Consent

    client = client_for(rp_app, "ivanova.m")
    res = client.get("/diary")
    assert res.status_code == 302 and "/consent" in res.headers["Location"]
    page = client.get("/consent").get_data(as_text=True)
    assert "152-ФЗ" in page
    res = client.post("/consent?next=/diary", data={"csrf_token": csrf_token(page), "accept": "Даю согласие"})
    assert res.status_code == 302 and res.headers["Location"].endswith("/diary")
    assert client.get("/diary").status_code == 302  # on to the child's week
    assert "/diary/pupil/" in client.get("/diary").headers["Location"]
    with rp_app.app_context():
        [row] = db.session.query(Consent).all()
        assert row.person_id == person_id(rp_app, "ivanova.m")
        assert row.version == "2024-09" and not row.refused and row.accepted_at


def test_refusing_leaves_only_the_consent_page(rp_app, school):
    client = client_for(rp_app, "ivanova.m")
    page = client.get("/consent").get_data(as_text=True)
    client.post("/consent", data={"csrf_token": csrf_token(page), "refuse": "Не даю согласие"})
    assert "/consent" in client.get("/diary/news").headers["Location"]
    assert client.get("/api/diary/pupil/1/marks").status_code == 403
    assert "отказались" in client.get("/consent").get_data(as_text=True)


def test_new_text_version_asks_again(rp_app, school):
    client = client_for(rp_app, "ivanova.m")
    page = client.get("/consent").get_data(as_text=True)
    client.post("/consent", data={"csrf_token": csrf_token(page), "accept": "Даю согласие"})
    assert client.get("/diary/news").status_code == 200
    rp_app.config["CONSENT_VERSION"] = "2025-01"
    assert "/consent" in client.get("/diary/news").headers["Location"]


def test_staff_and_pupils_are_not_asked(rp_app, school):
    assert client_for(rp_app, "uchitel").get("/journal").status_code == 200
    assert client_for(rp_app, "uchenik").get("/diary/news").status_code == 200
