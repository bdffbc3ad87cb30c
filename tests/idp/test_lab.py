"""Lab pages: the clock with "Перемотать", the policy switch, the inbox (page and JSON), lab mode."""

from __future__ import annotations

import pytest

from idp.domain import inbox
from tests.idp.profile_helpers import account_state
from tests.idp.profile_helpers import log_in
from tests.idp.profile_helpers import make_account
from tests.idp.profile_helpers import post_form
from tests.idp.profile_helpers import submit_profile


def _send(app, channel: str, recipient: str, body: str) -> None:
    from idp.db import db

    with app.app_context():
        inbox.send(db.session, channel, recipient, body)
        db.session.commit()


def test_lab_page_shows_the_clock_and_is_linked_in_the_header(idp_client):
    page = idp_client.get("/lab").get_data(as_text=True)
    assert "Часы стенда" in page
    assert "Перемотать" in page
    assert 'href="/lab"' in idp_client.get("/").get_data(as_text=True)


def test_advance_moves_the_clock_and_runs_due_checks(idp_app, idp_client):
    idp_app.config["VERIFICATION_DELAY"] = "1d"
    account_id = make_account(idp_app)
    log_in(idp_client, account_id)
    submit_profile(idp_client)
    res = post_form(idp_client, "/lab", "/lab/clock/advance", duration="2d")
    assert res.status_code == 302
    page = idp_client.get("/lab").get_data(as_text=True)
    assert "Завершено проверок: 1" in page
    assert "2 дн. 0 ч 0 мин" in page
    assert account_state(idp_app, account_id)[:2] == ("standard", "confirmed")


def test_advance_refuses_a_bad_duration(idp_client):
    res = post_form(idp_client, "/lab", "/lab/clock/advance", duration="два дня")
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    assert "Не понимаю длительность" in page
    assert 'value="два дня"' in page


def test_reset_puts_the_clock_back(idp_client):
    post_form(idp_client, "/lab", "/lab/clock/advance", duration="3d")
    post_form(idp_client, "/lab", "/lab/clock/reset")
    assert "0 дн. 0 ч 0 мин" in idp_client.get("/lab").get_data(as_text=True)


def test_policy_switch(idp_app, idp_client):
    from idp.db import db
    from idp.domain import registry

    post_form(idp_client, "/lab", "/lab/policy", policy="strict")
    with idp_app.app_context():
        assert registry.get_policy(db.session) == "strict"
    post_form(idp_client, "/lab", "/lab/policy", policy="bogus")
    with idp_app.app_context():
        assert registry.get_policy(db.session) == "strict"


def test_inbox_lists_newest_first_and_filters_by_recipient(idp_app, idp_client):
    _send(idp_app, "sms", "+79110000001", "Код: 111111")
    _send(idp_app, "email", "a@example.test", "Ссылка для подтверждения")
    _send(idp_app, "sms", "+79110000001", "Код: 222222")
    page = idp_client.get("/lab/inbox").get_data(as_text=True)
    assert page.index("222222") < page.index("Ссылка") < page.index("111111")
    filtered = idp_client.get("/lab/inbox?recipient=8 911 000-00-01").get_data(as_text=True)
    assert "222222" in filtered and "111111" in filtered
    assert "Ссылка" not in filtered


def test_inbox_json(idp_app, idp_client):
    _send(idp_app, "sms", "+79110000001", "Код: 111111")
    _send(idp_app, "email", "a@example.test", "Ссылка")
    data = idp_client.get("/lab/inbox.json?recipient=A@example.test").get_json()
    assert [m["body"] for m in data["messages"]] == ["Ссылка"]
    assert data["messages"][0]["channel"] == "email"
    assert len(idp_client.get("/lab/inbox.json").get_json()["messages"]) == 2


def test_inbox_accepts_post_letters(idp_app, idp_client):
    _send(idp_app, "post", "+79110000001", "Код подтверждения личности: 123456")
    page = idp_client.get("/lab/inbox").get_data(as_text=True)
    assert "Почта России" in page


def test_lab_forms_check_csrf(idp_client):
    assert idp_client.post("/lab/clock/advance", data={"duration": "2d"}).status_code == 400


@pytest.mark.parametrize("path", ["/lab", "/lab/inbox", "/lab/inbox.json"])
def test_lab_pages_are_404_without_lab_mode(idp_app, idp_client, path):
    idp_app.config["LAB_MODE"] = False
    assert idp_client.get(path).status_code == 404
    assert 'href="/lab"' not in idp_client.get("/").get_data(as_text=True)
