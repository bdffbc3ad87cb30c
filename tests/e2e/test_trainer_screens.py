"""The trainer's screens where JavaScript matters: the presenter's phone and mailbox, the resend countdown,
and the busy state of a long action. One page per test, no sleeps (the page clock is driven by hand).
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def _register(page, lab, phone: str, email: str | None = None) -> None:
    page.goto(lab.idp_url + ("/registration/other" if email else "/registration"))
    page.fill("#last_name", "Тестова")
    page.fill("#first_name", "Анна")
    page.fill("#phone", phone)
    if email:
        page.fill("#email", email)
        page.check("#channel-1")  # the link by e-mail
    page.click("main form [type=submit]")
    page.wait_for_url(re.compile(r"/registration/confirm$"))


def test_presenter_shows_sms_codes_and_clickable_links_never_a_port(lab, page):
    _register(page, lab, "+7 921 4000001")
    _register(page, lab, "+7 921 4000002", email="presenter.e2e@example.test")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(lab.idp_url + "/lab/presenter?app=/registration")
    sms = page.locator("#presenter-sms .presenter-message").filter(has_text="+79214000001")
    code = sms.locator(".presenter-code")
    code.wait_for()
    assert re.fullmatch(r"\d{6}", code.inner_text())
    mail = page.locator("#presenter-email .presenter-message").filter(has_text="presenter.e2e@example.test")
    mail.wait_for()
    assert mail.locator(".presenter-code").count() == 0  # the e-mail carries a link, not a code (no port 6301 etc.)
    link = mail.locator(".presenter-body a.message-link")
    href = link.get_attribute("href")
    assert href.startswith(lab.idp_url + "/registration/link/")
    # The big button opens the link inside the framed app, as a trainer would show it.
    mail.locator("a.presenter-open").click()
    frame = page.frame_locator("iframe.presenter-frame")
    frame.locator("#password").wait_for()
    # The app uses the width: the framed page is not a narrow column and keeps its header.
    assert page.locator("iframe.presenter-frame").bounding_box()["width"] > 1200
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920


def test_the_resend_countdown_moves_and_enables_the_button(lab, page):
    page.clock.install()
    _register(page, lab, "+7 921 4000003")
    button = page.get_by_role("button", name="Отправить код ещё раз")
    assert button.is_disabled()
    hint = page.locator("#resend-hint")
    first = int(re.search(r"(\d+) с", hint.inner_text()).group(1))
    page.clock.run_for(5000)
    later = int(re.search(r"(\d+) с", hint.inner_text()).group(1))
    assert later < first
    page.clock.run_for((later + 1) * 1000)
    assert button.is_enabled() and hint.inner_text() == "Можно отправить ещё раз."


def test_a_long_action_shows_that_it_is_working(lab, page):
    page.goto(lab.rp_url + "/lab/scenarios")
    form = page.locator("tr#exact-match-first-login form")
    # Keep the page (the load itself is covered by the flow tests): the test's listener runs after busy.js's.
    form.evaluate("f => f.addEventListener('submit', e => e.preventDefault())")
    button = form.locator("button")
    button.click()
    assert form.get_attribute("aria-busy") == "true" and button.get_attribute("aria-busy") == "true"
    assert button.inner_text() == "Загружается…"
    note = form.locator(".busy-note")
    assert note.is_visible() and "Загружаем сценарий в госуслуги и Дневник" in note.inner_text()
    assert button.is_disabled()  # aria-disabled: a second press is ignored while the first is working
    button.click(force=True)
    assert button.inner_text() == "Загружается…"
