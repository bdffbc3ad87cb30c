"""English translations of both apps: complete catalogues, English pages on request, Russian by default.

The catalogues are compiled from the .po files before these tests (as ``make translations`` does), so a stale
or missing .mo cannot make them pass or fail.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import make_account

pytestmark = pytest.mark.any_database  # the catalogues and the pages' language do not depend on the database

ROOT = Path(__file__).resolve().parent.parent
APPS = ("idp", "rp")
CYRILLIC = re.compile("[А-Яа-яЁё]")


def catalogue_path(app: str) -> Path:
    """Return the English .po file of ``app``."""
    return ROOT / app / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def read_catalogue(app: str):
    """Parse the English catalogue of ``app``."""
    with catalogue_path(app).open("rb") as f:
        return read_po(f, locale="en")


@pytest.fixture(scope="module", autouse=True)
def fresh_mo_files():
    """Compile both catalogues (.po -> .mo, atomically) and drop translations Flask-Babel already cached."""
    for app in APPS:
        target = catalogue_path(app).with_suffix(".mo")
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as f:
            write_mo(f, read_catalogue(app))
        os.replace(tmp, target)
    from idp.extensions import babel as idp_babel
    from rp.extensions import babel as rp_babel

    for babel in (idp_babel, rp_babel):
        domain = vars(babel).get("domain_instance")  # made on first use; its cache outlives the apps
        if domain is not None:
            domain.cache.clear()


def text_of(resp) -> str:
    """Return the page's visible text (with button captions and placeholders), entities decoded."""
    body = resp.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    shown = re.findall(r'\s(?:value|placeholder|title|alt|aria-label)="([^"]*)"', body)
    return " ".join(html.unescape(" ".join([re.sub(r"<[^>]+>", " ", body), *shown])).split())


def russian_left(text: str) -> list[str]:
    """Return the Cyrillic words of an English page, besides the brand and the switch back to Russian."""
    for allowed in ("Русский", "гос", "услуги"):
        text = text.replace(allowed, " ")
    return [w for w in text.split() if CYRILLIC.search(w)]


# --- the catalogues ------------------------------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(app):
    catalogue = read_catalogue(app)
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 100
    fuzzy = [m.id for m in messages if m.fuzzy]
    untranslated = [m.id for m in messages if not (all(m.string) if isinstance(m.string, (list, tuple)) else m.string)]
    assert fuzzy == []
    assert untranslated == []


@pytest.mark.parametrize("app", APPS)
def test_catalogue_placeholders_match(app):
    problems = [(m.id, [str(e) for e in errors]) for m, errors in read_catalogue(app).check()]
    assert problems == []


@pytest.mark.parametrize("app", APPS)
def test_catalogue_covers_every_string_in_the_source(app):
    """Every string marked in the code and templates has an entry (else: ``make extract`` and translate)."""
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = set()
    for path in (ROOT / app, ROOT / "fedlab"):
        for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(path), method_map=method_map, keywords=keywords
        ):
            found.add((context, message if isinstance(message, str) else message[0]))
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_catalogue(app) if m.id}
    assert sorted(found - known, key=str) == []


# --- the identity provider -----------------------------------------------------------------------


def test_idp_pages_in_english_with_lang_en(idp_client):
    home = idp_client.get("/?lang=en")
    assert home.status_code == 200
    assert '<html lang="en">' in home.get_data(as_text=True)
    assert "Public services portal" in text_of(home)
    assert "Sign in or register" in text_of(home)

    login = text_of(idp_client.get("/login?lang=en"))
    assert "Forgot your password?" in login and "Recover access" in login
    assert "Phone / E-mail / SNILS" in login
    assert russian_left(login) == []

    registration = text_of(idp_client.get("/registration?lang=en"))
    assert "Last name" in registration and "Mobile phone" in registration and "Register" in registration
    assert russian_left(registration) == []


def test_idp_is_russian_by_default_whatever_the_browser_says(idp_client):
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    home = idp_client.get("/", headers=english_browser)
    assert '<html lang="ru">' in home.get_data(as_text=True)
    assert "Портал государственных услуг" in text_of(home)
    login = text_of(idp_client.get("/login", headers=english_browser))
    assert "Не помните пароль?" in login
    assert "Forgot your password?" not in login


