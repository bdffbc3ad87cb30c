"""WCAG 2.1 AA in a real browser: axe-core over every page of both apps, in Russian and English, with and
without form errors shown: no serious or critical violation anywhere.
"""

from __future__ import annotations

import pytest

from labkit.settings import DEV_SECRET_MARKER
from shared.demo_people import DEMO_IDP_PASSWORD
from shared.demo_people import DEMO_RP_PASSWORD
from tests.e2e.a11y import Audit
from tests.e2e.a11y import latest_code
from tests.e2e.a11y import with_lang

pytestmark = [pytest.mark.e2e, pytest.mark.spread]

LANGS = ["ru", "en"]
#: Who walks the diary in each language: a first-login person (the sequence happens once per person).
FIRST_LOGIN = {"ru": "+7 911 1000001", "en": "+7 911 1000002"}
#: A new Gosuslugi registration per language.
NEW_PHONE = {"ru": "+7 921 7000001", "en": "+7 921 7000002"}


@pytest.fixture(scope="module")
def a11y_lab(demo_lab):
    """The session's lab in the demo state, shared by this module's walks."""
    return demo_lab


@pytest.fixture
def audit(browser, request):
    """A fresh context (axe is injected as a script, so the pages' CSP is bypassed) and its audit."""
    lang = request.node.callspec.params["lang"]
    context = browser.new_context(bypass_csp=True, locale="en-US" if lang == "en" else "ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Audit(page, lang)
    context.close()


def fill(page, field_id: str, value: str) -> None:
    """Fill the control with id ``field_id``."""
    page.locator(f"#{field_id}").fill(value)


def idp_login(audit: Audit, idp_url: str, login: str, password: str = DEMO_IDP_PASSWORD) -> None:
    """Log in on the IdP's login page that is shown now (or open it first)."""
    page = audit.page
    if "/login" not in page.url:
        page.goto(with_lang(idp_url + "/login", audit.lang))
    fill(page, "login", login)
    fill(page, "password", password)
    audit.follow(page.locator("main form [type=submit]").first)


@pytest.mark.parametrize("lang", LANGS)
def test_every_idp_page_passes_axe(a11y_lab, audit, lang):
    lab, page, idp = a11y_lab, audit.page, a11y_lab.idp_url
    audit.visit(idp + "/", "home")
    audit.visit(idp + "/login", "login")
    audit.submit("login, empty")
    fill(page, "login", "+7 999 0000000")
    fill(page, "password", "wrong-password")
    audit.submit("login, wrong password")
    audit.visit(idp + "/no-such-page", "404")
    audit.visit(idp + "/registration/link/expired", "dead e-mail link")
    audit.visit(idp + "/authorize?client_id=nobody&response_type=code", "bad sign-in request")
    audit.visit(idp + "/logout", "signed out")
    audit.visit(idp + "/recovery", "recovery")
    audit.submit("recovery, empty")
    fill(page, "login", "+7 911 1000004")
    audit.submit("recovery code")
    fill(page, "code", "000000")
    audit.submit("recovery code, wrong")

    # Registration: every step, each first with errors.
    audit.visit(idp + "/registration", "registration")
    audit.submit("registration by phone, empty")
    audit.visit(idp + "/registration/other", "registration, the other way")
    audit.submit("registration, empty")
    fill(page, "last_name", "Орлова")
    fill(page, "first_name", "Нина")
    fill(page, "phone", NEW_PHONE[lang])
    fill(page, "email", f"orlova.{lang}@example.test")
    audit.submit("registration code")
    fill(page, "code", "000000")
    audit.submit("registration code, wrong")
    fill(page, "code", latest_code(lab, NEW_PHONE[lang].replace(" ", "")))
    audit.submit("registration password")
    fill(page, "password", "short")
    fill(page, "password_repeat", "other")
    audit.submit("registration password, refused")
    fill(page, "password", "Orlova+2026")
    fill(page, "password_repeat", "Orlova+2026")
    audit.submit("registration done")
    audit.visit(idp + "/profile", "profile")
    audit.visit(idp + "/profile/edit", "profile form")
    audit.submit("profile form, empty")
    audit.visit(idp + "/profile/confirm", "postal code")
    audit.visit(idp + "/profile/consents", "consents")

    # The lab, the operator's centre.
    audit.visit(idp + "/lab", "lab")
    fill(page, "duration", "soon")
    audit.submit("lab, bad duration", button="submit")
    for path in ("/lab/inbox", "/lab/faults", "/lab/trainer", "/lab/presenter", "/lab/demo-reset", "/lab/traces"):
        audit.visit(idp + path)
    audit.visit(idp + "/operator/login", "operator login")
    fill(page, "password", "wrong")
    audit.submit("operator login, wrong password")
    fill(page, "password", lab.env.get("FEDLAB_IDP_OPERATOR_PASSWORD", DEV_SECRET_MARKER + "operator"))
    audit.submit("operator centre")
    audit.assert_clean()
    assert len(audit.checked) >= 35, audit.checked


@pytest.mark.parametrize("lang", LANGS)
def test_every_diary_page_passes_axe(a11y_lab, audit, lang):
    page, rp, idp = audit.page, a11y_lab.rp_url, a11y_lab.idp_url
    audit.visit(rp + "/login", "diary login")
    audit.submit("diary login, empty")
    fill(page, "login", "nobody")
    fill(page, "password", "wrong1")
    audit.submit("diary login, wrong password")
    audit.visit(rp + "/no-such-page", "404")
    audit.visit(rp + "/login/esia/nowhere", "unknown region")
    audit.visit(rp + "/login/callback?state=stale&code=stale", "stale sign-in")

    # Profile not found: the linking page, with errors; then cancel at the confirmation.
    page.goto(with_lang(rp + "/login/esia/dvinaland", lang))
    audit.check("regional login page")
    page.locator("[data-test-id=login-button-gu]").click()
    idp_login(audit, idp, "+7 911 1000003")
    if "/consent" in page.url or page.url.startswith(idp):
        audit.check("IdP consent")
        audit.follow(page.locator("button[name=allow]"))
    audit.check("profile not found")
    audit.submit("profile not found, empty")
    fill(page, "login", "kuznetsov.a")
    fill(page, "password", DEMO_RP_PASSWORD)
    audit.submit("link confirmation")
    page.context.clear_cookies()

    # Not enough data (a simplified account).
    page.goto(with_lang(rp + "/login/esia/dvinaland", lang))
    page.locator("[data-test-id=login-button-gu]").click()
    idp_login(audit, idp, "+7 911 1000004")
    if page.url.startswith(idp):
        audit.follow(page.locator("button[name=allow]"))
    audit.check("not enough data")
    page.context.clear_cookies()

    # The first-login sequence, each step first with errors, then the 152-ФЗ consent and the diary.
    page.goto(with_lang(rp + "/login/esia/dvinaland", lang))
    page.locator("[data-test-id=login-button-gu]").click()
    audit.check("IdP login from the diary")
    idp_login(audit, idp, FIRST_LOGIN[lang])
    audit.check("IdP consent")
    audit.follow(page.locator("button[name=allow]"))
    audit.check("first login: person")
    audit.submit("first login: contacts")
    fill(page, "phone", "12")
    fill(page, "email", "not-an-address")
    audit.submit("first login: contacts, refused")
    fill(page, "phone", FIRST_LOGIN[lang])
    fill(page, "email", f"first.{lang}@example.test")
    audit.submit("first login: password")
    fill(page, "password", "abc")
    fill(page, "repeat", "xyz")
    audit.submit("first login: password, refused")
    fill(page, "password", "diary2026")
    fill(page, "repeat", "diary2026")
    audit.submit("first login: done")
    audit.follow(page.locator("main a.button").first)
    audit.check("152-FZ consent")
    audit.follow(page.locator("[name=accept]"))
    audit.check("diary")
    pupil_week = page.url
    base = pupil_week.rsplit("/", 1)[0]
    for tab in ("day", "marks", "period-marks", "achievements"):
        audit.visit(f"{base}/{tab}")
    audit.visit(rp + "/diary/news", "news")
    audit.visit(rp + "/settings", "settings")
    page.context.clear_cookies()

    # Staff: the teacher's journal, the class teacher's reports, the school operator's pages.
    def diary_login(login: str) -> None:
        page.goto(with_lang(rp + "/login", lang))
        fill(page, "login", login)
        fill(page, "password", DEMO_RP_PASSWORD)
        audit.follow(page.locator("main form [type=submit]").first)

    diary_login("uchitel")
    audit.visit(rp + "/journal", "journal")
    audit.follow(page.locator("main table a").first, "journal group")
    audit.follow(page.locator("main .journal-grid thead a").last, "journal lesson")
    mark = page.locator("main a.mark")
    if mark.count():
        audit.follow(mark.first, "journal mark")
    page.context.clear_cookies()

    diary_login("klassruk")
    audit.visit(rp + "/reports", "reports")
    audit.follow(page.locator("main .class-list a").first, "report sheet")
    audit.visit(rp + "/journal", "class teacher journal")
    audit.follow(page.locator("main a[href*='/messages']").first, "messages to parents")
    page.context.clear_cookies()

    diary_login("operator")
    audit.visit(rp + "/school", "school")
    audit.visit(rp + "/school/people", "people")
    audit.visit(rp + "/school/people/new", "new person")
    audit.submit("new person, empty")
    audit.visit(rp + "/school/classes/new", "new class")
    audit.submit("new class, empty")
    audit.visit(rp + "/school/news", "school news")
    audit.submit("school news, empty")
    audit.visit(rp + "/school", "school")
    audit.follow(page.locator("main .class-list a").first, "class")
    audit.follow(page.locator("main table a[href*='/diary/']").first)
    pupil_id = page.url.split("/pupil/")[1].split("/")[0]
    audit.visit(rp + f"/school/person/{pupil_id}", "person")
    audit.visit(rp + f"/school/person/{pupil_id}/edit", "edit person")
    audit.visit(rp + f"/school/pupil/{pupil_id}/achievements/new", "new achievement")
    audit.submit("new achievement, empty")

    # The lab pages.
    for path in ("/lab/linking", "/lab/scenarios", "/lab/trainer", "/lab/demo-reset"):
        audit.visit(rp + path)
    audit.visit(rp + "/lab/linking", "linking records")
    audit.follow(page.locator("main table a").first, "linking record")
    audit.visit(idp + "/lab/traces", "IdP traces")
    audit.follow(page.locator("main table a").first, "IdP trace with its sequence diagram")
    audit.assert_clean()
    assert len(audit.checked) >= 46, audit.checked
