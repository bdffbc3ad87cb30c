"""The pytest plugin as a team uses it: generated test projects run with pytester against the served lab.

Each project runs in this process (``runpytest_inprocess``) and its sessions reuse the lab served by the
``shared_lab`` fixture, so no project starts servers of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

PROJECT = """
import re

import pytest
import requests


def test_accounts_at_every_level_log_in_and_get_tokens(fedlab_idp):
    client = fedlab_idp.client(redirect_uri="http://testserver/callback", scope="openid fullname snils")
    for level, name in ((1, "simplified"), ("standard", "standard"), (3, "verified")):
        person = fedlab_idp.account(level=level, last_name="Иванова", first_name="Мария")
        assert person.level == name
        code = fedlab_idp.authorize(client, person)
        assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", code)
    tokens = fedlab_idp.authorize(client, person, tokens=True)
    claims = requests.get(
        fedlab_idp.url + "/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]}, timeout=10
    ).json()
    assert claims["family_name"] == "Иванова" and claims["sub"] == person.sub


def test_an_esia_client_gets_the_person_over_esias_protocol(fedlab_idp):
    client = fedlab_idp.client(redirect_uri="http://testserver/esia", protocol="esia")
    assert client.certificate_path.read_text().startswith("-----BEGIN CERTIFICATE-----")
    person = fedlab_idp.account(level=2, last_name="Петров", first_name="Пётр", gender="M")
    tokens = fedlab_idp.authorize(client, person, tokens=True)
    data = requests.get(
        f"{fedlab_idp.url}/rs/prns/{person.oid}", headers={"Authorization": "Bearer " + tokens["access_token"]},
        timeout=10,
    ).json()
    assert data["lastName"] == "Петров"


def test_each_test_starts_from_a_clean_lab(fedlab_idp):
    assert fedlab_idp.traces() == [] and fedlab_idp.faults() == []


def test_faults_scripted_claims_and_the_trace(fedlab_idp):
    client = fedlab_idp.client(redirect_uri="http://testserver/callback")
    person = fedlab_idp.account()
    fedlab_idp.fault("token_slow", delay="10ms", count=1)
    fedlab_idp.fault("token_error", count=1, client=client)
    with pytest.raises(AssertionError) as refused:
        fedlab_idp.authorize(client, person, tokens=True)
    assert refused.value.error == "server_error"
    fedlab_idp.claims(person, given_name="Маша")
    tokens = fedlab_idp.authorize(client, person, tokens=True)
    claims = requests.get(
        fedlab_idp.url + "/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]}, timeout=10
    ).json()
    assert claims["given_name"] == "Маша"
    steps = [e["step"] for e in fedlab_idp.trace(client)["exchanges"]]
    assert "authorize" in steps and "token" in steps


def test_the_clock_and_the_inbox(fedlab_idp):
    before = fedlab_idp.clock.now()
    assert (fedlab_idp.clock.advance("5d") - before).days == 5
    frozen = fedlab_idp.clock.freeze()
    assert fedlab_idp.clock.tick("1h").hour == (frozen.hour + 1) % 24
    fedlab_idp.clock.unfreeze()
    person = fedlab_idp.account(level=1)
    session = requests.Session()
    page = session.get(fedlab_idp.url + "/recovery", timeout=10)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    session.post(page.url, data={"csrf_token": csrf, "login": person.login}, timeout=10)
    assert re.fullmatch(r"[0-9]{6}", fedlab_idp.inbox.last_code(person.phone))


def test_the_registry_and_the_keys(fedlab_idp):
    citizen = fedlab_idp.registry(last_name="Сидоров", first_name="Иван", gender="M", birth_date="1990-01-31")
    assert citizen["last_name"] == "Сидоров"
    assert fedlab_idp.keys()["keys"][0]["kty"] == "RSA"


def test_the_diary_finds_the_person_of_a_gosuslugi_login(fedlab_lab):
    fedlab_lab.region("test", protocol="oidc")
    person = fedlab_lab.account(level=2, last_name="Семёнов", first_name="Пётр", gender="M")
    fedlab_lab.person("semenov.p", like=person, last_name="Семенов", first_name="Петр")
    decision = fedlab_lab.diary_login(person, region="test")
    assert decision["outcome"] == "match"


