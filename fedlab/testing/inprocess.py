"""The in-process IdP: no port, no process — ``responses`` hands every ``requests`` call to the IdP's WSGI app.

A relying party's code under test calls ``requests`` (directly, or through Authlib's or requests-oauthlib's
client) as it would in production; while the mock is active, calls to the IdP's address are answered by the
real IdP app through its test client, and calls anywhere else fail (nothing passes through to the network).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fedlab.testing.idp import IdpHandle

#: The in-process IdP's address: nothing listens there, only ``responses`` answers.
INPROCESS_ISSUER = "http://idp.fedlab.test"
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def wsgi_callback(app: Any):
    """Return a ``responses`` callback that answers a ``requests`` call with ``app`` (its test client, no cookies)."""
    return forward_to(app.test_client(use_cookies=False))


def forward_to(client: Any):
    """Return a ``responses`` callback that answers a ``requests`` call with the Flask test client ``client``.

    The call keeps its method, path, query, headers and body; the answer comes back with the app's status,
    headers and body (as the network would carry them).
    """

    def callback(request) -> tuple[int, list[tuple[str, str]], bytes]:
        url = urlsplit(request.url)
        body = request.body.encode() if isinstance(request.body, str) else request.body
        if body is not None and not isinstance(body, bytes):  # a generator or a file
            body = b"".join(part if isinstance(part, bytes) else part.encode() for part in body)
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in ("content-length", "host")]
        answer = client.open(
            url.path or "/",
            method=request.method,
            query_string=url.query,
            headers=headers,
            data=body,
            base_url=f"{url.scheme}://{url.netloc}",
        )
        return answer.status_code, list(answer.headers.items()), answer.get_data()

    return callback


class InProcessIdP(IdpHandle):
    """An IdP in the test process, answering through ``responses`` at :data:`INPROCESS_ISSUER`.

    ``mock`` is the active :class:`responses.RequestsMock` (add a team's own mocked URLs to it).
    """

    def __init__(self, app: Any, url: str, workdir: Path) -> None:
        super().__init__(app, url)
        self.workdir = workdir
        self.mock: Any = None
        self._db_path = workdir / "idp.sqlite"
        self._snapshot = workdir / "idp.snapshot.sqlite"

    def prepare(self, lab_file: str | Path | None) -> None:
        """Load the lab file (if any) and take the state each test starts from."""
        if lab_file is not None:
            self.apply_lab_file(lab_file)
        self._copy(self._db_path, self._snapshot)

    def _copy(self, source: Path, target: Path) -> None:
        from fedlab.testing.served import _copy_database

        with self.context():
            self.app.extensions["sqlalchemy"].engine.dispose()
        _copy_database(source, target)

    def reset(self) -> None:
        """Return the IdP to its start state (the snapshot), the clock to real time."""
        super().reset()
        self.real_clock.unfreeze()
        self._copy(self._snapshot, self._db_path)

    @contextmanager
    def active(self) -> Iterator[Any]:
        """Answer ``requests`` calls to the IdP with the app while the block runs; yield the RequestsMock."""
        import responses

        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            pattern = re.compile(re.escape(self.url) + r"(/.*)?(\?.*)?$")
            for method in _METHODS:
                mock.add_callback(method, pattern, callback=wsgi_callback(self.app))
            self.mock = mock
            try:
                yield mock
            finally:
                self.mock = None


def create_inprocess_idp(
    idp_config: dict[str, Any] | None = None, signing_key: str | Path | None = None
) -> InProcessIdP:
    """Create the IdP app on a throw-away SQLite file, with its schema and a signing key (not yet active)."""
    import secrets

    from fedlab.testing.served import CHEAP_HASHING
    from fedlab.testing.served import _install_signing_key
    from idp import create_app

    workdir = Path(tempfile.mkdtemp(prefix="fedlab-inprocess-"))
    settings = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{workdir / 'idp.sqlite'}",
        "ISSUER": INPROCESS_ISSUER,
        "ESIA_GOST_KEY_FILE": str(workdir / "esia-gost-key.pem"),
        "ESIA_GOST_CERT_FILE": str(workdir / "esia-gost-cert.pem"),
        **CHEAP_HASHING,
        **(idp_config or {}),
    }
    app = create_app(settings)
    try:
        with app.app_context():
            app.extensions["sqlalchemy"].create_all()
        _install_signing_key(app, signing_key)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return InProcessIdP(app, INPROCESS_ISSUER, workdir)


@contextmanager
def inprocess_idp(lab_file: str | Path | None = None, **options: Any) -> Iterator[InProcessIdP]:
    """Create an in-process IdP and keep ``responses`` answering for it until the block ends."""
    idp = create_inprocess_idp(options.get("idp_config"), options.get("signing_key"))
    try:
        idp.prepare(lab_file)
        with idp.active():
            yield idp
    finally:
        with idp.context():
            idp.app.extensions["sqlalchemy"].engine.dispose()
        shutil.rmtree(idp.workdir, ignore_errors=True)
