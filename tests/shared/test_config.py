"""The settings layers: defaults < TOML file < environment < overrides; production refuses dev secrets."""

from __future__ import annotations

import pytest

from shared.config import ConfigError
from shared.config import load_settings
from shared.config import refuse_default_secrets

DEFAULTS = {"NAME": "lab", "PORT": 5001, "RATIO": 0.5, "ON": True, "LANGS": ["ru", "en"], "SECRET": "dev-only-x"}


def test_defaults_alone():
    assert load_settings(DEFAULTS, "P_", environ={}) == DEFAULTS


def test_file_then_environment_then_overrides(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('name = "file"\nport = 6000\nratio = 0.7\n')
    env = {"P_CONFIG": str(path), "P_PORT": "7000"}
    settings = load_settings(DEFAULTS, "P_", environ=env, overrides={"RATIO": 0.9})
    assert settings["NAME"] == "file"
    assert settings["PORT"] == 7000
    assert settings["RATIO"] == 0.9


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("ON", "false", False),
        ("ON", "yes", True),
        ("PORT", "8080", 8080),
        ("RATIO", "1.5", 1.5),
        ("LANGS", "ru,en,de", ["ru", "en", "de"]),
        ("LANGS", '["en"]', ["en"]),
    ],
)
def test_environment_values_take_the_type_of_the_default(name, raw, expected):
    assert load_settings(DEFAULTS, "P_", environ={f"P_{name}": raw})[name] == expected


def test_empty_variable_counts_as_unset():
    assert load_settings(DEFAULTS, "P_", environ={"P_NAME": ""})["NAME"] == "lab"


@pytest.mark.parametrize(("name", "raw"), [("PORT", "eighty"), ("ON", "maybe"), ("RATIO", "x")])
def test_bad_environment_values_are_refused_with_the_variable_name(name, raw):
    with pytest.raises(ConfigError, match=f"P_{name}"):
        load_settings(DEFAULTS, "P_", environ={f"P_{name}": raw})


def test_unreadable_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(DEFAULTS, "P_", environ={"P_CONFIG": str(tmp_path / "missing.toml")})


def test_production_refuses_development_secrets_but_development_allows_them():
    refuse_default_secrets({**DEFAULTS, "ENV": "development"}, ["SECRET"])
    with pytest.raises(ConfigError, match="SECRET"):
        refuse_default_secrets({**DEFAULTS, "ENV": "production"}, ["SECRET"])
    with pytest.raises(ConfigError, match="SECRET"):
        refuse_default_secrets({**DEFAULTS, "ENV": "production", "SECRET": ""}, ["SECRET"])
    refuse_default_secrets({**DEFAULTS, "ENV": "production", "SECRET": "a-real-secret"}, ["SECRET"])
