"""fedlab's pytest plugin: the lab IdP (and the diary) inside a team's own test suite.

Opt in with ``pytest -p fedlab`` or ``pytest_plugins = ["fedlab.pytest_plugin"]`` in a top-level conftest.py.
Installed with the package (entry point ``pytest11: fedlab``), the module costs nothing until a fixture is
used: it imports neither app, and a fixture starts its servers only when a test asks for it.

Fixtures (the README's "Use fedlab in your tests" has the reference):

* ``fedlab_idp`` — the IdP served on a free loopback port (threaded werkzeug, throw-away SQLite), started
  once per session, reset to its start state before each test (a snapshot copy, milliseconds).
* ``fedlab_lab`` — the IdP and the diary, the same way; ``region()``, ``person()``, ``link()``, ``diary_login()``.
* ``fedlab_idp_inprocess`` — the IdP answering ``requests`` through ``responses``: no port, no process.
* ``fedlab_session_idp`` / ``fedlab_session_lab`` — the session's served apps without the per-test reset.

ini options: ``fedlab_lab_file`` (a lab file loaded at start), ``fedlab_signing_key`` (PEM/JWK file pinning
the issuer's key). Marker: ``@pytest.mark.fedlab(lab_file="...")`` loads a lab file for one test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ini options."""
    parser.addini("fedlab_lab_file", "fedlab: a lab file (TOML) loaded into the lab apps at session start", default="")
    parser.addini("fedlab_signing_key", "fedlab: a PEM or JWK file, the IdP's signing key", default="")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line("markers", "fedlab(lab_file=None): fedlab: load this lab file for the test")


def _ini_path(config: pytest.Config, name: str) -> Path | None:
    value = str(config.getini(name) or "").strip()
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else Path(config.rootpath) / path


def _options(config: pytest.Config) -> tuple[Path | None, Path | None]:
    return _ini_path(config, "fedlab_lab_file"), _ini_path(config, "fedlab_signing_key")


def _session_handle(request: pytest.FixtureRequest, kind: str):
    from fedlab.testing import sessions

    lab_file, signing_key = _options(request.config)
    shared = sessions.find(kind, lab_file, signing_key)
    if shared is not None:  # an outer session (pytester, a team's conftest) already serves it
        yield shared
        return
    from fedlab.testing.served import start_idp
    from fedlab.testing.served import start_lab

    start = start_lab if kind == "lab" else start_idp
    with start(lab_file, signing_key=signing_key) as handle:
        yield handle


@pytest.fixture(scope="session")
def fedlab_session_idp(request: pytest.FixtureRequest):
    """The session's served IdP (no per-test reset): started on first use, stopped at the end."""
    yield from _session_handle(request, "idp")


@pytest.fixture(scope="session")
def fedlab_session_lab(request: pytest.FixtureRequest):
    """The session's served IdP and diary (no per-test reset)."""
    yield from _session_handle(request, "lab")


def _per_test(handle: Any, request: pytest.FixtureRequest) -> Any:
    handle.reset()
    marker = request.node.get_closest_marker("fedlab")
    if marker is not None and marker.kwargs.get("lab_file"):
        path = Path(marker.kwargs["lab_file"])
        handle.apply_lab_file(path if path.is_absolute() else Path(request.node.path).parent / path)
    return handle


@pytest.fixture
def fedlab_idp(fedlab_session_idp, request: pytest.FixtureRequest):
    """The lab IdP, served on loopback, in its start state: accounts, clients, faults, clock, inbox, authorize()."""
    return _per_test(fedlab_session_idp, request)


@pytest.fixture
def fedlab_lab(fedlab_session_lab, request: pytest.FixtureRequest):
    """The IdP and the diary, served on loopback, in their start state."""
    return _per_test(fedlab_session_lab, request)


@pytest.fixture(scope="session")
def _fedlab_inprocess_app(request: pytest.FixtureRequest):
    import shutil

    from fedlab.testing.inprocess import create_inprocess_idp

    lab_file, signing_key = _options(request.config)
    idp = create_inprocess_idp(signing_key=signing_key)
    try:
        idp.prepare(lab_file)
        yield idp
    finally:
        with idp.context():
            idp.app.extensions["sqlalchemy"].engine.dispose()
        shutil.rmtree(idp.workdir, ignore_errors=True)


@pytest.fixture
def fedlab_idp_inprocess(_fedlab_inprocess_app, request: pytest.FixtureRequest):
    """The IdP answering this test's ``requests`` calls through ``responses`` (``.mock``), at ``.url``."""
    idp = _per_test(_fedlab_inprocess_app, request)
    with idp.active():
        yield idp
