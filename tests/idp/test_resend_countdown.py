"""The code page's "send again": a countdown from the server's wait, a disabled look, a dead code replaced at once."""

from __future__ import annotations

import re

import pytest

from tests.idp.code_flow_helpers import advance
from tests.idp.test_registration import PHONE
from tests.idp.test_registration import enter_code
from tests.idp.test_registration import inbox
from tests.idp.test_registration import last_code
from tests.idp.test_registration import resend
from tests.idp.test_registration import start


def _button(page: str) -> str:
    return re.search(r'<form method="post" action="/registration/resend".*?(<button.*?>)', page, re.S).group(1)


def test_the_wait_is_given_to_the_countdown_and_the_button_is_disabled(idp_app, idp_client):
    start(idp_client)
    page = idp_client.get("/registration/confirm").get_data(as_text=True)
    button = _button(page)
    assert " disabled" in button and 'data-wait-seconds="60"' in button
    assert 'id="resend-hint"' in page and "Отправить повторно можно через 60 с." in page
    assert 'data-template="Отправить повторно можно через %(seconds)s с."' in page
    assert '<script src="/static/countdown.js" defer></script>' in page
    advance(idp_app, 45)
    assert 'data-wait-seconds="15"' in idp_client.get("/registration/confirm").get_data(as_text=True)
    advance(idp_app, 15)
    button = _button(idp_client.get("/registration/confirm").get_data(as_text=True))
    assert " disabled" not in button and "data-wait-seconds" not in button


@pytest.mark.parametrize(
    ("lang", "text"),
    [("ru", "Новый код можно запросить через 60 с."), ("en", "You can request a new code in 60 s.")],
)
def test_without_javascript_an_early_resend_is_refused_with_the_seconds_left(idp_app, idp_client, lang, text):
    clock = idp_app.extensions["clock"]
    clock.freeze()  # the seconds left are exact only while no time passes (a loaded machine takes a second)
    try:
        idp_client.get(f"/registration?lang={lang}")
        start(idp_client)
        res = resend(idp_client)
        assert res.status_code == 302
        assert text in idp_client.get("/registration/confirm").get_data(as_text=True)
        assert len(inbox(idp_app, PHONE)) == 1
    finally:
        clock.unfreeze()


def test_after_the_attempts_run_out_the_button_asks_for_a_new_code_at_once(idp_app, idp_client):
    start(idp_client)
    wrong = "000000" if last_code(idp_app) != "000000" else "111111"
    for _ in range(3):
        page = enter_code(idp_client, wrong).get_data(as_text=True)
    assert "Запросите новый код" in page
    button = _button(page)
    assert " disabled" not in button
    assert "Отправить повторно можно через" not in page
    resend(idp_client)  # no waiting: the dead code is replaced now
    assert len(inbox(idp_app, PHONE)) == 2
    res = enter_code(idp_client, last_code(idp_app))
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration/password")


def test_the_countdown_script_is_served(idp_client):
    res = idp_client.get("/static/countdown.js")
    body = res.get_data(as_text=True)
    res.close()
    assert "data-wait-seconds" in body and "disabled = false" in body


def test_a_disabled_button_looks_disabled(idp_client):
    res = idp_client.get("/static/idp.css")
    css = res.get_data(as_text=True)
    res.close()
    assert re.search(r"button:disabled[^{]*\{[^}]*cursor: not-allowed", css)
