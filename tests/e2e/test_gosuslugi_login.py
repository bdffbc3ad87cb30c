"""The diary's "Войти через ГосУслуги" against the real IdP, in a real browser, for the demo people:
the first-login sequence, "profile not found" with linking by the diary login, and an existing link --
through the demo's ESIA region (``dvinaland``: v2/ac, v3/te, /rs/prns) and its OIDC region (``tomsk``).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shared.demo_people import DEMO_IDP_PASSWORD
from shared.demo_people import DEMO_RP_PASSWORD

pytestmark = pytest.mark.e2e

NOT_FOUND = (
    "К сожалению, мы не смогли найти Ваш профиль Дневник.ру по данным, предоставленным порталом госуслуг. "
    "Пожалуйста, введите логин и пароль от Вашего аккаунта Дневник.ру для его привязки."
)


#: Region -> the path the browser passes at the IdP on its way to the login page.
REGIONS = {"dvinaland": "/aas/oauth2/v2/ac", "tomsk": "/authorize"}


@pytest.fixture(params=sorted(REGIONS))
def region(request, lab):
    """Each test once per protocol, each time on the demo data (the tests link people)."""
    lab.reset()
    return request.param


def gosuslugi_login(page, lab, login: str, region: str = "dvinaland") -> None:
    """From the diary's regional entry point, through the IdP's login and consent, back to the diary."""
    page.goto(lab.rp_url + f"/login/esia/{region}")  # the region's login page, as the seed says
    with page.expect_request(lambda r: r.url.startswith(lab.idp_url + REGIONS[region])):
        page.get_by_role("button", name="Войти через ГосУслуги").click()
    assert page.url.startswith(lab.idp_url), page.url
    page.get_by_label("Телефон / Email / СНИЛС").fill(login)
    page.get_by_label("Пароль", exact=True).fill(DEMO_IDP_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # Either the consent screen or (consent remembered) straight back to the diary, after the redirects.
    grant = page.get_by_role("button", name="Предоставить")
    granted = False
    for _ in range(300):
        if page.url.startswith(lab.rp_url):
            break
        if not granted and grant.count():
            assert "Предоставление прав доступа" in page.content()
            grant.click()
            granted = True
        page.wait_for_timeout(100)
    page.wait_for_load_state()
    assert page.url.startswith(lab.rp_url), page.url


def test_first_login_sequence_links_an_exact_match(lab, region, page):
    if region == "dvinaland":  # the login page's button is the default region's: ESIA, as Dnevnik.ru does
        page.goto(lab.rp_url + "/login")
        with page.expect_request(lambda r: r.url.startswith(lab.idp_url + REGIONS[region])):
            page.get_by_role("button", name="Войти через ГосУслуги").click()
        assert page.url.startswith(lab.idp_url + "/login")
    gosuslugi_login(page, lab, "+7 911 1000001", region)

    main = page.locator("main")
    for shown in ("Иванова", "Мария", "Петровна", "14.03.1984"):
        assert shown in main.inner_text()
    page.get_by_role("button", name="Далее").click()

    page.get_by_label("Телефон").fill("+7 911 1000001")
    page.get_by_label("Электронная почта").fill("ivanova@example.test")
    page.get_by_role("button", name="Далее").click()

    page.get_by_label("Пароль для Дневник.ру").fill("maria2024")
    page.get_by_label("Повторите пароль").fill("maria2024")
    page.get_by_role("button", name="Далее").click()
    main.get_by_text("Теперь вы можете входить в Дневник.ру через кнопку «Вход через ГосУслуги»").wait_for()

    # The next Gosuslugi login goes straight in (the parent first meets the 152-ФЗ consent).
    page.context.clear_cookies()
    gosuslugi_login(page, lab, "ivanova@example.test", region)
    assert "/consent" in page.url or "/diary" in page.url, page.url


def test_profile_not_found_then_linking_by_diary_login(lab, region, page):
    gosuslugi_login(page, lab, "+7 911 1000003", region)
    assert NOT_FOUND in " ".join(page.locator("main").inner_text().split())
    page.get_by_label("Логин").fill("kuznetsov.a")
    page.get_by_label("Пароль").fill(DEMO_RP_PASSWORD)
    page.get_by_role("button", name="Привязать").click()
    # A confirmation names the diary profile about to be linked.
    page.locator("main").get_by_text("Кузнецов Андрей Викторович").wait_for()
    page.get_by_role("button", name="Привязать").click()
    # The page has committed its URL before its body is parsed: wait for the text, not for the address.
    done = "Теперь вы можете входить в Дневник.ру через кнопку «Вход через ГосУслуги»"
    expect(page.locator("main")).to_contain_text(done)

    page.context.clear_cookies()
    gosuslugi_login(page, lab, "+7 911 1000003", region)
    assert "/consent" in page.url or "/diary" in page.url, page.url


def test_already_linked_person_is_signed_in(lab, region, page):
    gosuslugi_login(page, lab, "+7 911 1000005", region)
    assert "/consent" in page.url or "/diary" in page.url, page.url
    expect(page.locator("main")).to_contain_text("152-ФЗ")
