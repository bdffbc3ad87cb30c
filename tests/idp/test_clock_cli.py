"""``fedlab clock``, ``fedlab inbox`` and ``fedlab idp registry|checks|policy`` against the test app."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fedlab.cli import main
from tests.idp.profile_helpers import SNILS
from tests.idp.profile_helpers import account_state
from tests.idp.profile_helpers import log_in
from tests.idp.profile_helpers import make_account
from tests.idp.profile_helpers import submit_profile


@pytest.fixture
def run(idp_app):
    runner = CliRunner()

    def invoke(*args: str):
        with idp_app.app_context():
            return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_clock_show_advance_reset(run):
    data = json.loads(run("idp", "clock", "show", "--json").output)
    assert data["offset_seconds"] == 0
    res = run("clock", "advance", "2d", "--json")
    assert res.exit_code == 0
    assert json.loads(res.output)["offset_seconds"] == 2 * 86400
    run("idp", "clock", "advance", "1h")
    assert json.loads(run("idp", "clock", "show", "--json").output)["offset_seconds"] == 2 * 86400 + 3600
    run("idp", "clock", "reset")
    assert json.loads(run("clock", "show", "--json").output)["offset_seconds"] == 0


def test_clock_advance_refuses_bad_durations(run):
    res = run("clock", "advance", "soon")
    assert res.exit_code == 1
    assert "bad duration" in res.output


def test_clock_advance_completes_due_checks(idp_app, idp_client, run):
    account_id = make_account(idp_app)
    log_in(idp_client, account_id)
    submit_profile(idp_client)
    data = json.loads(run("idp", "checks", "list", "--json").output)
    assert [c["status"] for c in data] == ["pending"]
    res = run("clock", "advance", "5d", "--json")
    completed = json.loads(res.output)["completed_checks"]
    assert [c["status"] for c in completed] == ["passed"]
    assert account_state(idp_app, account_id)[0] == "standard"
    assert json.loads(run("idp", "checks", "list", "--json").output) == []
    assert len(json.loads(run("idp", "checks", "list", "--all", "--json").output)) == 1


def test_checks_run_due_uses_the_policy(idp_app, idp_client, run):
    idp_app.config["VERIFICATION_DELAY"] = "1m"
    assert run("idp", "policy", "set", "strict").output.strip() == "registry policy: strict"
    assert run("idp", "policy", "show").output.strip() == "strict"
    account_id = make_account(idp_app)
    log_in(idp_client, account_id)
    submit_profile(idp_client)
    assert "no checks were due" in run("idp", "checks", "run-due").output
    from datetime import timedelta

    from idp.db import db
    from idp.domain import labstate

    with idp_app.app_context():
        labstate.advance_clock(db.session, timedelta(minutes=5))
        db.session.commit()
    done = json.loads(run("idp", "checks", "run-due", "--json").output)
    assert done[0]["mvd_result"] == "passport_not_found"
    assert account_state(idp_app, account_id)[1] == "rejected"


def test_policy_set_refuses_unknown_values(run):
    assert run("idp", "policy", "set", "anything").exit_code == 2


def test_registry_add_and_list(run):
    res = run(
        "idp", "registry", "add", "--last-name", "Иванова", "--first-name", "Мария", "--middle-name", "Петровна",
        "--gender", "F", "--birth-date", "1984-03-14", "--snils", SNILS, "--passport-series", "1104",
        "--passport-number", "123456", "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["snils"] == "112-233-445 95"
    listed = json.loads(run("idp", "registry", "list", "--json").output)
    assert [c["last_name"] for c in listed] == ["Иванова"]
    again = run(
        "idp", "registry", "add", "--last-name", "Петров", "--first-name", "Иван", "--gender", "M",
        "--birth-date", "1980-01-01", "--snils", SNILS, "--json",
    )  # fmt: skip
    assert again.exit_code == 1
    assert json.loads(again.output)["fields"] == {"snils": ["taken"]}
    bad = run(
        "idp", "registry", "add", "--last-name", "Петров", "--first-name", "Иван", "--gender", "M",
        "--birth-date", "1980-01-01", "--snils", "112-233-445 96", "--passport-series", "11", "--json",
    )  # fmt: skip
    assert json.loads(bad.output)["fields"]["snils"] == ["snils_checksum"]
    assert "passport_series" in json.loads(bad.output)["fields"]


def test_inbox_command(idp_app, run):
    from idp.db import db
    from idp.domain import inbox

    with idp_app.app_context():
        inbox.send(db.session, "sms", "+79110000001", "Код: 111111")
        inbox.send(db.session, "email", "a@example.test", "Ссылка")
        db.session.commit()
    text = run("inbox").output
    assert text.index("Ссылка") < text.index("111111")
    data = json.loads(run("idp", "inbox", "--to", "8 (911) 000-00-01", "--json").output)
    assert [m["body"] for m in data["messages"]] == ["Код: 111111"]
