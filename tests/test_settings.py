"""The settings layers: defaults < TOML file < environment < overrides; every value validated at start."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import Field

from labkit.settings import AppSettings
from labkit.settings import ConfigError
from labkit.settings import refuse_default_secrets


class DemoSettings(AppSettings):
    """A small app's settings, to exercise the layers."""

    PREFIX: ClassVar[str] = "P_"
    PUBLIC_URL: ClassVar[str] = "URL"
    SECRETS: ClassVar[tuple[str, ...]] = ("SECRET_KEY",)

    URL: str = "http://lab.test"
    """Public base URL."""
    NAME: str = "lab"
    """A name."""
    PORT: int = Field(default=5001, ge=1)
    """A port."""
    RATIO: float = 0.5
    """A ratio."""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No ``P_*`` variable leaks in from the outside."""
    for name in ("CONFIG", "NAME", "PORT", "RATIO", "LAB_MODE", "LANGUAGES", "ENV", "URL", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv("P_" + name, raising=False)


def test_defaults_alone():
    settings = DemoSettings.build()
    assert {k: settings[k] for k in ("NAME", "PORT", "RATIO", "LAB_MODE", "LANGUAGES")} == {
        "NAME": "lab",
        "PORT": 5001,
        "RATIO": 0.5,
        "LAB_MODE": True,
        "LANGUAGES": ["ru", "en"],
    }
    assert DemoSettings.defaults()["PORT"] == 5001


def test_file_then_environment_then_overrides(tmp_path, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text('name = "file"\nport = 6000\nratio = 0.7\n')
    monkeypatch.setenv("P_CONFIG", str(path))
    monkeypatch.setenv("P_PORT", "7000")
    settings = DemoSettings.build({"RATIO": 0.9, "TESTING": True})
    assert settings["NAME"] == "file"
    assert settings["PORT"] == 7000
    assert settings["RATIO"] == 0.9
    assert settings["TESTING"] is True  # Flask's own keys pass through


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("LAB_MODE", "false", False),
        ("LAB_MODE", "yes", True),
        ("PORT", "8080", 8080),
        ("RATIO", "1.5", 1.5),
        ("LANGUAGES", "ru,en,de", ["ru", "en", "de"]),
        ("LANGUAGES", '["en"]', ["en"]),
    ],
)
def test_environment_values_take_the_type_of_the_setting(monkeypatch, name, raw, expected):
    monkeypatch.setenv(f"P_{name}", raw)
    assert DemoSettings.build()[name] == expected


def test_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("P_NAME", "")
    assert DemoSettings.build()["NAME"] == "lab"


@pytest.mark.parametrize(
    ("name", "raw"), [("PORT", "eighty"), ("PORT", "0"), ("LAB_MODE", "maybe"), ("RATIO", "x"), ("ENV", "prod")]
)
def test_bad_environment_values_are_refused_with_the_variable_name(monkeypatch, name, raw):
    monkeypatch.setenv(f"P_{name}", raw)
    with pytest.raises(ConfigError, match=f"P_{name}"):
        DemoSettings.build()


def test_bad_override_is_refused_with_the_setting_name():
    with pytest.raises(ConfigError, match="PORT"):
        DemoSettings.build({"PORT": "eighty"})


def test_unreadable_config_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("P_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="P_CONFIG: cannot read"):
        DemoSettings.build()


def test_bad_value_in_the_config_file_names_the_setting(tmp_path, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text('port = "eighty"\n')
    monkeypatch.setenv("P_CONFIG", str(path))
    with pytest.raises(ConfigError, match="PORT"):
        DemoSettings.build()


@pytest.mark.parametrize(
    ("overrides", "secure"),
    [
        ({}, False),
        ({"URL": "https://lab.example"}, True),
        ({"ENV": "production", "SECRET_KEY": "r" * 32, "LAB_TOKEN": "t" * 32}, True),
        ({"URL": "https://lab.example", "SESSION_COOKIE_SECURE": False}, False),
        ({"SESSION_COOKIE_SECURE": "true"}, True),
    ],
)
def test_cookie_secure_auto_follows_production_or_https(overrides, secure):
    assert DemoSettings.build(overrides)["SESSION_COOKIE_SECURE"] is secure


def test_production_refuses_development_secrets_but_development_allows_them():
    refuse_default_secrets({"ENV": "development", "SECRET": "dev-only-x"}, ["SECRET"])
    with pytest.raises(ConfigError, match="SECRET"):
        refuse_default_secrets({"ENV": "production", "SECRET": "dev-only-x"}, ["SECRET"])
    with pytest.raises(ConfigError, match="SECRET"):
        refuse_default_secrets({"ENV": "production", "SECRET": ""}, ["SECRET"])
    with pytest.raises(ConfigError, match="shorter than 32 characters: SECRET"):
        refuse_default_secrets({"ENV": "production", "SECRET": "short"}, ["SECRET"])
    refuse_default_secrets({"ENV": "production", "SECRET": "a-real-secret-of-32-characters-or-more"}, ["SECRET"])
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        DemoSettings.build({"ENV": "production"})


def test_every_setting_of_both_apps_is_documented():
    from idp.config import IdpSettings
    from rp.config import RpSettings

    for cls in (IdpSettings, RpSettings):
        undocumented = [name for name, field in cls.model_fields.items() if not field.description]
        assert undocumented == [], cls.__name__


@pytest.mark.parametrize(
    ("factory", "variable", "raw"),
    [
        ("idp", "FEDLAB_IDP_VERIFICATION_DELAY", "soon"),
        ("idp", "FEDLAB_IDP_VERIFICATION_DELAY", "5d-15m"),
        ("idp", "FEDLAB_IDP_REGISTRY_POLICY", "random"),
        ("idp", "FEDLAB_IDP_CODE_TTL_SECONDS", "-5"),
        ("idp", "FEDLAB_IDP_OIDC_TRACE", "sometimes"),
        ("rp", "FEDLAB_RP_DIARY_TODAY", "2025-02-30"),
        ("rp", "FEDLAB_RP_HTTP_TIMEOUT_SECONDS", "0"),
        ("rp", "FEDLAB_RP_SESSION_COOKIE_SAMESITE", "lax-ish"),
    ],
)
def test_a_bad_value_fails_create_app_naming_the_setting(factory, variable, raw, monkeypatch, tmp_path):
    module = __import__(factory)
    monkeypatch.setenv(variable, raw)
    with pytest.raises(ConfigError, match=variable):
        module.create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})


# --- production mode (issue 12) --------------------------------------------------------------------

LONG_SECRETS = {
    "SECRET_KEY": "k" * 32,
    "LAB_TOKEN": "t" * 32,
    "OPERATOR_PASSWORD": "o" * 32,
    "DEMO_CLIENT_SECRET": "c" * 32,
}


@pytest.mark.parametrize("app", ["idp", "rp"])
def test_fedlab_env_sets_both_apps_and_the_app_variable_overrides_it(app, monkeypatch):
    module = __import__(f"{app}.config", fromlist=["x"])
    for name in LONG_SECRETS:
        monkeypatch.setenv(module.PREFIX + name, LONG_SECRETS[name])
    monkeypatch.delenv(module.PREFIX + "ENV", raising=False)
    monkeypatch.delenv(module.PREFIX + "LAB_MODE", raising=False)
    monkeypatch.setenv("FEDLAB_ENV", "production")
    assert module.build_config()["ENV"] == "production"
    monkeypatch.setenv(module.PREFIX + "ENV", "development")
    assert module.build_config()["ENV"] == "development"
    monkeypatch.setenv("FEDLAB_ENV", "staging")
    monkeypatch.delenv(module.PREFIX + "ENV")
    with pytest.raises(ConfigError, match="ENV"):
        module.build_config()


@pytest.mark.parametrize("app", ["idp", "rp"])
def test_production_turns_lab_mode_off_unless_asked(app, monkeypatch):
    module = __import__(f"{app}.config", fromlist=["x"])
    monkeypatch.delenv(module.PREFIX + "LAB_MODE", raising=False)
    monkeypatch.delenv("FEDLAB_ENV", raising=False)
    assert module.build_config(LONG_SECRETS)["LAB_MODE"] is True  # development: the lab is on
    assert module.build_config({"ENV": "production", **LONG_SECRETS})["LAB_MODE"] is False
    assert module.build_config({"ENV": "production", "LAB_MODE": True, **LONG_SECRETS})["LAB_MODE"] is True
    monkeypatch.setenv(module.PREFIX + "LAB_MODE", "true")
    assert module.build_config({"ENV": "production", **LONG_SECRETS})["LAB_MODE"] is True


@pytest.mark.parametrize("app", ["idp", "rp"])
def test_production_refuses_a_short_secret_key_with_a_clear_message(app, tmp_path):
    module = __import__(app)
    config = {"ENV": "production", **LONG_SECRETS, "SECRET_KEY": "abcde", "DATABASE_URL": f"sqlite:///{tmp_path}/x"}
    with pytest.raises(ConfigError, match="shorter than 32 characters: SECRET_KEY"):
        module.create_app(config)


def test_production_app_without_lab_mode_has_no_lab(tmp_path):
    from idp import create_app

    app = create_app({"ENV": "production", **LONG_SECRETS, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    client = app.test_client()
    assert client.get("/lab").status_code == 404
    assert client.post("/api/lab/reset", json={"demo": False}).status_code == 404
