"""Every QA scenario, checked end to end against both apps served by ``fedlab serve`` (once per session)."""

from __future__ import annotations

import json

import pytest

from shared import scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.spread]


def _urls(lab) -> list[str]:
    return ["--idp-url", lab.idp_url, "--rp-url", lab.rp_url]


#: The demo's regions: dvinaland logs in over ESIA's protocol, tomsk over OpenID Connect.
PROTOCOL_REGIONS = {"esia": "dvinaland", "oidc": "tomsk"}


@pytest.mark.parametrize("protocol", sorted(PROTOCOL_REGIONS))
@pytest.mark.parametrize("name", scenarios.names())
def test_scenario_check_gives_the_expected_outcome(lab, name, protocol):
    # What `fedlab scenario check NAME --json --region R` prints, computed in this process (the same HTTP calls
    # to the served apps); the command itself runs as a separate process in test_serve.py and below.
    from fedlab.scenarios import Lab
    from fedlab.scenarios import check

    region = PROTOCOL_REGIONS[protocol]
    report = check(Lab(lab.idp_url, lab.rp_url), scenarios.load(name), region).as_dict()
    assert report["ok"] is True, report
    assert report["actual"]["outcome"] == scenarios.load(name).expect.outcome
    assert report["region"] == region


def test_the_check_command_prints_its_report_as_json(lab):
    result = lab.fedlab("scenario", "check", "name-typo", "--json", "--region", "tomsk", *_urls(lab))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True, report
    assert report["actual"]["outcome"] == scenarios.load("name-typo").expect.outcome == "not_found"
    assert report["region"] == "tomsk"


def test_check_reports_a_mismatch(lab):
    # Run the check in-process against a scenario changed to expect the wrong outcome.
    from fedlab.scenarios import Lab
    from fedlab.scenarios import check

    scenario = scenarios.load("name-typo")
    scenario.expect.outcome = "match"
    result = check(Lab(lab.idp_url, lab.rp_url), scenario)
    assert result.actual == "not_found"
    assert not result.ok


def test_reset_returns_both_apps_to_the_demo(lab):
    import requests

    loaded = lab.fedlab("scenario", "load", "already-linked", *_urls(lab))
    assert loaded.returncode == 0, loaded.stderr
    assert requests.get(lab.rp_url + "/api/lab/state", timeout=10).json()["links"][0]["login"] == "belov.i"

    reset = lab.fedlab("reset", *_urls(lab))
    assert reset.returncode == 0, reset.stdout + reset.stderr
    state = requests.get(lab.rp_url + "/api/lab/state", timeout=10).json()
    assert [link["login"] for link in state["links"]] == ["vasiliev.d"]
    assert state["linking_records"] == 0 and state["users"] > 5
