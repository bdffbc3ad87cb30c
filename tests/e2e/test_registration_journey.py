"""A new person in a real browser: registration, code, password, profile, registry check (fast-forwarded),
standard, then verified by the postal code, and logging in with phone, e-mail and SNILS.
"""

from __future__ import annotations

import re

import pytest
import requests

from shared.validators import format_snils
from shared.validators import make_snils

pytestmark = pytest.mark.e2e

PHONE = "8 (921) 555-12-34"
EMAIL = "novikov.e2e@example.test"
PASSWORD = "Sever+2026"
SNILS = format_snils(make_snils("176543219"))


def latest_code(lab, recipient: str, channel: str) -> str:
    """Read the newest code sent to ``recipient`` from the lab inbox, as a trainer's audience would."""
    res = requests.get(lab.idp_url + "/lab/inbox.json", params={"recipient": recipient}, timeout=5)
    messages = [m for m in res.json()["messages"] if m["channel"] == channel]
    assert messages, f"no {channel} message for {recipient}: {res.json()}"
    return re.search(r"\b(\d{6})\b", messages[0]["body"]).group(1)


def log_in(page, lab, login: str) -> None:
    page.goto(lab.idp_url + "/login")
    page.get_by_label("Телефон / Email / СНИЛС").fill(login)
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_registration_to_verified_account_then_login_three_ways(lab, page):
    page.goto(lab.idp_url + "/")
    page.get_by_role("link", name="Регистрация").first.click()
    page.get_by_role("link", name="Другой способ регистрации").click()

    # Step 1: surname, name, phone, e-mail (the phone typed the way people type it).
    page.get_by_label("Фамилия").fill("Новиков")
    page.get_by_label("Имя").fill("Егор")
    page.get_by_label("Мобильный телефон", exact=True).fill(PHONE)
    page.get_by_label("Электронная почта").fill(EMAIL)
    page.get_by_role("button", name="Зарегистрироваться").click()

    # Step 2: the code from the SMS, then "Продолжить".
    page.get_by_label("Код подтверждения").fill(latest_code(lab, "+79215551234", "sms"))
    page.get_by_role("button", name="Продолжить").click()

    # Step 3: a password that breaks rules is refused with every rule named, then a good one.
    page.get_by_label("Пароль", exact=True).fill("пароль")
    page.get_by_label("Повторите пароль").fill("пароль")
    page.get_by_role("button", name="Сохранить пароль").click()
    body = page.locator("main").inner_text()
    assert "английскую (EN)" in body and "не короче 8 символов" in body
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_label("Повторите пароль").fill(PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    assert "Упрощённая учётная запись создана" in page.locator("main").inner_text()

    # The profile, asked from 14 years of age.
    page.get_by_role("link", name="Личный кабинет").first.click()
    assert "Упрощённая (1)" in page.locator("main").inner_text()
    page.get_by_role("link", name="Заполнить профиль").click()
    page.get_by_label("Отчество").fill("Ильич")
    page.get_by_label("Пол").select_option("M")
    page.get_by_label("Дата рождения").fill("12.04.1995")
    page.get_by_label("Место рождения").fill("г. Архангельск")
    page.get_by_label("Серия паспорта").fill("1115")
    page.get_by_label("Номер паспорта").fill("654321")
    page.get_by_label("Кем выдан").fill("УМВД России по Архангельской области")
    page.get_by_label("Дата выдачи").fill("20.04.2015")
    page.get_by_label("Код подразделения").fill("290-001")
    page.get_by_label("СНИЛС").fill(SNILS)
    page.get_by_role("button", name="Сохранить").click()
    page.goto(lab.idp_url + "/profile")
    assert "проверк" in page.locator("main").inner_text().lower()

    # The registries take 15 minutes to 5 days: the trainer fast-forwards the lab clock.
    page.goto(lab.idp_url + "/lab")
    page.get_by_label("На сколько").fill("5d")
    page.get_by_role("button", name="Перемотать").click()
    page.goto(lab.idp_url + "/profile")
    assert "Стандартная (2)" in page.locator("main").inner_text()

    # Verified (3): the confirmation code "by post".
    page.get_by_role("button", name="Получить код письмом (Почта России)").click()
    page.goto(lab.idp_url + "/profile/confirm")
    page.get_by_label("Код из письма").fill(latest_code(lab, "+79215551234", "post"))
    page.get_by_role("button", name="Подтвердить").click()
    page.goto(lab.idp_url + "/profile")
    assert "Подтверждённая (3)" in page.locator("main").inner_text()

    # Log in with phone, e-mail and SNILS.
    for login in ("+7 921 5551234", EMAIL, SNILS):
        page.get_by_role("button", name="Выйти").click()
        log_in(page, lab, login)
        page.goto(lab.idp_url + "/profile")
        assert "Новиков Егор Ильич" in page.locator("main").inner_text(), login
