"""Keyboard only (Tab, Enter, Space): registration, log-in, consent, the diary's first-login sequence and
linking by the diary login all complete, and after a refused submit the focus is on the error summary,
whose links lead to the refused fields.
"""

from __future__ import annotations

import pytest

from shared.demo_people import DEMO_IDP_PASSWORD
from shared.demo_people import DEMO_RP_PASSWORD
from tests.e2e.a11y import focused
from tests.e2e.a11y import latest_code
from tests.e2e.a11y import tab_to
from tests.e2e.a11y import tab_to_button
from tests.e2e.a11y import type_into

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def kb_lab(demo_lab):
    """The session's lab in the demo state (each first login happens once per person)."""
    return demo_lab


def press_button(page, text: str, key: str = "Enter") -> None:
    """Tab to the button ``text`` and press it with ``key`` (Enter or Space), waiting for the next page."""
    tab_to_button(page, text)
    with page.expect_navigation():
        page.keyboard.press(key)


def enter(page) -> None:
    """Press Enter in the focused field (the form is submitted) and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow_link(page, text: str) -> None:
    """Tab to the link ``text`` and follow it with Enter."""
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def assert_summary_focused(page, *fields: str) -> None:
    """The error summary has the focus and links to each refused field, which is marked invalid."""
    assert page.locator("#error-summary").count() == 1, page.locator("main").inner_text()[:500]
    # autofocus is applied at the page's first rendering, which may come just after the load event.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'", timeout=5000)
    links = page.locator("#error-summary a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for name in fields:
        assert f"#{name}" in links, (name, links)
        control = page.locator(f"#{name}")
        assert control.get_attribute("aria-invalid") == "true", name
        assert f"{name}-error" in control.get_attribute("aria-describedby").split(), name


def summary_link_to(page, field_id: str) -> None:
    """From the focused summary, Tab to the link of ``field_id`` and press Enter: the field gets the focus."""
    tab_to(
        page, lambda f: f["tag"] == "a" and f["text"] and page.evaluate("document.activeElement.hash") == f"#{field_id}"
    )
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.activeElement && document.activeElement.id === {field_id!r}")


def test_skip_link_is_the_first_stop_and_moves_to_the_content(kb_lab, page):
    for url in (kb_lab.idp_url + "/login", kb_lab.rp_url + "/login"):
        page.goto(url)
        page.keyboard.press("Tab")
        first = focused(page)
        assert first["tag"] == "a" and first["text"] == "Перейти к основному содержанию", first
        assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown on focus
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement.id === 'main'")


def test_registration_by_keyboard(kb_lab, page):
    page.goto(kb_lab.idp_url + "/registration/other")
    press_button(page, "Зарегистрироваться")
    assert_summary_focused(page, "last_name", "first_name", "phone", "email")
    summary_link_to(page, "last_name")
    page.keyboard.type("Лебедева")
    type_into(page, "first_name", "Анна")
    type_into(page, "phone", "+7 921 6000001")
    type_into(page, "email", "lebedeva.kb@example.test")
    # The confirmation channel: a radio group, chosen with the arrow keys.
    tab_to(page, lambda f: f["id"] == "channel-0")
    press_button(page, "Зарегистрироваться")

    type_into(page, "code", "000000")
    enter(page)
    assert_summary_focused(page, "code")
    summary_link_to(page, "code")
    page.keyboard.press("Control+A")
    page.keyboard.type(latest_code(kb_lab, "+79216000001"))
    enter(page)
    assert page.url.endswith("/registration/password"), page.url

    type_into(page, "password", "short")
    type_into(page, "password_repeat", "short")
    press_button(page, "Сохранить пароль", key="Space")
    assert_summary_focused(page, "password")
    type_into(page, "password", "Lebedeva+2026")
    type_into(page, "password_repeat", "Lebedeva+2026")
    press_button(page, "Сохранить пароль", key="Space")
    assert "Упрощённая учётная запись создана" in page.locator("main").inner_text()


def gosuslugi_login_by_keyboard(page, lab, login: str) -> None:
    """From the diary's login page: «Войти через ГосУслуги», the IdP's login (first refused), the consent."""
    page.goto(lab.rp_url + "/login")
    press_button(page, "Войти через ГосУслуги")
    assert page.url.startswith(lab.idp_url + "/login"), page.url
    press_button(page, "Войти")
    assert_summary_focused(page, "login", "password")
    summary_link_to(page, "login")
    page.keyboard.type(login)
    type_into(page, "password", DEMO_IDP_PASSWORD)
    enter(page)
    if page.url.startswith(lab.idp_url):
        assert "Предоставление прав доступа" in page.locator("main").inner_text()
        press_button(page, "Предоставить", key="Space")
    assert page.url.startswith(lab.rp_url), page.url


def test_login_consent_and_first_login_sequence_by_keyboard(kb_lab, page):
    gosuslugi_login_by_keyboard(page, kb_lab, "+7 911 1000001")
    assert "Иванова" in page.locator("main").inner_text()
    press_button(page, "Далее")

    type_into(page, "phone", "12345")
    type_into(page, "email", "ivanova")
    press_button(page, "Далее")
    assert_summary_focused(page, "phone", "email")
    summary_link_to(page, "phone")
    page.keyboard.press("Control+A")
    page.keyboard.type("+7 911 1000001")
    type_into(page, "email", "ivanova@example.test")
    press_button(page, "Далее")

    type_into(page, "password", "abc")
    type_into(page, "repeat", "abc")
    press_button(page, "Далее")
    assert_summary_focused(page, "password")
    type_into(page, "password", "maria2024")
    type_into(page, "repeat", "maria2024")
    press_button(page, "Далее", key="Space")
    assert "Теперь вы можете входить в Дневник.ру" in page.locator("main").inner_text()

    follow_link(page, "Перейти в дневник")
    assert "152-ФЗ" in page.locator("main").inner_text()
    press_button(page, "Даю согласие", key="Space")
    assert "/diary" in page.url, page.url


def test_linking_by_diary_login_by_keyboard(kb_lab, page):
    gosuslugi_login_by_keyboard(page, kb_lab, "+7 911 1000003")
    assert "/login/esia/not-found" in page.url, page.url
    press_button(page, "Привязать")
    assert_summary_focused(page, "login", "password")
    summary_link_to(page, "login")
    page.keyboard.type("kuznetsov.a")
    type_into(page, "password", DEMO_RP_PASSWORD)
    enter(page)
    assert "Кузнецов Андрей Викторович" in page.locator("main").inner_text()
    press_button(page, "Привязать", key="Space")
    assert "Теперь вы можете входить в Дневник.ру" in page.locator("main").inner_text()
