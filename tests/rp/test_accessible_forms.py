"""The diary's forms as a screen reader meets them: the phone hint and its error tied to the phone field,
required fields marked, and a refused step opening with a focused error summary linking to the fields.
"""

from __future__ import annotations

import re

from tests.helpers.a11y_html import Page
from tests.rp.fakeop import add_person
from tests.rp.fakeop import login
from tests.rp.fakeop import post_form


def summary_links(html: str) -> list[str]:
    """Return the fragment links of the error summary."""
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return re.findall(r'href="#([^"]+)"', block.group(0))


def test_login_page_has_a_skip_link_and_labelled_required_fields(rp_client):
    html = rp_client.get("/login").get_data(as_text=True)
    page = Page(html)
    assert re.search(r'<body>\s*<a class="skip-link" href="#main">Перейти к основному содержанию</a>', html)
    assert page.attrs("main")["tabindex"] == "-1"
    for name in ("login", "password"):
        assert "required" in page.attrs(name)
        assert re.search(rf'<label for="{name}">', html), name


def test_refused_diary_login_is_summarised(rp_client):
    res = post_form(rp_client, "/login", {"login": "", "password": ""})
    html = res.get_data(as_text=True)
    page = Page(html)
    assert page.attrs("error-summary")["role"] == "alert" and "autofocus" in page.attrs("error-summary")
    assert summary_links(html) == ["login", "password"]
    assert page.description("login") == "Введите логин."


def test_first_login_contacts_tie_the_phone_hint_and_error_to_the_phone(rp_client, rp_app, op):
    add_person(rp_app)
    assert login(rp_client, op).headers["Location"] == "/login/esia/first/person"
    post_form(rp_client, "/login/esia/first/person")
    page = Page(rp_client.get("/login/esia/first/contacts").get_data(as_text=True))
    assert page.description("phone") == "Формат: +7 xxx xxxxxxx"
    assert "required" in page.attrs("phone") and "required" in page.attrs("email")

    res = post_form(rp_client, "/login/esia/first/contacts", {"phone": "12", "email": "bad"})
    html = res.get_data(as_text=True)
    page = Page(html)
    assert res.status_code == 400
    assert summary_links(html) == ["phone", "email"]
    assert page.attrs("phone")["aria-invalid"] == "true" and page.attrs("email")["aria-invalid"] == "true"
    assert page.description("phone").startswith("Формат: +7 xxx xxxxxxx ")
    assert page.text("phone-error") in page.description("phone") and page.text("phone-error")