def test_idp_language_choice_sticks_in_the_session(idp_client):
    idp_client.get("/?lang=en")
    assert "Forgot your password?" in text_of(idp_client.get("/login"))
    idp_client.get("/login?lang=de")  # not offered: the choice stays
    assert "Forgot your password?" in text_of(idp_client.get("/login"))
    idp_client.get("/?lang=ru")
    assert "Не помните пароль?" in text_of(idp_client.get("/login"))


def test_language_switch_keeps_the_page_parameters(idp_client):
    page = idp_client.get("/login?next=/profile").get_data(as_text=True)
    assert 'href="/login?next=%2Fprofile&amp;lang=en"' in page
    page = idp_client.get("/login?next=/profile&lang=en").get_data(as_text=True)
    assert 'href="/login?next=%2Fprofile&amp;lang=ru"' in page


@pytest.fixture
def idp_with_client_and_account(idp_app):
    """The IdP with the client ``app`` and a standard account; returns the account's id."""
    from idp.db import db
    from idp.domain.clients import create_client

    with idp_app.test_request_context():
        create_client(db.session, "app", "s3cret-" + "x" * 24, [REDIRECT], name="Дневник.ру")
        db.session.commit()
    return make_account(idp_app).id


def authorize_url(**extra: str) -> str:
    """Return an authorization request of the client ``app`` for profile data."""
    params = {
        "response_type": "code",
        "client_id": "app",
        "redirect_uri": REDIRECT,
        "scope": "openid fullname birthdate snils",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        **extra,
    }
    return "/authorize?" + urlencode(params)


def test_idp_consent_page_in_english(idp_client, idp_with_client_and_account):
    with idp_client.session_transaction() as s:
        s["account_id"] = idp_with_client_and_account
        s["auth_time"] = 2_000_000_000
        s["amr"] = "pwd"
    idp_client.get("/?lang=en")
    resp = idp_client.get(authorize_url())
    assert resp.status_code == 200
    page = text_of(resp)
    assert "Granting access rights" in page
    assert "requests access to your data" in page
    assert "Full name" in page and "Date of birth" in page and "SNILS" in page
    assert "Allow" in page and "Deny" in page
    assert "Предоставить" not in page

    idp_client.get("/?lang=ru")
    page = text_of(idp_client.get(authorize_url()))
    assert "Предоставление прав доступа" in page and "Дата рождения" in page


def test_ui_locales_en_shows_the_login_page_in_english(idp_client, idp_with_client_and_account):
    resp = idp_client.get(authorize_url(ui_locales="en-GB ru"))
    assert resp.status_code == 302 and "/login" in resp.location
    login = text_of(idp_client.get(resp.location))
    assert "Forgot your password?" in login
    assert russian_left(login) == []


def test_ui_locales_without_a_supported_language_keeps_russian(idp_client, idp_with_client_and_account):
    resp = idp_client.get(authorize_url(ui_locales="de fr"))
    assert resp.status_code == 302
    assert "Не помните пароль?" in text_of(idp_client.get(resp.location))


# --- the diary ---------------------------------------------------------------------------------


def test_diary_login_in_english_with_lang_en(rp_client):
    resp = rp_client.get("/login?lang=en")
    assert resp.status_code == 200
    page = text_of(resp)
    assert "Sign in to Dnevnik.ru" in page
    assert "Sign in through the public services portal" in page
    assert "Dnevnik.ru" in page
    assert russian_left(page) == []


def test_diary_is_russian_by_default_whatever_the_browser_says(rp_client):
    page = text_of(rp_client.get("/login", headers={"Accept-Language": "en"}))
    assert "Вход в Дневник.ру" in page
    assert "Sign in to Dnevnik.ru" not in page


def test_diary_language_choice_sticks_in_the_session(rp_client):
    rp_client.get("/?lang=en")
    assert "Sign in to Dnevnik.ru" in text_of(rp_client.get("/login"))
    rp_client.get("/?lang=ru")
    assert "Вход в Дневник.ру" in text_of(rp_client.get("/login"))


def test_not_found_page_in_both_languages(rp_client, idp_client):
    for client in (rp_client, idp_client):
        russian = client.get("/no-such-page")
        assert russian.status_code == 404
        assert "Страница не найдена" in text_of(russian) and "Такой страницы нет" in text_of(russian)
        english = client.get("/no-such-page?lang=en")
        assert english.status_code == 404
        page = text_of(english)
        assert "Page not found" in page and "There is no such page" in page
        assert russian_left(page) == []
