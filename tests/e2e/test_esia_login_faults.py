"""The diary's ESIA-protocol region (``dvinaland``) refuses what the lab IdP's faults make untrustworthy,
end to end: both apps served by ``fedlab serve``, the login driven over HTTP as ``fedlab scenario check`` does.
"""

from __future__ import annotations

import pytest

from fedlab.scenarios import Lab
from fedlab.scenarios import check
from fedlab.scenarios import drive_login
from shared import scenarios

pytestmark = pytest.mark.e2e


@pytest.fixture
def faults(lab):
    """Clear the IdP's faults after the test, whatever happened."""
    yield
    lab.fedlab("idp", "fault", "clear", "--all")


def _login_with_fault(lab, *fault: str) -> dict:
    """Load ``already-linked``, add the fault, log in through dvinaland; return the diary's linking record."""
    urls = Lab(lab.idp_url, lab.rp_url)
    scenario = scenarios.load("already-linked")
    scenario.login.region = "dvinaland"
    urls.load(scenario)  # (a load resets the IdP's faults: add the fault afterwards)
    added = lab.fedlab("idp", "fault", "add", *fault)
    assert added.returncode == 0, added.stdout + added.stderr
    before = urls.latest_record_id()
    drive_login(urls, scenario)
    records = urls.records_after(before)
    assert records and records[0]["region"] == "dvinaland", records
    return records[0]


def test_without_a_fault_the_linked_person_is_signed_in_over_esia(lab, faults):
    result = check(Lab(lab.idp_url, lab.rp_url), scenarios.load("already-linked"), region="dvinaland")
    assert (result.actual, result.actual_login, result.region) == ("signed_in", "belov.i", "dvinaland")


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("id_token_unknown_key", "no key of the provider verifies"),
        ("id_token_wrong_aud", "id_token aud"),
        ("id_token_wrong_iss", "id_token iss"),
        ("id_token_expired", "expired"),
    ],
)
def test_an_esia_token_the_diary_must_not_trust_is_refused(lab, faults, kind, reason):
    record = _login_with_fault(lab, kind)
    assert record["outcome"] == "error" and record["detail"].startswith("id_token"), record
    assert reason in record["detail"] and record["user_id"] is None


def test_an_esia_authorization_error_gets_its_page(lab, faults):
    record = _login_with_fault(lab, "authorize_error", "--error", "access_denied")
    assert record["outcome"] == "error" and record["detail"].startswith("access_denied"), record
    assert "ESIA-007004" in record["detail"]
