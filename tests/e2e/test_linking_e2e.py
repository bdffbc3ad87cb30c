"""The diary's linking, end to end: both apps served on loopback, Gosuslugi logins driven over HTTP the way a
browser does (``fedlab.scenarios.Browser``: one cookie jar per app), state set by ``fedlab scenario load``.

Covers the linking rules except the full first-login sequence in a browser (tests/e2e/test_gosuslugi_login.py):
normalisation rules, single-field mismatches with the legacy link, wrong passwords, both conflicts, unlink and
relink, a provider error, and ID tokens the diary must refuse (the IdP's fault injection). Over OpenID Connect:
the demo's OIDC region ``tomsk`` (the ESIA region runs every scenario in tests/e2e/test_scenarios.py).
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urljoin

import pytest
import requests

from fedlab.scenarios import Browser
from fedlab.scenarios import Lab as LabUrls
from fedlab.scenarios import _forms
from shared import scenarios
from shared.demo_people import DEMO_RP_PASSWORD

#: The demo region that logs in over OpenID Connect (dvinaland speaks ESIA's protocol).
OIDC_REGION = "tomsk"
pytestmark = [pytest.mark.e2e, pytest.mark.spread]

NOT_FOUND = (
    "К сожалению, мы не смогли найти Ваш профиль Дневник.ру по данным, предоставленным порталом госуслуг. "
    "Пожалуйста, введите логин и пароль от Вашего аккаунта Дневник.ру для его привязки."
)
DONE = "Теперь вы можете входить в Дневник.ру через кнопку «Вход через ГосУслуги»"
USER_LINKED = "Этот профиль Дневник.ру уже привязан к другой учётной записи госуслуг"
SUBJECT_LINKED = "Эта учётная запись госуслуг уже привязана к другому профилю Дневник.ру"


# --- helpers ------------------------------------------------------------------------------------------


def fedlab(lab, *args: str) -> str:
    """Run a ``fedlab`` command against the served lab and return its output (it must succeed)."""
    result = lab.fedlab(*args)
    assert result.returncode == 0, f"fedlab {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


def load(lab, name: str) -> scenarios.Scenario:
    """Reset both apps to the scenario (the lab API calls of ``fedlab scenario load NAME``); return the scenario."""
    return lab.load(name)


def text(response: requests.Response) -> str:
    """Return the visible text of a page's <main>, tags stripped and spaces collapsed."""
    match = re.search(r"<main\b.*?</main>", response.text, re.S)
    html = match.group(0) if match else response.text
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def gosuslugi_login(lab, login: str, password: str, browser: Browser | None = None):
    """From the diary's regional entry point through the IdP's login and consent back to the diary."""
    browser = browser or Browser(LabUrls(lab.idp_url, lab.rp_url))
    response = browser.press_gosuslugi(OIDC_REGION)
    for _ in range(6):
        if not browser.on_idp():
            return browser, response
        forms = _forms(response.text)
        login_form = next(((a, f) for a, f, _ in forms if "login" in f and "password" in f), None)
        consent = next(((a, f) for a, f, body in forms if 'name="allow"' in body), None)
        if login_form is not None:
            attrs, fields = login_form
            fields.update(login=login, password=password)
        elif consent is not None:
            attrs, fields = consent
            fields["allow"] = "1"
        else:
            back = re.search(r'href="([^"]*error=[^"]*)"', response.text)
            assert back is not None, f"stuck on {browser.url}: {text(response)[:500]}"
            response = browser.open("GET", urljoin(browser.url, unescape(back.group(1))))
            continue
        response = browser.open("POST", urljoin(browser.url, attrs.get("action") or browser.url), fields)
    raise AssertionError(f"the login did not come back to the diary (at {browser.url})")


def login_as(lab, scenario: scenarios.Scenario, browser: Browser | None = None):
    """Log in through Gosuslugi as the scenario's account."""
    account = scenario.account(scenario.login.account)
    return gosuslugi_login(lab, account.login, account.password, browser)


def submit(browser: Browser, response: requests.Response, **values: str) -> requests.Response:
    """Post the page's form (the one with a CSRF token; not the menu's «Выход») as a browser would, with ``values``."""
    forms = [
        (a, f)
        for a, f, _ in _forms(response.text)
        if "csrf_token" in f and set(values) <= set(f) and not (a.get("action") or "").endswith("/logout")
    ]
    assert forms, f"no form with {sorted(values)} on {browser.url}: {text(response)[:300]}"
    attrs, fields = forms[0]
    fields.update(values)
    return browser.open("POST", urljoin(browser.url, attrs.get("action") or browser.url), fields)


def path(browser: Browser) -> str:
    """Return the path of the page the browser is on."""
    return "/" + browser.url.split("/", 3)[3] if browser.url.count("/") >= 3 else "/"


def signed_in(browser: Browser) -> bool:
    """Return whether the diary let the browser in (the parent's 152-ФЗ consent page counts)."""
    return path(browser).startswith(("/diary", "/consent"))


