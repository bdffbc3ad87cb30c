"""A server killed (SIGKILL, master and worker) mid-registration or mid-verification leaves no half-written
data, and the person finishes after a restart; a registry check pending at the crash completes on the first
request after the restart.

"Mid-request" is made deterministic without any fault hook in the app: the test holds SQLite's write lock
(``BEGIN IMMEDIATE``) while the request runs, so the request can read but cannot commit; the server is killed
while the request is in flight, then the lock is released. Whatever the request had written before the kill
existed only in its uncommitted transaction, which must leave no trace.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import FEDLAB
from tests.e2e.conftest import free_port
from tests.e2e.conftest import wait_healthy
from tests.helpers.forms import csrf_token
from tests.idp.profile_helpers import PROFILE

pytestmark = pytest.mark.e2e

PHONE = "+79123456789"
PASSWORD = "Qwerty+123"


@dataclass
class Server:
    """The IdP served by gunicorn (one worker) on a SQLite file; restartable on the same port and database."""

    tmp: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.tmp / "idp.sqlite"

    def start(self) -> None:
        log_path = self.tmp / "idp.log"
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "1"]
        command += ["--timeout", "60", "--no-control-socket", "idp:create_app()"]
        with log_path.open("a") as log:  # the server writes through its own copy of the descriptor
            self.process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_healthy(self.url, self.process, log_path)

    def kill(self) -> None:
        """SIGKILL the whole server (master and worker): no shutdown code runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def fedlab(self, *args: str) -> str:
        done = subprocess.run([FEDLAB, "idp", *args], env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def count(self, sql: str, *params) -> int:
        with sqlite3.connect(self.database) as conn:
            return conn.execute(sql, params).fetchone()[0]

    def row(self, sql: str, *params) -> tuple:
        with sqlite3.connect(self.database) as conn:
            return conn.execute(sql, params).fetchone()


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    env = {
        **os.environ,
        "FEDLAB_INSTANCE_DIR": str(tmp_path),
        "FEDLAB_IDP_SECRET_KEY": "crash-test-secret",  # the session cookie outlives the restart
        "FEDLAB_IDP_ARGON2_TIME_COST": "1",
        "FEDLAB_IDP_ARGON2_MEMORY_COST": "8",
        "FEDLAB_IDP_ARGON2_PARALLELISM": "1",
    }
    env.pop("DATABASE_URL", None)
    port = free_port()
    env["FEDLAB_IDP_ISSUER"] = f"http://127.0.0.1:{port}"
    srv = Server(tmp_path, port, env)
    srv.fedlab("db", "upgrade")
    srv.start()
    yield srv
    if srv.process is not None and srv.process.poll() is None:
        srv.kill()


def post_form(browser: requests.Session, base: str, path: str, **data) -> requests.Response:
    """GET the page, then POST its form with the CSRF token (redirects not followed)."""
    page = browser.get(base + path)
    assert page.status_code == 200, (path, page.status_code)
    return browser.post(base + path, data={"csrf_token": csrf_token(page.text), **data}, allow_redirects=False)


class WriteLock:
    """Hold SQLite's write lock: requests keep reading but none can commit until :meth:`release`."""

    def __init__(self, database: Path) -> None:
        self.conn = sqlite3.connect(database, isolation_level=None, timeout=30)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def kill_in_flight(server: Server, send) -> None:
    """Run ``send()`` in a thread while the write lock is held; kill the server while it is in flight."""
    lock = WriteLock(server.database)
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["response"] = send()
        except requests.RequestException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    # The request is blocked on the lock (it cannot commit); give the worker time to reach its first write.
    # Killing earlier would prove less but never make the test pass wrongly: nothing can commit either way.
    time.sleep(1.5)
    assert "response" not in outcome, "the request finished although it could not commit"
    server.kill()
    thread.join(timeout=30)
    lock.release()
    assert "error" in outcome, outcome  # the connection died with the server: no answer was given


def register_until_password(server: Server, browser: requests.Session) -> None:
    """Registration steps 1 and 2: personal data, then the SMS code (read with ``fedlab idp inbox``)."""
    start = post_form(
        browser,
        server.url,
        "/registration",
        last_name="Иванов",
        first_name="Иван",
        phone=PHONE,
        email="ivan@example.ru",
        channel="sms",
    )
    assert start.status_code == 302 and start.headers["Location"].endswith("/registration/confirm")
    code = re.search(r"\b(\d{6})\b", server.fedlab("inbox", "--to", PHONE)).group(1)
    confirmed = post_form(browser, server.url, "/registration/confirm", code=code)
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/registration/password")


def test_registration_killed_between_steps_and_mid_request(server):
    browser = requests.Session()
    register_until_password(server, browser)

    # Killed between steps: the confirmed pending registration survives, no account exists yet.
    server.kill()
    assert server.count("SELECT count(*) FROM pending_registration") == 1
    assert server.count("SELECT count(*) FROM account") == 0
    server.start()

    # Killed while the last step (which creates the account) is in flight.
    page = browser.get(server.url + "/registration/password")
    assert page.status_code == 200
    token = csrf_token(page.text)
    kill_in_flight(
        server,
        lambda: browser.post(
            server.url + "/registration/password",
            data={"csrf_token": token, "password": PASSWORD, "password_repeat": PASSWORD},
            allow_redirects=False,
            timeout=30,
        ),
    )
    assert server.count("SELECT count(*) FROM account") == 0
    assert server.count("SELECT count(*) FROM pending_registration") == 1

    # After a restart the same browser finishes, and exactly one account exists.
    server.start()
    done = post_form(browser, server.url, "/registration/password", password=PASSWORD, password_repeat=PASSWORD)
    assert done.status_code == 302 and done.headers["Location"].endswith("/registration/done"), done.text[:500]
    assert server.count("SELECT count(*) FROM account WHERE phone = ?", PHONE) == 1
    assert server.count("SELECT count(*) FROM pending_registration") == 0


def test_verification_killed_mid_submission_then_pending_check_completes_after_restart(server):
    browser = requests.Session()
    register_until_password(server, browser)
    done = post_form(browser, server.url, "/registration/password", password=PASSWORD, password_repeat=PASSWORD)
    assert done.status_code == 302
    data = {k: v for k, v in PROFILE.items()}

    # Killed while the profile submission (profile data + a registry check) is in flight: nothing of it stays.
    page = browser.get(server.url + "/profile/edit")
    token = csrf_token(page.text)
    kill_in_flight(
        server,
        lambda: browser.post(
            server.url + "/profile/edit", data={"csrf_token": token, **data}, allow_redirects=False, timeout=30
        ),
    )
    assert server.count("SELECT count(*) FROM verification_check") == 0
    assert server.row("SELECT profile_status, snils FROM account") == ("empty", None)

    # Restarted: the person submits again; the check is pending on the lab clock.
    server.start()
    submitted = post_form(browser, server.url, "/profile/edit", **data)
    assert submitted.status_code == 302, submitted.text[:1000]
    assert server.row("SELECT profile_status FROM account") == ("pending",)
    assert server.count("SELECT count(*) FROM verification_check WHERE status = 'pending'") == 1

    # Killed while the check is pending; the lab clock moves past any delay (the stored offset, as another
    # instance moving the clock leaves it, without running the check), then the server comes back.
    server.kill()
    with sqlite3.connect(server.database) as conn:
        conn.execute(
            "INSERT INTO lab_setting (key, value) VALUES ('clock_offset_seconds', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(6 * 86400),),
        )
    assert server.count("SELECT count(*) FROM verification_check WHERE status = 'pending'") == 1
    server.start()  # the health check is the first request

    # The first request after the restart completed the check.
    assert server.count("SELECT count(*) FROM verification_check WHERE status = 'pending'") == 0
    assert server.count("SELECT count(*) FROM verification_check WHERE completed_at IS NOT NULL") == 1
    status = server.row("SELECT profile_status FROM account")[0]
    assert status in ("confirmed", "rejected")
    profile = browser.get(server.url + "/profile")
    assert profile.status_code == 200
