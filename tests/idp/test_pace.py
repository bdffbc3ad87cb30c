"""Verification pace for trainers: real, instant and accelerated, from the lab page and ``fedlab idp pace``."""

from __future__ import annotations

import json
from datetime import datetime
from datetime import timedelta

import pytest
from click.testing import CliRunner

from fedlab.cli import main
from idp.domain import verification as ver
from tests.idp.profile_helpers import account_state
from tests.idp.profile_helpers import advance
from tests.idp.profile_helpers import log_in
from tests.idp.profile_helpers import make_account
from tests.idp.profile_helpers import post_form
from tests.idp.profile_helpers import submit_profile


@pytest.fixture
def run(idp_app):
    runner = CliRunner()

    def invoke(*args: str):
        with idp_app.app_context():
            return runner.invoke(main, ["idp", "pace", *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def account_id(idp_app, idp_client):
    idp_app.config["VERIFICATION_DELAY"] = "2d"
    account_id = make_account(idp_app)
    log_in(idp_client, account_id)
    return account_id


def _pending_delay(idp_app) -> timedelta:
    from idp.db import db

    with idp_app.app_context():
        (check,) = ver.pending_checks(db.session)
        return check.due_at - check.submitted_at


# Unit: how a pace scales the drawn delay ------------------------------------------------------


@pytest.mark.parametrize(
    ("pace", "expected"),
    [
        (ver.Pace("real"), timedelta(days=1)),
        (ver.Pace("instant"), timedelta(0)),
        (ver.Pace("accelerated", 1440), timedelta(minutes=1)),
        (ver.Pace("accelerated", 24), timedelta(hours=1)),
    ],
)
def test_pace_scales_the_drawn_delay(pace, expected):
    now = datetime(2024, 5, 1, 12, 0)
    assert ver.draw_due(now, (timedelta(days=1), timedelta(days=1)), pace) - now == expected


def test_unknown_pace_or_bad_factor_is_refused(idp_app):
    from idp.db import db

    with idp_app.app_context():
        with pytest.raises(ValueError):
            ver.set_pace(db.session, "sometimes")
        with pytest.raises(ValueError):
            ver.set_pace(db.session, "accelerated", 0)
        assert ver.get_pace(db.session) == ver.Pace("real")


# The lab page -------------------------------------------------------------------------------


def test_lab_page_shows_real_pace_by_default(idp_client):
    page = idp_client.get("/lab").get_data(as_text=True)
    assert "Скорость проверки данных" in page
    assert "реальная" in page


def test_instant_pace_completes_the_check_at_the_next_request(idp_app, idp_client, account_id):
    res = post_form(idp_client, "/lab", "/lab/pace", pace="instant", factor="")
    assert res.status_code == 302
    assert "мгновенная" in idp_client.get("/lab").get_data(as_text=True)
    submit_profile(idp_client)
    idp_client.get("/profile")  # the next request completes the due check
    assert account_state(idp_app, account_id)[:2] == ("standard", "confirmed")


def test_accelerated_pace_divides_the_delay(idp_app, idp_client, account_id):
    res = post_form(idp_client, "/lab", "/lab/pace", pace="accelerated", factor="1440")
    assert res.status_code == 302
    assert "ускоренная, множитель 1440" in idp_client.get("/lab").get_data(as_text=True)
    submit_profile(idp_client)
    assert _pending_delay(idp_app) == timedelta(minutes=2)  # two days at a day per minute
    advance(idp_app, "3m")
    assert account_state(idp_app, account_id)[:2] == ("standard", "confirmed")


def test_real_pace_keeps_the_configured_delay(idp_app, idp_client, account_id):
    post_form(idp_client, "/lab", "/lab/pace", pace="accelerated", factor="60")
    post_form(idp_client, "/lab", "/lab/pace", pace="real", factor="")
    submit_profile(idp_client)
    assert _pending_delay(idp_app) == timedelta(days=2)
    idp_client.get("/profile")
    assert account_state(idp_app, account_id)[1] == "pending"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"pace": "accelerated", "factor": ""}, "Укажите множитель"),
        ({"pace": "accelerated", "factor": "0"}, "Множитель — целое число от 1 до 10 000 000."),
        ({"pace": "accelerated", "factor": "много"}, 'value="много"'),
        ({"pace": "weekly", "factor": ""}, "field-error"),
    ],
)
def test_bad_pace_form_is_shown_again_with_the_reason(idp_app, idp_client, data, reason):
    res = post_form(idp_client, "/lab", "/lab/pace", **data)
    assert res.status_code == 422
    assert reason in res.get_data(as_text=True)
    from idp.db import db

    with idp_app.app_context():
        assert ver.get_pace(db.session) == ver.Pace("real")


def test_pace_form_needs_csrf(idp_client):
    assert idp_client.post("/lab/pace", data={"pace": "instant"}).status_code == 400


# The CLI ------------------------------------------------------------------------------------


def test_cli_show_and_set(run):
    assert json.loads(run("show", "--json").output) == {"pace": "real", "factor": None}
    res = run("set", "accelerated", "--factor", "1440", "--json")
    assert res.exit_code == 0
    assert json.loads(res.output) == {"pace": "accelerated", "factor": 1440}
    assert run("show").output.strip() == "verification pace: accelerated (factor 1440)"
    assert json.loads(run("set", "instant", "--json").output) == {"pace": "instant", "factor": None}
    assert json.loads(run("show", "--json").output)["pace"] == "instant"


def test_cli_refuses_a_bad_factor(run):
    res = run("set", "accelerated", "--factor", "0")
    assert res.exit_code == 1
    assert "factor" in res.output
    res = run("set", "real", "--factor", "10")
    assert res.exit_code == 1
    assert json.loads(run("show", "--json").output)["pace"] == "real"
