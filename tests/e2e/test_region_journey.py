"""The seed's journey in a browser: the region's address shows its login page with the button, and the
"not enough data" outcome survives a reload — at 1280 and 390 px, in Russian and English.
"""

from __future__ import annotations

import pytest

from shared.demo_people import DEMO_IDP_PASSWORD

pytestmark = pytest.mark.e2e

ADVICE = {
    "ru": "В поля для ввода логина и пароля ничего не вводите",
    "en": "Leave the login and password fields empty",
}
BUTTON = {"ru": "Войти через ГосУслуги", "en": "Sign in with Gosuslugi"}
NOT_ENOUGH = {"ru": "Портал госуслуг передал недостаточно данных", "en": "did not provide enough data"}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_region_page_then_a_reloadable_outcome(demo_lab, page):
    for lang in ("ru", "en"):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 844})
            page.goto(demo_lab.rp_url + f"/login/esia/dvinaland?lang={lang}")
            main = page.locator("main")
            assert ADVICE[lang] in main.inner_text() and "Архангельская область" in main.inner_text()
            assert page.get_by_role("button", name=BUTTON[lang]).is_visible()
            assert fits(page), (lang, width)
    # 390 px, English: the button starts the login; a simplified account comes back "not enough data".
    page.get_by_role("button", name=BUTTON["en"]).click()
    assert page.url.startswith(demo_lab.idp_url), page.url
    page.locator("input[name=login]").fill("+7 911 1000004")
    page.locator("input[name=password]").fill(DEMO_IDP_PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    if page.url.startswith(demo_lab.idp_url):
        page.locator("button[name=allow]").click()
    page.wait_for_url(demo_lab.rp_url + "/login/outcome/*")
    for _ in range(2):  # the page, then a reload
        text = page.locator("main").inner_text()
        assert NOT_ENOUGH["en"] in text and "sign-in session has expired" not in text, text
        assert fits(page)
        page.reload()
