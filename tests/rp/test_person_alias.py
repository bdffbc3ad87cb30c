"""``fedlab rp person ...`` is the same command group as ``fedlab rp people ...`` (the same group under both names)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fedlab.cli import main
from shared.validators import make_snils


def test_person_create_makes_a_parent_with_every_identity_field_and_a_login(rp_app, school):
    snils = make_snils("135792468")
    args = ["rp", "person", "create", "--last-name", "Сидорова", "--first-name", "Алёна", "--middle-name",
            "Игоревна", "--gender", "F", "--birth-date", "1985-06-07", "--snils", snils, "--phone",
            "+7 911 5550001", "--email", "sidorova@example.test", "--role", "parent", "--login", "sidorova.a",
            "--password", "abc123", "--json"]  # fmt: skip
    runner = CliRunner()
    with rp_app.app_context():
        created = runner.invoke(main, args, catch_exceptions=False)
        assert created.exit_code == 0, created.output
        data = json.loads(created.output)
        assert data["full_name"] == "Сидорова Алёна Игоревна" and data["login"] == "sidorova.a"
        assert data["snils"] == snils and data["roles"][0]["role"] == "parent"
        shown = runner.invoke(main, ["rp", "people", "show", "sidorova.a", "--json"], catch_exceptions=False)
        assert json.loads(shown.output)["birth_date"] == "1985-06-07"
        helped = runner.invoke(main, ["rp", "--help"])
    assert "person" in helped.output and "people" in helped.output
