"""The presenter page: the app framed beside the lab phone and mailbox, refreshed by an external script."""

from __future__ import annotations

import re


def test_page_renders_with_frame_phone_and_mailbox(idp_client):
    resp = idp_client.get("/lab/presenter?app=/registration")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<iframe class="presenter-frame" src="/registration"' in html
    assert "Телефон стенда" in html and "Почта стенда" in html
    assert 'data-inbox-url="/lab/inbox.json"' in html


def test_no_inline_script_only_the_static_file(idp_client):
    html = idp_client.get("/lab/presenter").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "the page loads its script"
    for attrs, body in scripts:
        assert 'src="/static/presenter.js"' in attrs and body.strip() == ""
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either


def test_script_is_served_and_polls_the_inbox(idp_client):
    resp = idp_client.get("/static/presenter.js")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    resp.close()  # a static file is streamed from an open file
    assert "data-inbox-url" in body and "2000" in body


def test_inbox_json_shows_a_code_as_it_arrives(idp_app, idp_client):
    assert idp_client.get("/lab/inbox.json").get_json()["messages"] == []
    with idp_app.app_context():
        from idp.db import db
        from idp.domain import inbox

        inbox.send(db.session, "sms", "+79161234567", "Код подтверждения: 123456")
        db.session.commit()
    messages = idp_client.get("/lab/inbox.json").get_json()["messages"]
    assert messages[0]["channel"] == "sms" and "123456" in messages[0]["body"]


def test_the_idp_may_frame_itself_but_nobody_else(idp_client):
    resp = idp_client.get("/registration")
    assert "frame-ancestors 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_other_origins_are_never_framed(idp_client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        html = idp_client.get("/lab/presenter", query_string={"app": target}).get_data(as_text=True)
        assert 'src="/"' in html


def test_hidden_without_lab_mode_and_no_framing_in_production(tmp_path):
    from idp import create_app

    app = create_app({"TESTING": True, "LAB_MODE": False, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    client = app.test_client()
    assert client.get("/lab/presenter").status_code == 404
    assert client.get("/healthz").headers["X-Frame-Options"] == "DENY"
