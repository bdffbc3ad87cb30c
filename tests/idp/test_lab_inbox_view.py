"""The lab phone and mailbox: the IdP's and the diary's messages in one view, links clickable, a down diary named."""

from __future__ import annotations

import pytest
import responses

from idp.db import db
from idp.domain import inbox

RP_URL = "http://diary.test:5002"
OUTBOX_URL = RP_URL + "/api/lab/outbox"
LINK = "http://127.0.0.1:6301/registration/link/" + "x" * 60


@pytest.fixture
def app(idp_app):
    idp_app.config.update(LAB_RP_URL=RP_URL, LAB_TOKEN="the-lab-token")
    with idp_app.app_context():
        inbox.send(db.session, "email", "a@example.test", f"Перейдите по ссылке:\n\n{LINK}\n\nСпасибо.", subject="Тема")
        inbox.send(db.session, "sms", "+79110000001", "Госуслуги: код подтверждения 654321.")
        db.session.commit()
    return idp_app


DIARY_MESSAGE = {
    "id": 7,
    "channel": "email",
    "recipient": "parent@example.test",
    "subject": "Родительское собрание",
    "body": "Собрание в четверг в 18:00.",
    "created_at": "2030-01-01T10:00:00Z",
    "delivery": "outbox",
}


@responses.activate
def test_inbox_shows_the_diary_messages_beside_the_idps(app):
    responses.get(OUTBOX_URL, json={"messages": [DIARY_MESSAGE]})
    html = app.test_client().get("/lab/inbox").get_data(as_text=True)
    assert "Родительское собрание" in html and "Собрание в четверг" in html
    assert '<tr class="inbox-diary">' in html and '<tr class="inbox-idp">' in html
    assert html.index("Родительское собрание") < html.index("654321")  # newest first, across both apps
    assert responses.calls[0].request.headers["X-Lab-Token"] == "the-lab-token"
    data = app.test_client().get("/lab/inbox.json").get_json()
    assert [m["source"] for m in data["messages"]] == ["diary", "idp", "idp"]
    assert data["diary"] == {"ok": True, "url": OUTBOX_URL, "error": None}


@responses.activate
def test_the_recipient_filter_is_passed_to_the_diary(app):
    responses.get(OUTBOX_URL, json={"messages": []})
    app.test_client().get("/lab/inbox?recipient=PARENT@example.test")
    assert responses.calls[0].request.params == {"recipient": "parent@example.test"}


@responses.activate
@pytest.mark.parametrize(
    ("lang", "text"),
    [("ru", "не ответил"), ("en", "did not answer")],
)
def test_a_down_diary_is_named_and_the_idps_messages_still_show(app, lang, text):
    responses.get(OUTBOX_URL, status=500)
    client = app.test_client()
    html = client.get(f"/lab/inbox?lang={lang}").get_data(as_text=True)
    assert 'id="diary-down"' in html and text in html and OUTBOX_URL in html
    assert "654321" in html
    data = client.get("/lab/inbox.json").get_json()
    assert data["diary"]["ok"] is False and data["diary"]["error"] == "HTTP 500"
    assert len(data["messages"]) == 2


@responses.activate
def test_links_in_messages_are_clickable_and_wrap(app):
    responses.get(OUTBOX_URL, json={"messages": []})
    html = app.test_client().get("/lab/inbox").get_data(as_text=True)
    assert f'<a class="message-link" href="{LINK}">{LINK}</a>' in html
    css = app.test_client().get("/static/idp.css")
    assert ".message-link" in css.get_data(as_text=True) and "overflow-wrap: anywhere" in css.get_data(as_text=True)
    css.close()


def test_split_links_keeps_the_text_and_leaves_the_full_stop_out():
    from shared.textlinks import split_links

    text = "Ссылка: https://a.test/x?y=1. Конец"
    parts = split_links(text)
    assert parts == [("Ссылка: ", False), ("https://a.test/x?y=1", True), (". Конец", False)]
    assert "".join(p for p, _ in parts) == text
    assert split_links(None) == []
