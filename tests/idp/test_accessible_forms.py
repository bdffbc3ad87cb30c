"""The portal's forms as a screen reader meets them: hints and errors tied to their fields, required fields
marked, and a refused form opening with a focused error summary that links to each refused field.
"""

from __future__ import annotations

import re

from tests.helpers.a11y_html import Page
from tests.idp.code_flow_helpers import post_form
from tests.idp.profile_helpers import log_in
from tests.idp.profile_helpers import make_account
from tests.idp.profile_helpers import submit_profile


def summary_links(html: str) -> list[str]:
    """Return the fragment links of the error summary."""
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return re.findall(r'href="#([^"]+)"', block.group(0))


def test_every_page_starts_with_a_skip_link_to_the_content(idp_client):
    for path in ("/", "/login", "/registration"):
        html = idp_client.get(path).get_data(as_text=True)
        page = Page(html)
        assert re.search(r'<body>\s*<a class="skip-link" href="#main">Перейти к основному содержанию</a>', html)
        assert page.attrs("main")["tabindex"] == "-1"


def test_registration_fields_are_required_and_the_phone_hint_describes_the_phone(idp_client):
    page = Page(idp_client.get("/registration/other").get_data(as_text=True))
    for name in ("last_name", "first_name", "phone", "email"):
        assert "required" in page.attrs(name), name
    assert page.description("phone") == "Формат: +7 xxx xxxxxxx"
    assert "aria-invalid" not in page.attrs("phone")
    assert not page.has("error-summary")


def test_refused_registration_opens_with_a_focused_summary_linking_to_each_field(idp_client):
    data = {"last_name": "", "first_name": "Иван", "phone": "12", "email": "", "channel": "sms"}
    res = post_form(idp_client, "/registration", data)
    html = res.get_data(as_text=True)
    page = Page(html)
    summary = page.attrs("error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1" and "autofocus" in summary
    assert summary_links(html) == ["last_name", "phone", "email"]
    assert "Мобильный телефон: Номер телефона должен быть в формате +7 xxx xxxxxxx." in page.text("error-summary")
    assert page.attrs("phone")["aria-invalid"] == "true"
    assert page.description("phone") == "Формат: +7 xxx xxxxxxx Номер телефона должен быть в формате +7 xxx xxxxxxx."
    assert page.attrs("phone")["value"] == "12"
    assert "aria-invalid" not in page.attrs("first_name")


def test_a_wrong_code_marks_the_code_field_invalid(idp_client):
    data = {"last_name": "Иванов", "first_name": "Иван", "phone": "+7 912 3456789", "email": "ivan@example.ru"}
    assert post_form(idp_client, "/registration", {**data, "channel": "sms"}).status_code == 302
    res = post_form(idp_client, "/registration/confirm", {"code": "000000"})
    page = Page(res.get_data(as_text=True))
    assert page.attrs("code")["aria-invalid"] == "true"
    assert "code-error" in page.attrs("code")["aria-describedby"].split()
    assert page.text("code-error") and page.text("code-error") in page.text("error-summary")
    assert summary_links(res.get_data(as_text=True)) == ["code"]


def test_refused_profile_form_ties_every_error_to_its_field(idp_app, idp_client):
    log_in(idp_client, make_account(idp_app))
    res = submit_profile(idp_client, snils="123", doc_series="")
    html = res.get_data(as_text=True)
    page = Page(html)
    assert page.attrs("error-summary")["role"] == "alert"
    assert summary_links(html) == ["doc_series", "snils"]
    for name in ("doc_series", "snils"):
        assert page.attrs(name)["aria-invalid"] == "true"
        assert page.text(f"{name}-error") in page.description(name)
    assert page.description("snils").startswith("Формат: xxx-xxx-xxx xx")
    assert "required" in page.attrs("birth_place") and "required" not in page.attrs("middle_name")


def test_wrong_password_is_summarised_without_saying_which_part_was_wrong(idp_client):
    res = post_form(idp_client, "/login", {"login": "+7 999 0000000", "password": "Wrong+pass1"})
    page = Page(res.get_data(as_text=True))
    assert page.text("error-summary") == "Исправьте ошибки Неверный логин или пароль."
    assert "aria-invalid" not in page.attrs("login")
