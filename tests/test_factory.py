"""Both app factories: configuration layers, health checks, migrations in step with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from labkit.settings import ConfigError


def test_idp_healthz(idp_client):
    res = idp_client.get("/healthz")
    assert res.status_code == 200
    assert res.get_json() == {"status": "ok", "app": "idp"}


def test_rp_healthz(rp_client):
    res = rp_client.get("/healthz")
    assert res.status_code == 200
    assert res.get_json() == {"status": "ok", "app": "rp"}


def test_environment_overrides_defaults_and_test_config_overrides_environment(monkeypatch, tmp_path):
    from idp import create_app

    monkeypatch.setenv("FEDLAB_IDP_CODE_TTL_SECONDS", "120")
    monkeypatch.setenv("FEDLAB_IDP_LAB_MODE", "false")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "LAB_MODE": True})
    assert app.config["CODE_TTL_SECONDS"] == 120
    assert app.config["LAB_MODE"] is True


def test_config_file_sits_between_defaults_and_environment(monkeypatch, tmp_path):
    from idp import create_app

    path = tmp_path / "idp.toml"
    path.write_text('code_ttl_seconds = 90\nregistry_policy = "strict"\n')
    monkeypatch.setenv("FEDLAB_IDP_CONFIG", str(path))
    monkeypatch.setenv("FEDLAB_IDP_REGISTRY_POLICY", "lenient")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["CODE_TTL_SECONDS"] == 90
    assert app.config["REGISTRY_POLICY"] == "lenient"


@pytest.mark.parametrize("factory", ["idp", "rp"])
def test_production_refuses_default_secrets(factory, tmp_path):
    module = __import__(factory)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        module.create_app({"ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})


@pytest.mark.parametrize("app_fixture", ["idp_app", "rp_app"])
def test_migrations_match_models(app_fixture, request, tmp_path):
    """Upgrading an empty database gives exactly the schema the models declare."""
    app = request.getfixturevalue(app_fixture)
    ext = app.extensions["sqlalchemy"]
    with app.app_context():
        ext.drop_all()
        upgrade(directory=app.extensions["migrate"].directory)
        with ext.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), ext.metadata)
    assert diff == []
