"""Lab files: the schema, errors that point to the line, the scenario library as lab files, pinned signing keys."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from joserfc.jwk import RSAKey

from fedlab.cli import main
from fedlab.labfile import LabFileError
from fedlab.labfile import load
from fedlab.labfile import parse
from fedlab.labfile import schema
from shared import scenarios

GOOD = """\
title = "A team's lab"

[[clients]]
client_id = "myapp"
secret = "s3cret-at-least-16-chars"
redirect_uris = ["http://127.0.0.1:8000/callback"]

[[accounts]]
key = "maria"
last_name = "Иванова"
first_name = "Мария"
level = 2

[[accounts]]
key = "petr"
last_name = "Петров"
first_name = "Пётр"
level = 1
"""


def test_a_schema_error_names_the_line_of_the_key():
    with pytest.raises(LabFileError) as refused:
        parse(GOOD.replace("level = 1", "level = 7"), source="team.toml")
    assert str(refused.value).startswith("team.toml:18: accounts[1].level: Input should be")


def test_an_unknown_key_and_a_missing_one_name_their_table():
    with pytest.raises(LabFileError) as refused:
        parse(GOOD.replace('first_name = "Пётр"\n', 'firstname = "Пётр"\n'), source="team.toml")
    lines = str(refused.value).splitlines()
    assert "team.toml:14: accounts[1].first_name: Field required" in lines
    assert "team.toml:17: accounts[1].firstname: Extra inputs are not permitted" in lines


def test_a_toml_syntax_error_names_the_line():
    with pytest.raises(LabFileError, match=r"team.toml: not valid TOML: .*line 3"):
        parse('title = "x"\n\n[[clients]\n', source="team.toml")


def test_a_link_to_an_unknown_account_is_refused_at_its_line():
    text = (
        GOOD
        + '\n[[people]]\nlogin = "m"\nlast_name = "И"\nfirst_name = "М"\n\n[[links]]\naccount = "nobody"\nlogin = "m"\n'
    )
    with pytest.raises(LabFileError, match=r"team.toml:26: links\[0\].account: no account with key 'nobody'"):
        parse(text, source="team.toml")


def test_every_scenario_of_the_library_is_a_valid_lab_file_with_an_expected_outcome():
    names = scenarios.names()
    assert len(names) >= 20
    for name in names:
        lab = load(scenarios.scenario_path(name))
        assert lab.login is not None and lab.expect is not None, name
        assert scenarios.load(name).expect.outcome == lab.expect.outcome


def test_a_scenario_file_with_tables_a_scenario_cannot_hold_is_refused(tmp_path):
    (tmp_path / "odd.toml").write_text(GOOD + '\n[login]\naccount = "maria"\n[expect]\noutcome = "match"\n')
    with pytest.raises(scenarios.ScenarioError, match="clients: a scenario holds settings, accounts"):
        scenarios.load("odd", tmp_path)


def test_the_shipped_json_schema_is_the_models_one():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[2] / "fedlab" / "labfile.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == schema(), (
        "run: fedlab lab schema > fedlab/labfile.schema.json"
    )


def test_the_schema_is_json_schema_and_the_cli_prints_it_and_checks_files(tmp_path):
    assert set(schema()["properties"]) >= {"clients", "accounts", "registry", "regions", "people", "links", "faults"}
    runner = CliRunner()
    printed = runner.invoke(main, ["lab", "schema"])
    assert json.loads(printed.output)["title"] == "LabFile"
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("level = 2", 'level = "gold"'))
    checked = runner.invoke(main, ["lab", "check", str(bad)])
    assert checked.exit_code == 1 and f"{bad}:12: accounts[0].level" in checked.output


def test_a_pinned_signing_key_signs_the_id_tokens(shared_lab, tmp_path):
    from fedlab.labfile import apply_direct

    key = RSAKey.generate_key(2048, private=True)
    (tmp_path / "issuer.pem").write_bytes(key.as_pem(private=True))
    (tmp_path / "lab.toml").write_text('signing_key = "issuer.pem"\n' + GOOD)
    shared_lab.reset()
    try:
        apply_direct(load(tmp_path / "lab.toml"), shared_lab.app, shared_lab.rp_app)
        published = [k["kid"] for k in shared_lab.keys()["keys"]]
        assert key.thumbprint() in published
        client = shared_lab.client(redirect_uri="http://testserver/cb")
        tokens = shared_lab.authorize(client, shared_lab.account(), tokens=True)
        header = json.loads(__import__("base64").urlsafe_b64decode(tokens["id_token"].split(".")[0] + "=="))
        assert header["kid"] == key.thumbprint()
    finally:
        shared_lab.reset()


def test_fedlab_lab_apply_loads_the_file_into_the_configured_databases(tmp_path, monkeypatch):
    from idp import create_app as create_idp
    from rp import create_app as create_rp

    monkeypatch.setenv("FEDLAB_IDP_DATABASE_URL", f"sqlite:///{tmp_path / 'idp.sqlite'}")
    monkeypatch.setenv("FEDLAB_RP_DATABASE_URL", f"sqlite:///{tmp_path / 'rp.sqlite'}")
    monkeypatch.setenv("FEDLAB_IDP_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("FEDLAB_IDP_ARGON2_MEMORY_COST", "8")
    for create in (create_idp, create_rp):
        app = create()
        with app.app_context():
            app.extensions["sqlalchemy"].create_all()
            app.extensions["sqlalchemy"].engine.dispose()
    lab = tmp_path / "team.toml"
    lab.write_text(
        GOOD.replace("level = 2\n", 'level = 2\nphone = "+79161234567"\n')
        + '\n[[people]]\nlogin = "ivanova.m"\nlast_name = "Иванова"\nfirst_name = "Мария"\n'
        + '\n[[links]]\naccount = "maria"\nlogin = "ivanova.m"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    applied = runner.invoke(main, ["lab", "apply", str(lab), "--json"])
    assert applied.exit_code == 0, applied.output
    made = json.loads(applied.output)
    assert set(made["accounts"]) == {"maria", "petr"} and made["clients"]["myapp"]["client_id"] == "myapp"
    listed = runner.invoke(main, ["idp", "client", "list"])
    assert "myapp" in listed.output

    again = runner.invoke(main, ["lab", "apply", str(lab)])
    assert (
        again.exit_code == 1
        and "clients[0] (myapp): the IdP refused the client myapp: client_id: taken" in again.output
    )
