"""Every page of both apps fits a 360 px phone (and a 1280 px screen) without scrolling sideways, with its header
usable (every link and button of the top bar on screen), in Russian and English; and the diary's language is
carried to the IdP's login and back.

Each demo role of the diary (parent, pupil, teacher, class teacher, school operator) walks every page it can
reach by links (one page per address shape: ``/diary/pupil/24/week`` stands for every pupil's week); the IdP is
walked as a visitor, through the registration steps, as a signed-in person and as the operator. An address
shape already walked in that language (by another role) is not walked again; each role's first page always is.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from labkit.settings import DEV_SECRET_MARKER
from shared.demo_people import DEMO_IDP_PASSWORD
from shared.demo_people import DEMO_RP_PASSWORD
from tests.e2e.a11y import latest_code
from tests.e2e.a11y import with_lang

pytestmark = [pytest.mark.e2e, pytest.mark.spread]

PHONE, DESKTOP = 360, 1280
LANGS = ["ru", "en"]
ROLES = {"parent": "vasiliev.d", "pupil": "uchenik", "teacher": "uchitel", "class teacher": "klassruk"}
OPERATOR = "operator"
#: Links a walk does not follow: signing out, the language switch, log-ins that leave the site, machine answers.
NOT_WALKED = re.compile(
    r"/logout|[?&]lang=|/login/esia/|/authorize|/aas/|/api/|/openapi|/static/|/healthz|\.json|\.pem|\.cer|\.csv"
)
#: A new Gosuslugi registration per language.
NEW_PHONE = {"ru": "+7 921 7000031", "en": "+7 921 7000032"}

MEASURE = """() => {
  const width = window.innerWidth;
  const off = [...document.querySelectorAll('.topbar a, .topbar button')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.innerText.trim(), e.getBoundingClientRect()])
    .filter(([, r]) => r.left < -0.5 || r.right > width + 0.5)
    .map(([text, r]) => `${text} at ${Math.round(r.left)}..${Math.round(r.right)}`);
  return {scroll: document.documentElement.scrollWidth, width, off};
}"""


def shape(url: str) -> str:
    """Return the address's shape: its host and path with every number replaced (``/diary/pupil/N/week``)."""
    parts = urlsplit(url)
    return parts.netloc + re.sub(r"\d+", "N", parts.path)


class Fit:
    """Measure pages in one browser page at both widths and collect every one wider than the window."""

    def __init__(self, page, lang: str, seen: set[str]):
        self.page = page
        self.lang = lang
        self.seen = seen  # address shapes already walked in this language
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, label: str | None = None) -> None:
        """Measure the page shown now at 360 px and 1280 px (the header at 360 px too)."""
        label = label or urlsplit(self.page.url).path
        self.checked.append(label)
        for width in (PHONE, DESKTOP):
            self.page.set_viewport_size({"width": width, "height": 800})
            got = self.page.evaluate(MEASURE)
            if got["scroll"] > got["width"]:
                self.problems.append(
                    f"[{self.lang}] {label} at {width} px is {got['scroll']} px wide ({self.page.url})"
                )
            if width == PHONE and got["off"]:
                self.problems.append(f"[{self.lang}] {label}: header off screen at {width} px: {got['off']}")
        self.page.set_viewport_size({"width": PHONE, "height": 800})

    def visit(self, url: str, label: str | None = None) -> None:
        """Open ``url`` in the walk's language and measure it."""
        self.page.goto(with_lang(url, self.lang))
        self.check(label)

    def walk(self, start: str, origin: str, limit: int = 60) -> None:
        """Measure ``start`` and every page of ``origin`` reachable from it by links, one page per address shape."""
        queue = [start]
        self.seen.discard(shape(start))
        while queue and limit > 0:
            url = queue.pop(0)
            if shape(url) in self.seen:
                continue
            self.seen.add(shape(url))
            response = self.page.goto(url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            limit -= 1
            self.check()
            for href in self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href.split('#')[0])"):
                if href.startswith(origin) and not NOT_WALKED.search(href) and shape(href) not in self.seen:
                    queue.append(href)

    def assert_fits(self) -> None:
        """Fail with every page that scrolls sideways, one per line."""
        assert not self.problems, f"{len(self.problems)} pages do not fit:\n" + "\n".join(self.problems)


@pytest.fixture(scope="module")
def phone_lab(demo_lab):
    """The session's lab in the demo state, shared by this module's walks."""
    return demo_lab


@pytest.fixture(scope="module")
def seen_by_language():
    """Address shapes walked so far in each language (each shape once, whoever the role)."""
    return {lang: set() for lang in LANGS}


