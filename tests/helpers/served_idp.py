"""Serve a throw-away IdP with gunicorn on loopback and drive its pages like a browser.

Used by the integration test with an independent RP library and by the benchmarks under ``bench/``.
Everything lives in a temporary directory (or a database of its own) and is removed on exit.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
#: argon2 at its cheapest, as in the tests (the bench reports what it used).
CHEAP_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "8", "ARGON2_PARALLELISM": "1"}
PASSWORD = "Gosuslugi+2024"
PHONE = "+79161234567"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


@dataclass
class LabIdP:
    """A running IdP: its base URL, environment, the created account and client."""

    base_url: str
    env: dict[str, str]
    workdir: Path
    account: dict = field(default_factory=dict)
    clients: dict[str, dict] = field(default_factory=dict)

    def fedlab(self, *args: str) -> dict | list:
        """Run ``fedlab idp <args> --json`` against this IdP's database and return the parsed output."""
        cmd = [str(Path(_python()).with_name("fedlab")), "idp", *args, "--json"]
        done = subprocess.run(cmd, env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"fedlab idp {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return json.loads(done.stdout)

    def create_account(self, *extra: str) -> dict:
        """Create a standard account (phone login, known password) with the CLI and remember it."""
        args = ["account", "create", "--last-name", "Иванова", "--first-name", "Мария", "--middle-name", "Петровна"]
        args += ["--phone", PHONE, "--email", "maria@example.ru", "--password", PASSWORD, *extra]
        self.account = self.fedlab(*args)
        return self.account

    def create_client(self, client_id: str, secret: str | None, redirect_uri: str, *extra: str) -> dict:
        """Register a client with the CLI and remember it."""
        args = ["client", "create", "--client-id", client_id, "--redirect-uri", redirect_uri, *extra]
        if secret:
            args += ["--secret", secret]
        self.clients[client_id] = self.fedlab(*args)
        return self.clients[client_id]


def idp_env(database_url: str, port: int, workdir: Path, **settings: str) -> dict[str, str]:
    """Return the process environment for an IdP on ``port`` with ``database_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDLAB_")}
    env.update(
        {
            "FEDLAB_IDP_DATABASE_URL": database_url,
            "FEDLAB_IDP_ISSUER": f"http://127.0.0.1:{port}",
            "FEDLAB_IDP_PORT": str(port),
            "FEDLAB_INSTANCE_DIR": str(workdir),
            "PYTHONPATH": str(ROOT),
            **{f"FEDLAB_IDP_{k}": v for k, v in CHEAP_ARGON2.items()},
            **{f"FEDLAB_IDP_{k}": v for k, v in settings.items()},
        }
    )
    return env


def create_schema(env: dict[str, str]) -> None:
    """Create the IdP tables from the models (the same schema the migrations describe)."""
    code = "from idp import create_app\nfrom idp.db import db\nwith create_app().app_context(): db.create_all()"
    subprocess.run([_python(), "-c", code], env=env, cwd=ROOT, check=True, timeout=120)


def _wait_ready(base_url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}")
        try:
            if requests.get(base_url + "/.well-known/openid-configuration", timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow on a busy machine
            pass
        time.sleep(0.2)
    raise RuntimeError("the IdP did not start in time")


def stop(proc: subprocess.Popen) -> None:
    """Stop gunicorn (its whole process group) and wait for it."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


@contextmanager
def serve_idp(database_url: str | None = None, workers: int = 1, threads: int = 1, **settings: str) -> Iterator[LabIdP]:
    """Create a schema, then serve the IdP with gunicorn on a free loopback port until the block ends."""
    with tempfile.TemporaryDirectory(prefix="fedlab-lab-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        url = database_url or f"sqlite:///{workdir / 'idp.sqlite'}"
        env = idp_env(url, port, workdir, **settings)
        create_schema(env)
        log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115  (closed below)
        cmd = [
            _python(),
            "-m",
            "gunicorn",
            "idp:create_app()",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ]
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            lab = LabIdP(base_url=f"http://127.0.0.1:{port}", env=env, workdir=workdir)
            _wait_ready(lab.base_url, proc)
            yield lab
        except BaseException:
            log.flush()
            sys.stderr.write((workdir / "gunicorn.log").read_text()[-4000:])
            raise
        finally:
            stop(proc)
            log.close()


# --- a minimal browser: HTML forms and redirects ----------------------------------------------------


class _FormParser(HTMLParser):
    """Collect each ``<form>`` with its action, method, inputs and submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": {}})
        elif self.forms and tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "submit" if tag == "button" else "text")
            if kind in ("submit", "image"):
                self.forms[-1].setdefault("buttons", {})[a["name"]] = a.get("value", "")
            else:
                self.forms[-1]["fields"][a["name"]] = a.get("value", "")


def forms_of(html: str) -> list[dict]:
    """Return the forms of an HTML page (action, method, fields, buttons)."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def follow(session: requests.Session, response: requests.Response, stop_prefix: str) -> requests.Response:
    """Follow redirects by hand until one points at ``stop_prefix`` (that response is returned) or a page."""
    for _ in range(20):
        location = response.headers.get("Location")
        if response.status_code not in (301, 302, 303, 307) or not location:
            return response
        target = urljoin(response.url, location)
        if target.startswith(stop_prefix):
            return response
        response = session.get(target, allow_redirects=False, timeout=30)
    raise RuntimeError("too many redirects")


def submit(session: requests.Session, page: requests.Response, values: dict, button: str | None = None):
    """Fill the POST form of ``page`` that has ``values``' fields and ``button`` (keeping hidden fields), submit it."""
    form = next(
        f
        for f in forms_of(page.text)
        if f["method"] == "post" and set(values) <= set(f["fields"]) and (not button or button in f.get("buttons", {}))
    )
    data = {**form["fields"], **values}
    if button:
        data[button] = form.get("buttons", {}).get(button, "1") or "1"
    return session.post(urljoin(page.url, form["action"]), data=data, allow_redirects=False, timeout=30)


def browser_login(session: requests.Session, authorize_url: str, redirect_uri: str, login: str, password: str):
    """Open ``authorize_url``, log in, grant consent if asked, and return the final redirect to the client."""
    response = session.get(authorize_url, allow_redirects=False, timeout=30)
    response = follow(session, response, redirect_uri)
    for _ in range(3):
        if response.status_code in (301, 302, 303, 307):
            return response
        if response.status_code != 200:
            raise RuntimeError(f"unexpected page {response.status_code} at {response.url}: {response.text[:300]}")
        names = {n for f in forms_of(response.text) for n in f["fields"]}
        if "password" in names:
            response = submit(session, response, {"login": login, "password": password})
        elif "Предоставить" in response.text:
            response = submit(session, response, {}, button="allow")
        else:
            raise RuntimeError(f"unexpected page at {response.url}: {response.text[:300]}")
        response = follow(session, response, redirect_uri)
    raise RuntimeError("the login did not come back to the client")