def latest_record(lab) -> dict:
    """Return the diary's newest linking record from its lab JSON API."""
    records = requests.get(lab.rp_url + "/api/lab/linking?limit=1", timeout=10).json()["records"]
    return records[0]


def identities(lab, login: str) -> list[dict]:
    """Return a diary login's Gosuslugi links (issuer, subject) from the diary's lab state API."""
    links = requests.get(lab.rp_url + "/api/lab/state", timeout=10).json()["links"]
    return [link for link in links if link["login"] == login]


def add_fault(lab, kind: str, **options: str) -> None:
    """Make the IdP misbehave at the next login (its lab API, as ``fedlab idp fault add`` does)."""
    added = requests.post(lab.idp_url + "/api/lab/faults", json={"kind": kind, **options}, timeout=10)
    assert added.status_code == 201, added.text


@pytest.fixture
def faults(lab):
    """Clear the IdP's faults after the test, whatever happened (``fedlab idp fault clear --all``)."""
    yield
    cleared = requests.delete(lab.idp_url + "/api/lab/faults", timeout=10)
    assert cleared.status_code == 200, cleared.text


# --- a match after normalisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("yo-vs-ye", "last_name"),
        ("case-differs", "last_name"),
        ("extra-spaces", "first_name"),
        ("double-surname-hyphen-spacing", "last_name"),
        ("patronymic-missing-both-sides", "middle_name"),
    ],
)
def test_each_normalisation_rule_finds_the_profile(lab, name, field):
    scenario = load(lab, name)
    browser, response = login_as(lab, scenario)
    assert path(browser) == "/login/esia/first/person", text(response)[:300]
    person = next(p for p in scenario.people if p.login == scenario.expect.login)
    assert person.first_name.split()[0] in text(response)

    record = latest_record(lab)
    assert record["outcome"] == "match"
    (candidate,) = record["candidates"]
    compared = {f["field"]: f for f in candidate["fields"]}
    assert all(f["equal"] for f in compared.values())
    shown = compared[field]
    assert shown["received_normalized"] == shown["diary_normalized"]
    if field != "middle_name":
        assert shown["received"] != shown["diary"]  # the raw values really differ
    else:
        assert not shown["received"] and not shown["diary"]


def test_snils_without_punctuation_from_the_provider_still_matches(lab):
    scenario = load(lab, "exact-match-first-login")
    oid = str(scenario.account(scenario.login.account).oid)
    claims = {"account_oid": oid, "claims": {"snils": "20010010128"}}
    assert requests.post(lab.idp_url + "/api/lab/claims", json=claims, timeout=10).status_code == 201
    try:
        browser, _ = login_as(lab, scenario)
    finally:
        requests.delete(lab.idp_url + "/api/lab/claims", params={"account_oid": oid}, timeout=10)
    assert path(browser) == "/login/esia/first/person"
    assert latest_record(lab)["outcome"] == "match"


# --- one field differs: "not found", then the legacy link ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("surname-typo", "last_name"),
        ("name-typo", "first_name"),
        ("patronymic-missing-in-diary", "middle_name"),
        ("birthdate-off-by-one-day", "birthdate"),
        ("sex-differs", "gender"),
        ("snils-differs", "snils"),
    ],
)
def test_single_field_mismatch_is_not_found_then_linked_by_diary_login(lab, name, field):
    scenario = load(lab, name)
    (person,) = scenario.people
    browser, response = login_as(lab, scenario)
    assert path(browser) == "/login/esia/not-found"
    assert NOT_FOUND in text(response)
    record = latest_record(lab)
    assert record["outcome"] == "not_found"
    assert [f["field"] for f in record["candidates"][0]["fields"] if not f["equal"]] == [field]

    confirm = submit(browser, response, login=person.login, password=person.password)
    assert path(browser) == "/login/esia/confirm"
    assert person.last_name in text(confirm)
    done = submit(browser, confirm)
    assert DONE in text(done)
    assert latest_record(lab)["outcome"] == "linked_diary_login"
    assert [i["subject"] for i in identities(lab, person.login)] == [str(scenario.account(scenario.login.account).oid)]

    again, _ = login_as(lab, scenario)
    assert signed_in(again), again.url
    assert latest_record(lab)["outcome"] == "signed_in"


def test_wrong_diary_password_is_refused_until_the_attempts_run_out(lab):
    scenario = load(lab, "surname-typo")
    (person,) = scenario.people
    browser, response = login_as(lab, scenario)
    for attempt in range(1, 6):
        form_page = response
        response = submit(browser, form_page, login=person.login, password="wrong-password")
        assert path(browser) == "/login/esia/not-found"
        if attempt < 5:
            assert response.status_code == 400
            assert latest_record(lab)["legacy_attempts"] == attempt
    assert response.status_code == 429
    assert "Исчерпано число попыток" in text(response)
    assert 'name="password"' not in response.text  # the form is gone
    # Even the right password, posted with the last form, is refused now, and nothing was linked.
    response = submit(browser, form_page, login=person.login, password=DEMO_RP_PASSWORD)
    assert response.status_code == 429 and path(browser) == "/login/esia/not-found"
    record = latest_record(lab)
    assert record["outcome"] == "legacy_attempts_exhausted"
    assert identities(lab, person.login) == []