@pytest.fixture
def fit(browser, request, seen_by_language):
    """A fresh context at phone width, and its measurements."""
    lang = request.node.callspec.params["lang"]
    context = browser.new_context(viewport={"width": PHONE, "height": 800}, locale="en-US" if lang == "en" else "ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Fit(page, lang, seen_by_language[lang])
    context.close()


def submit(page) -> None:
    """Submit the page's main form and wait for the next page."""
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()


def diary_login(fit: Fit, rp: str, login: str) -> None:
    """Sign in to the diary with its own login, accepting the personal data consent when asked."""
    page = fit.page
    page.goto(with_lang(rp + "/login", fit.lang))
    page.locator("#login").fill(login)
    page.locator("#password").fill(DEMO_RP_PASSWORD)
    submit(page)
    if "/consent" in page.url:
        fit.check("152-FZ consent")
        with page.expect_navigation():
            page.locator("[name=accept]").click()


@pytest.mark.parametrize("lang", LANGS)
def test_every_diary_page_fits_a_phone(phone_lab, fit, lang):
    rp = phone_lab.rp_url
    fit.walk(with_lang(rp + "/login", lang), rp)
    fit.visit(rp + "/no-such-page", "404")
    for login in [*ROLES.values(), OPERATOR]:
        fit.page.context.clear_cookies()
        diary_login(fit, rp, login)
        fit.walk(fit.page.url, rp)
        fit.visit(rp + "/no-such-page", f"404 for {login}")
    fit.assert_fits()
    assert len(fit.checked) >= 30, fit.checked


@pytest.mark.parametrize("lang", LANGS)
def test_every_idp_page_fits_a_phone(phone_lab, fit, lang):
    lab, page, idp = phone_lab, fit.page, phone_lab.idp_url
    fit.walk(with_lang(idp + "/", lang), idp)
    fit.visit(idp + "/no-such-page", "404")
    fit.visit(idp + "/login", "login")
    submit(page)
    fit.check("login, empty")

    # Registration: the other way's form (with the e-mail), then every step of the registration by phone.
    fit.visit(idp + "/registration/other", "registration, the other way")
    submit(page)
    fit.check("registration, the other way, empty")
    fit.visit(idp + "/registration", "registration")
    submit(page)
    fit.check("registration, empty")
    page.locator("#last_name").fill("Орлова")
    page.locator("#first_name").fill("Нина")
    page.locator("#phone").fill(NEW_PHONE[lang])
    submit(page)
    fit.check("registration code")
    page.locator("#code").fill(latest_code(lab, NEW_PHONE[lang].replace(" ", "")))
    submit(page)
    fit.check("registration password")
    page.locator("#password").fill("Orlova+2026")
    page.locator("#password_repeat").fill("Orlova+2026")
    submit(page)
    assert "/registration/done" in page.url, page.url
    fit.check("registration done")
    fit.walk(idp + "/profile", idp)  # the signed-in person's pages

    page.context.clear_cookies()
    fit.visit(idp + "/operator/login", "operator login")
    page.locator("#password").fill(lab.env.get("FEDLAB_IDP_OPERATOR_PASSWORD", DEV_SECRET_MARKER + "operator"))
    submit(page)
    fit.check("operator centre")
    fit.walk(page.url, idp)
    fit.assert_fits()
    assert len(fit.checked) >= 25, fit.checked


def test_the_diarys_language_is_carried_to_the_idp_and_back(phone_lab, fit_en):
    lab, page = phone_lab, fit_en.page
    page.goto(with_lang(lab.rp_url + "/login", "en"))
    page.goto(lab.rp_url + "/login/esia/dvinaland")
    if page.url.startswith(lab.rp_url):  # the region's own login page: press its Gosuslugi button
        with page.expect_navigation():
            page.locator("main :is(a, button)").filter(
                has_text=re.compile("gosuslugi|public services", re.I)
            ).first.click()
    assert page.url.startswith(lab.idp_url) and "/login" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    fit_en.check("IdP login from the English diary")
    page.locator("#login").fill("+7 911 1000005")  # Vasiliev, already linked
    page.locator("#password").fill(DEMO_IDP_PASSWORD)
    submit(page)
    if page.url.startswith(lab.idp_url):  # the IdP's consent screen, still in English
        assert page.locator("html").get_attribute("lang") == "en"
        fit_en.check("IdP consent")
        with page.expect_navigation():
            page.locator("button[name=allow]").click()
    if "/consent" in page.url:
        with page.expect_navigation():
            page.locator("[name=accept]").click()
    assert page.url.startswith(lab.rp_url + "/diary"), page.url
    assert page.locator("html").get_attribute("lang") == "en"
    fit_en.check("the diary after the Gosuslugi login")
    fit_en.assert_fits()


@pytest.fixture
def fit_en(browser):
    """A fresh context in English at phone width, and its measurements."""
    context = browser.new_context(viewport={"width": PHONE, "height": 800}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Fit(page, "en", set())
    context.close()
