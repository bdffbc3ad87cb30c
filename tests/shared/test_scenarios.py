"""The QA scenario library parses and validates, and schema errors name the file and the field."""

from __future__ import annotations

import pytest

from shared import scenarios
from shared.scenarios import ScenarioError
from shared.scenarios import parse

#: Every reason for "profile not found" and its neighbours the library must cover, by scenario name.
REQUIRED = {
    "patronymic-missing-at-gosuslugi": "not_found",
    "patronymic-missing-in-diary": "not_found",
    "yo-vs-ye": "match",
    "name-typo": "not_found",
    "double-surname-hyphen-spacing": "match",
    "birthdate-off-by-one-day": "not_found",
    "sex-differs": "not_found",
    "snils-absent-simplified-account": "insufficient",
    "snils-differs": "not_found",
    "verification-pending": "insufficient",
    "two-profiles-match": "ambiguous",
    "profile-linked-to-other-account": "conflict_user_linked",
    "account-linked-to-other-profile": "signed_in",
    "snils-consent-refused": "error:access_denied",
    "exact-match-first-login": "match",
    "already-linked": "signed_in",
}


def minimal() -> dict:
    return {
        "name": "tiny",
        "title": "Tiny",
        "title_ru": "Маленький",
        "description": "A minimal valid scenario.",
        "idp": {
            "accounts": [
                {
                    "key": "a",
                    "last_name": "Орлова",
                    "first_name": "Анна",
                    "gender": "F",
                    "birth_date": "1985-04-12",
                    "snils": "200-100-101 28",
                    "phone": "+79112000001",
                }
            ]
        },
        "diary": {"people": [{"login": "orlova.a", "last_name": "Орлова", "first_name": "Анна"}]},
        "login": {"account": "a"},
        "expect": {"outcome": "match"},
    }


@pytest.mark.parametrize("name", scenarios.names())
def test_every_scenario_file_parses_and_round_trips(name):
    scenario = scenarios.load(name)
    assert scenario.title and scenario.title_ru and scenario.description
    again = parse(scenario.to_document(), source="json")
    assert again.to_document() == scenario.to_document()


def test_the_library_covers_every_known_reason_with_its_outcome():
    found = {s.name: s.expect.outcome for s in scenarios.load_all()}
    assert {name: found.get(name) for name in REQUIRED} == REQUIRED


def test_defaults_fill_oid_password_level_region_and_consent():
    scenario = parse(minimal())
    account = scenario.account("a")
    assert account.oid == scenarios.DEFAULT_OID_BASE
    assert account.level == "standard" and account.password and account.login == "+79112000001"
    assert account.snils == "20010010128"
    assert scenario.login.region == "dvinaland" and scenario.login.consent == "grant"


def test_links_by_account_key_use_the_accounts_oid():
    doc = minimal()
    doc["idp"]["accounts"][0]["oid"] = 1234567890
    doc["diary"]["links"] = [{"account": "a", "login": "orlova.a"}]
    assert parse(doc).links[0].subject == "1234567890"


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d.pop("title"), "title", "required"),
        (lambda d: d["expect"].update(outcome="found"), "expect.outcome", "not one of"),
        (lambda d: d["idp"]["accounts"][0].update(snils="200-100-101 29"), "idp.accounts[0].snils", "SNILS"),
        (lambda d: d["idp"]["accounts"][0].update(birth_date="12.04.1985"), "idp.accounts[0].birth_date", "date"),
        (lambda d: d["idp"]["accounts"][0].update(level="gold"), "idp.accounts[0].level", "simplified"),
        (lambda d: d["idp"]["accounts"][0].update(colour="red"), "idp.accounts[0]", "colour"),
        (lambda d: d["login"].update(account="b"), "login.account", "no IdP account"),
        (lambda d: d["diary"].update(links=[{"account": "a", "login": "x"}]), "diary.links[0].login", "no diary"),
        (lambda d: d["diary"]["people"].append(dict(d["diary"]["people"][0])), "diary.people[1].login", "duplicate"),
        (lambda d: d["idp"]["accounts"][0].pop("snils"), "idp.accounts[0].snils", "required for a standard"),
        (lambda d: d["login"].update(consent="maybe"), "login.consent", "grant, deny"),
    ],
)
def test_schema_errors_name_the_source_and_the_field(change, path, words):
    doc = minimal()
    change(doc)
    with pytest.raises(ScenarioError) as info:
        parse(doc, source="scenarios/tiny.yaml")
    message = str(info.value)
    assert message.startswith(f"scenarios/tiny.yaml: {path}")
    assert words in message


def test_a_broken_file_is_reported_with_its_name(tmp_path):
    (tmp_path / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (tmp_path / "other.yaml").write_text("name: something-else\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="broken.yaml: not valid YAML"):
        scenarios.load("broken", tmp_path)
    with pytest.raises(ScenarioError, match="other.yaml: name: 'something-else' differs from the file name"):
        scenarios.load("other", tmp_path)
    with pytest.raises(LookupError):
        scenarios.load("missing", tmp_path)


def test_reset_options_accept_booleans_only():
    assert scenarios.reset_options({"demo": True}).demo is True
    assert scenarios.reset_options(None).keep_clients is True
    with pytest.raises(ScenarioError, match="demo: expected true or false"):
        scenarios.reset_options({"demo": "yes"})
    with pytest.raises(ScenarioError, match="unknown field"):
        scenarios.reset_options({"wipe_everything": True})


def test_cli_lists_and_shows_scenarios_and_refuses_unknown_names():
    import json

    from click.testing import CliRunner

    from fedlab.cli import main

    runner = CliRunner()
    listed = runner.invoke(main, ["scenario", "list", "--json"])
    assert listed.exit_code == 0
    assert {s["name"]: s["expect"]["outcome"] for s in json.loads(listed.output)}["yo-vs-ye"] == "match"
    shown = runner.invoke(main, ["scenario", "show", "name-typo"])
    assert shown.exit_code == 0 and json.loads(shown.output)["diary"]["people"][0]["first_name"] == "Наталия"
    unknown = runner.invoke(main, ["scenario", "check", "no-such-scenario", "--rp-url", "http://127.0.0.1:9"])
    assert unknown.exit_code == 1 and "no scenario named" in unknown.output
    down = runner.invoke(main, ["reset", "--idp-url", "http://127.0.0.1:9", "--rp-url", "http://127.0.0.1:9"])
    assert down.exit_code == 1 and "not reachable" in down.output