# --- one Gosuslugi account <-> one diary login ------------------------------------------------------------


def test_profile_linked_to_another_gosuslugi_account_is_refused_saying_so(lab):
    scenario = load(lab, "profile-linked-to-other-account")
    browser, response = login_as(lab, scenario)
    assert response.status_code == 409
    assert USER_LINKED in text(response) and SUBJECT_LINKED not in text(response)
    assert latest_record(lab)["outcome"] == "conflict_user_linked"
    assert [i["subject"] for i in identities(lab, "sokolov.d")] == ["1100000099"]  # not overwritten


def test_gosuslugi_account_linked_meanwhile_to_another_profile_is_refused_saying_so(lab):
    # Two diary profiles match (not found); in one browser the person links the first, then in a
    # second browser, still on the "not found" page, tries to link the second one.
    scenario = load(lab, "two-profiles-match")
    first, second = scenario.people
    one, page_one = login_as(lab, scenario)
    two, page_two = login_as(lab, scenario)
    assert NOT_FOUND in text(page_one) and NOT_FOUND in text(page_two)

    done = submit(one, submit(one, page_one, login=first.login, password=first.password))
    assert DONE in text(done)

    refused = submit(two, submit(two, page_two, login=second.login, password=second.password))
    assert refused.status_code == 409
    assert SUBJECT_LINKED in text(refused) and USER_LINKED not in text(refused)
    assert latest_record(lab)["outcome"] == "conflict_subject_linked"
    assert identities(lab, second.login) == []
    assert len(identities(lab, first.login)) == 1


# --- unlink and relink ---------------------------------------------------------------------------------------


def relink_by_first_login(lab, scenario, login: str) -> None:
    """A Gosuslugi login of an unlinked exact match goes through the first-login sequence to the link."""
    browser, response = login_as(lab, scenario)
    assert path(browser) == "/login/esia/first/person", text(response)[:300]
    response = submit(browser, response)
    account = scenario.account(scenario.login.account)
    response = submit(browser, response, phone="+7 911 2000002", email=account.email or "belov@example.test")
    response = submit(browser, response, password="belov2024", repeat="belov2024")
    assert DONE in text(response)
    assert len(identities(lab, login)) == 1


def test_unlink_on_the_settings_page_and_by_the_operator_then_relink(lab):
    scenario = load(lab, "already-linked")
    browser, _ = login_as(lab, scenario)
    assert signed_in(browser)

    settings = browser.open("GET", lab.rp_url + "/settings")
    assert path(browser) == "/settings", browser.url
    assert "Привязана учётная запись госуслуг" in text(settings)
    after = submit(browser, settings)
    assert "Учётная запись госуслуг отвязана" in text(after)
    assert identities(lab, "belov.i") == []

    relink_by_first_login(lab, scenario, "belov.i")
    again, _ = login_as(lab, scenario)
    assert signed_in(again)

    removed = fedlab(lab, "rp", "link", "remove", "belov.i", "--json")
    assert json.loads(removed)["removed"][0]["subject"] == "1100000002"
    assert identities(lab, "belov.i") == []
    relink_by_first_login(lab, scenario, "belov.i")


# --- the provider says no, or sends a token the diary must not trust ----------------------------------------


def test_provider_error_access_denied_gets_its_russian_page(lab, faults):
    scenario = load(lab, "already-linked")
    add_fault(lab, "authorize_error", error="access_denied")
    browser, response = login_as(lab, scenario)
    assert response.status_code == 400 and not signed_in(browser)
    assert "Вы не разрешили доступ к данным" in text(response)
    record = latest_record(lab)
    assert record["outcome"] == "error" and record["detail"].startswith("access_denied")


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("id_token_unknown_key", "no key with kid"),  # signed with a key the provider's JWKS lacks
        ("id_token_wrong_aud", "'aud'"),
        ("id_token_wrong_iss", "'iss'"),
        ("id_token_wrong_nonce", "'nonce'"),
        ("id_token_expired", "expired"),
    ],
)
def test_an_id_token_the_diary_must_not_trust_is_refused(lab, faults, kind, reason):
    # Without the fault this person is signed in straight away (already linked).
    scenario = load(lab, "already-linked")
    add_fault(lab, kind)
    browser, response = login_as(lab, scenario)
    assert response.status_code == 400 and not signed_in(browser)
    assert "Ответ портала госуслуг не прошёл проверку" in text(response)
    record = latest_record(lab)
    assert record["outcome"] == "error" and record["detail"].startswith("id_token")
    assert reason in record["detail"]
    browser.open("GET", lab.rp_url + "/diary")
    assert path(browser).startswith("/login"), browser.url  # not signed in