def test_the_inprocess_idp_answers_requests_without_a_port(fedlab_idp_inprocess):
    assert fedlab_idp_inprocess.url == "http://idp.fedlab.test"
    client = fedlab_idp_inprocess.client(redirect_uri="http://testserver/callback")
    person = fedlab_idp_inprocess.account(level=2)
    fedlab_idp_inprocess.clock.freeze()
    tokens = fedlab_idp_inprocess.authorize(client, person, tokens=True)
    fedlab_idp_inprocess.clock.tick("2h")
    answer = requests.get(
        fedlab_idp_inprocess.url + "/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]}
    )
    assert answer.status_code == 401


def test_the_readme_requests_oauthlib_example(fedlab_idp_inprocess, monkeypatch):
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error
    from requests_oauthlib import OAuth2Session
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    idp = fedlab_idp_inprocess
    client = idp.client(redirect_uri="http://my.app/callback", scope="openid fullname")
    person = idp.account(level=2)
    oauth = OAuth2Session(client.client_id, redirect_uri=client.redirect_uri, scope=["openid", "fullname"])
    url, state = oauth.authorization_url(idp.url + "/authorize")
    query = idp.browse(url, person, client.redirect_uri)
    idp.fault("token_error", count=1)
    with pytest.raises(OAuth2Error):
        oauth.fetch_token(idp.url + "/token", code=query["code"], client_secret=client.secret)


@pytest.mark.fedlab(lab_file="team.toml")
def test_a_lab_file_for_one_test(fedlab_idp):
    assert [f["kind"] for f in fedlab_idp.faults()] == ["token_slow"]


def test_an_esia_region_and_an_existing_link(fedlab_lab):
    fedlab_lab.region("north", protocol="esia")
    person = fedlab_lab.account(level=3)
    fedlab_lab.person("ivanova.m", like=person)
    fedlab_lab.link(person, "ivanova.m")
    decision = fedlab_lab.diary_login(person, region="north")
    assert decision["outcome"] == "signed_in" and decision["login"] == "ivanova.m"
"""


def _readme_flask_example() -> str:
    """Return the README's Flask relying party example (its tests, without the elided one)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    code = readme.split("# test_login.py  (pytest -p fedlab)\n", 1)[1].split("```", 1)[0]
    return code.split("\n\ndef test_a_slow_token_endpoint", 1)[0] + "\n"


WRONG = """
def test_expects_a_verified_account_to_be_refused(fedlab_idp):
    client = fedlab_idp.client(redirect_uri="http://testserver/callback", min_level=3)
    person = fedlab_idp.account(level=1, last_name="Кузьмин", first_name="Андрей")
    assert fedlab_idp.authorize(client, person)
"""


@pytest.fixture
def project(pytester, shared_lab):
    pytester.makeini("[pytest]\naddopts = -p fedlab -p no:cacheprovider -W ignore::pytest.PytestAssertRewriteWarning\n")
    return pytester


def test_a_generated_project_uses_every_fixture_and_helper(project):
    project.makepyfile(test_team=PROJECT)
    (project.path / "team.toml").write_text('[[faults]]\nkind = "token_slow"\ndelay = "10ms"\n', encoding="utf-8")
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=11)


def test_the_readme_flask_relying_party_example_passes(project):
    project.makepyfile(test_flask_rp=_readme_flask_example())
    project.runpytest_inprocess().assert_outcomes(passed=1)


def test_a_wrong_expectation_fails_with_a_readable_message(project):
    project.makepyfile(test_wrong=WRONG)
    result = project.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    message = "*AuthorizeError: the IdP sent the client back with error=unmet_authentication_requirements*"
    result.stdout.fnmatch_lines([message + "level 1 is below the required level 3*"])


def test_the_plugin_costs_nothing_until_a_fixture_is_used(project):
    project.makepyfile(test_plain="def test_plain():\n    assert 1 + 1 == 2\n")
    project.makeconftest(
        "import sys\n"
        "def pytest_sessionfinish(session):\n"
        "    assert 'idp' not in sys.modules and 'rp' not in sys.modules, 'the plugin imported an app'\n"
    )
    result = project.runpytest_subprocess("-p", "fedlab")
    result.assert_outcomes(passed=1)
