"""The lab's apps served for a test session: threaded werkzeug servers on free loopback ports, throw-away SQLite.

Each app gets a database file in a temporary folder, its schema from the models, and a snapshot of that
file taken once everything the session starts with is in it (signing key, lab file). A reset between tests
copies the snapshot back over the live database with SQLite's online backup API: no migration, no
re-seeding, a few milliseconds. The servers run in threads of the test process, so the helpers reach the
apps' domain modules directly and the apps' clocks can be frozen from the test.
"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

HOST = "127.0.0.1"
#: argon2 at its cheapest: a test suite hashes many passwords (production uses the library defaults).
CHEAP_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler without a log line per request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Log nothing: the lab's trace records the protocol exchanges."""


class _Dispatch:
    """A WSGI callable whose app is set once the server knows its port (the app's URLs name the port)."""

    def __init__(self) -> None:
        self.app: Callable[..., Any] | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        assert self.app is not None, "the app is not set yet"
        return self.app(environ, start_response)


@dataclass
class AppServer:
    """One Flask app behind a threaded werkzeug server on loopback, with its SQLite file and snapshot."""

    name: str
    server: BaseWSGIServer
    dispatch: _Dispatch
    db_path: Path
    snapshot_path: Path
    app: Any = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the base URL (``http://127.0.0.1:PORT``)."""
        return f"http://{HOST}:{self.server.server_port}"

    def set_app(self, app: Any) -> None:
        """Serve ``app`` (its schema is created here, from the models)."""
        self.app = app
        self.dispatch.app = app
        with app.app_context():
            app.extensions["sqlalchemy"].create_all()

    def start(self) -> None:
        """Start serving in a daemon thread."""
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"fedlab-{self.name}", daemon=True)
        self.thread.start()

    def _dispose(self) -> None:
        with self.app.app_context():
            self.app.extensions["sqlalchemy"].engine.dispose()

    def snapshot(self) -> None:
        """Keep the database as it is now: :meth:`restore` brings it back."""
        self._dispose()
        _copy_database(self.db_path, self.snapshot_path)

    def restore(self) -> None:
        """Put the snapshot back over the live database (SQLite's online backup; the server keeps running)."""
        self._dispose()
        _copy_database(self.snapshot_path, self.db_path)

    def stop(self) -> None:
        """Stop the server and close the app's connections."""
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=10)
        if self.app is not None:
            self._dispose()


def _copy_database(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _server(name: str, workdir: Path) -> AppServer:
    dispatch = _Dispatch()
    server = make_server(HOST, 0, dispatch, threaded=True, request_handler=_QuietHandler)
    return AppServer(name, server, dispatch, workdir / f"{name}.sqlite", workdir / f"{name}.snapshot.sqlite")


def idp_settings(server: AppServer, workdir: Path, rp_url: str | None, extra: dict[str, Any]) -> dict[str, Any]:
    """Return the IdP's settings for a served test instance (its own files in ``workdir``)."""
    settings = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{server.db_path}",
        "ISSUER": server.url,
        "ESIA_GOST_KEY_FILE": str(workdir / "esia-gost-key.pem"),
        "ESIA_GOST_CERT_FILE": str(workdir / "esia-gost-cert.pem"),
        **CHEAP_HASHING,
    }
    if rp_url:
        settings["LAB_RP_URL"] = rp_url
    return {**settings, **extra}


def rp_settings(server: AppServer, idp_url: str, extra: dict[str, Any]) -> dict[str, Any]:
    """Return the diary's settings for a served test instance."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{server.db_path}",
        "BASE_URL": server.url,
        "DEMO_IDP_ISSUER": idp_url,
        **CHEAP_HASHING,
        **extra,
    }


@dataclass
class ServedLab:
    """The served apps of one session (the IdP, and the diary for a whole lab) and their folder."""

    workdir: Path
    idp: AppServer
    rp: AppServer | None = None
    _cleanup: list[Callable[[], None]] = field(default_factory=list)

    def servers(self) -> list[AppServer]:
        """Return the app servers (IdP first)."""
        return [s for s in (self.idp, self.rp) if s is not None]

    def snapshot(self) -> None:
        """Take the state every test starts from."""
        for server in self.servers():
            server.snapshot()

    def restore(self) -> None:
        """Return every app to the snapshot and the clocks to real time."""
        from idp.clock import clock as idp_clock
        from rp.clock import clock as rp_clock

        idp_clock.unfreeze()
        rp_clock.unfreeze()
        for server in self.servers():
            server.restore()

    def stop(self) -> None:
        """Stop the servers and remove the folder."""
        for server in self.servers():
            server.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def serve(
    with_diary: bool,
    idp_config: dict[str, Any] | None = None,
    rp_config: dict[str, Any] | None = None,
    signing_key: str | Path | None = None,
) -> ServedLab:
    """Create the apps on fresh SQLite files, start them on free loopback ports and return them (not snapshotted).

    ``signing_key`` (a PEM or JWK file) becomes the IdP's active signing key; otherwise one is generated.
    """
    from idp import create_app as create_idp

    workdir = Path(tempfile.mkdtemp(prefix="fedlab-test-"))
    idp = _server("idp", workdir)
    rp = _server("rp", workdir) if with_diary else None
    lab = ServedLab(workdir, idp, rp)
    try:
        idp.set_app(create_idp(idp_settings(idp, workdir, rp.url if rp else None, idp_config or {})))
        _install_signing_key(idp.app, signing_key)
        if rp is not None:
            from rp import create_app as create_rp

            rp.set_app(create_rp(rp_settings(rp, idp.url, rp_config or {})))
        for server in lab.servers():
            server.start()
    except BaseException:
        lab.stop()
        raise
    return lab


def _install_signing_key(app: Any, signing_key: str | Path | None) -> None:
    from fedlab.signing_key import install_signing_key
    from idp.db import db
    from idp.oidc import keys

    with app.app_context():
        if signing_key is not None:
            install_signing_key(db.session, Path(signing_key).read_text())
        keys.active_key_row(db.session)  # one key now, not at the first token of the first test
        db.session.commit()


@contextmanager
def start_idp(lab_file: str | Path | None = None, **options: Any) -> Iterator[Any]:
    """Serve the IdP alone until the block ends; yield its :class:`~fedlab.testing.idp.IdpHandle`."""
    from fedlab.testing.idp import IdpHandle

    served = serve(False, options.get("idp_config"), None, options.get("signing_key"))
    try:
        handle = IdpHandle.served(served)
        handle.prepare(lab_file)
        yield handle
    finally:
        served.stop()


@contextmanager
def start_lab(lab_file: str | Path | None = None, **options: Any) -> Iterator[Any]:
    """Serve the IdP and the diary until the block ends; yield their :class:`~fedlab.testing.lab.LabHandle`."""
    from fedlab.testing.lab import LabHandle

    served = serve(True, options.get("idp_config"), options.get("rp_config"), options.get("signing_key"))
    try:
        handle = LabHandle.served(served)
        handle.prepare(lab_file)
        yield handle
    finally:
        served.stop()
