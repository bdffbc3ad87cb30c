"""``/healthz`` and ``fedlab serve`` with the database down: 503 with the reason, and no start."""

from __future__ import annotations

import pytest

from tests.helpers.served_idp import free_port


@pytest.fixture(autouse=True)
def restored_environment(monkeypatch):
    """``fedlab serve`` fills in the apps' URL settings in the environment: undo that after each test."""
    for name in ("FEDLAB_IDP_ISSUER", "FEDLAB_IDP_LAB_RP_URL", "FEDLAB_RP_BASE_URL", "FEDLAB_RP_DEMO_IDP_ISSUER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("FEDLAB_HOST_NAMES", raising=False)


#: A PostgreSQL URL nobody listens on (port 1 refuses at once).
UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/fedlab?connect_timeout=2"


@pytest.mark.parametrize("kind", ["idp", "rp"])
def test_healthz_with_the_database_unreachable_is_503_with_the_reason(kind):
    if kind == "idp":
        from idp import create_app
    else:
        from rp import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": UNREACHABLE})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["app"] == kind
    assert body["database"] == "unreachable"
    assert "127.0.0.1" in body["reason"] or "connect" in body["reason"].lower()
    assert "nobody@" not in body["reason"]  # no credentials of the URL


@pytest.fixture(autouse=True)
def kept_environment():
    """Put the process environment back afterwards: ``serve_both`` fills in the apps' URL settings there."""
    import os

    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def refuse_to_start(monkeypatch) -> None:
    """Make starting a server fail the test at once (a wrong start must not leave gunicorn running)."""
    import fedlab.serve

    def started(*args, **kwargs):
        raise AssertionError(f"fedlab serve started a server: {args[0] if args else kwargs}")

    monkeypatch.setattr(fedlab.serve.subprocess, "Popen", started)


def test_serve_says_the_database_is_down_instead_of_starting(monkeypatch, capsys, tmp_path):
    from fedlab.serve import serve_both

    refuse_to_start(monkeypatch)

    monkeypatch.setenv("FEDLAB_IDP_DATABASE_URL", f"sqlite:///{tmp_path / 'idp.sqlite'}")
    monkeypatch.setenv("FEDLAB_RP_DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("FEDLAB_IDP_PORT", str(free_port()))
    monkeypatch.setenv("FEDLAB_RP_PORT", str(free_port()))
    status = serve_both(workers=1)
    assert status != 0
    err = capsys.readouterr().err
    assert "diary" in err.lower() or "rp" in err
    assert "database" in err.lower() and "unreachable" in err.lower()
    assert "Госуслуги" not in err  # the IdP's database is fine
    assert "not starting" in err


def test_serve_says_which_setting_production_refuses_instead_of_starting(monkeypatch, capsys, tmp_path):
    from fedlab.serve import serve_both

    refuse_to_start(monkeypatch)
    monkeypatch.setenv("FEDLAB_ENV", "production")
    monkeypatch.setenv("FEDLAB_IDP_SECRET_KEY", "short")
    monkeypatch.setenv("FEDLAB_IDP_DATABASE_URL", f"sqlite:///{tmp_path / 'idp.sqlite'}")
    monkeypatch.setenv("FEDLAB_RP_DATABASE_URL", f"sqlite:///{tmp_path / 'rp.sqlite'}")
    monkeypatch.setenv("FEDLAB_HOST_NAMES", "0")
    assert serve_both(workers=1) == 1
    err = capsys.readouterr().err
    assert "configuration is refused" in err and "SECRET_KEY" in err and "32" in err
