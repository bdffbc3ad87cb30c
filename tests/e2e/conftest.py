"""The lab as a newcomer runs it: ``fedlab setup`` then ``fedlab serve`` (gunicorn) on free loopback ports,
and headless Chromium driven by Playwright.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

FEDLAB = str(Path(sys.executable).with_name("fedlab"))


def free_port() -> int:
    """Return a TCP port that is free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """Both apps served on loopback, and the environment they were started with."""

    idp_url: str
    rp_url: str
    env: dict[str, str]
    process: subprocess.Popen
    log_path: Path

    def fedlab(self, *args: str) -> subprocess.CompletedProcess:
        """Run a ``fedlab`` command against the served lab's databases."""
        return subprocess.run([FEDLAB, *args], env=self.env, capture_output=True, text=True, timeout=120)

    @property
    def api(self):
        """Return the lab APIs of both served apps (what ``fedlab scenario|reset`` call, from this process)."""
        from fedlab.scenarios import Lab as LabApi

        return LabApi(self.idp_url, self.rp_url)

    def reset(self) -> None:
        """Return both apps to the demo state (``fedlab reset``'s calls, without starting a process)."""
        self.api.reset(demo=True)

    def load(self, name: str):
        """Put both apps in the scenario's state (``fedlab scenario load NAME``'s calls); return the scenario."""
        from shared import scenarios

        scenario = scenarios.load(name)
        self.api.load(scenario)
        return scenario


def wait_healthy(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    """Wait until ``url/healthz`` answers 200, failing early if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"fedlab serve exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy:\n{log_path.read_text()[-3000:]}")


def start_lab(tmp: Path, extra_env: dict[str, str] | None = None) -> Lab:
    """Set up fresh databases in ``tmp`` and serve both apps; the caller stops the process."""
    idp_port, rp_port = free_port(), free_port()
    env = {
        **os.environ,
        "FEDLAB_INSTANCE_DIR": str(tmp),
        "FEDLAB_IDP_PORT": str(idp_port),
        "FEDLAB_RP_PORT": str(rp_port),
        # Where `fedlab scenario|reset` find the served apps.
        "FEDLAB_IDP_URL": f"http://127.0.0.1:{idp_port}",
        "FEDLAB_RP_URL": f"http://127.0.0.1:{rp_port}",
        "FEDLAB_IDP_ARGON2_TIME_COST": "1",
        "FEDLAB_IDP_ARGON2_MEMORY_COST": "8",
        "FEDLAB_IDP_ARGON2_PARALLELISM": "1",
        "FEDLAB_RP_ARGON2_TIME_COST": "1",
        "FEDLAB_RP_ARGON2_MEMORY_COST": "8",
        "FEDLAB_RP_ARGON2_PARALLELISM": "1",
        # The browser tests drive the apps on 127.0.0.1 (test_serve.py checks the idp.localhost / rp.localhost names).
        "FEDLAB_HOST_NAMES": "0",
        **(extra_env or {}),
    }
    env.pop("DATABASE_URL", None)
    setup = subprocess.run([FEDLAB, "setup"], env=env, capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    log_path = tmp / "serve.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [FEDLAB, "serve", "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()  # the server writes through its own copy of the descriptor
    lab = Lab(f"http://127.0.0.1:{idp_port}", f"http://127.0.0.1:{rp_port}", env, process, log_path)
    try:
        wait_healthy(lab.idp_url, process, log_path)
        wait_healthy(lab.rp_url, process, log_path)
    except Exception:
        stop_lab(lab)
        raise
    return lab


def stop_lab(lab: Lab) -> int:
    """Stop the lab the way a person does (Ctrl-C) and return ``fedlab serve``'s exit status."""
    if lab.process.poll() is None:
        lab.process.send_signal(signal.SIGINT)
        try:
            lab.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(lab.process.pid, signal.SIGKILL)
            lab.process.wait()
    return lab.process.returncode


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Both apps served by gunicorn on free loopback ports with the demo data, for the whole session."""
    lab = start_lab(tmp_path_factory.mktemp("lab"))
    yield lab
    stop_lab(lab)


@pytest.fixture(scope="module")
def demo_lab(lab):
    """The session's lab returned to the demo state (other test files load scenarios into it)."""
    lab.reset()
    return lab


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's package) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request, tmp_path_factory):
    """A fresh browser context and page; a screenshot is kept when the test fails."""
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        shot = tmp_path_factory.getbasetemp() / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item (for the failure screenshot)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
