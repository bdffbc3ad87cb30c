"""Real registry ESIA clients as judges: the IdP served by gunicorn on loopback, an account, ESIA clients
registered with ``fedlab idp client create --esia-certificate``, and each library run in its own runtime.

esia-connector 0.16 gets a virtual environment of its own under ``.cache/`` (git-ignored), because it
needs PyJWT 1.x, which must stay out of the apps' environment; npm ``esia`` 0.2.3 is installed from
``tests/esia/node/package-lock.json`` by ``make esia-clients`` (``make test`` runs it).
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests

from shared import esia_crypto
from tests.helpers.served_idp import PASSWORD
from tests.helpers.served_idp import PHONE
from tests.helpers.served_idp import browser_login
from tests.helpers.served_idp import serve_idp

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"
NODE_DIR = Path(__file__).resolve().parent / "node"
DRIVERS = Path(__file__).resolve().parent / "drivers"
#: What esia-connector needs besides itself (its metadata declares no dependencies).
CONNECTOR_PACKAGES = ["esia-connector==0.16", "PyJWT<2", "requests", "pytz", "cryptography"]
#: Where the libraries are sent back to (never opened: the test reads the code from the redirect).
REDIRECT = "http://127.0.0.1:9/esia/callback"
SCOPE = "openid fullname birthdate gender snils id_doc mobile email"


@dataclass
class EsiaLab:
    """The served IdP, its test account and the certificates registered for each client."""

    lab: object
    base_url: str
    oid: int
    folder: Path
    pairs: dict[str, esia_crypto.KeyPair]

    def files(self, algorithm: str) -> tuple[str, str]:
        """Return the certificate and key files of the client pair for ``algorithm``."""
        return str(self.folder / f"{algorithm}.crt"), str(self.folder / f"{algorithm}.key")

    def register(self, client_id: str, algorithm: str, *extra: str) -> dict:
        """Register an ESIA client with the certificate of ``algorithm``, as the README tells a developer."""
        cert, _ = self.files(algorithm)
        return self.lab.create_client(client_id, None, REDIRECT, "--esia-certificate", cert, "--scope", SCOPE, *extra)

    def login(self, authorize_url: str) -> dict[str, str]:
        """Log in on the IdP's pages and grant consent; return the query the IdP redirects to the client with."""
        response = browser_login(requests.Session(), authorize_url, REDIRECT, PHONE, PASSWORD)
        location = response.headers.get("Location", "")
        assert location.startswith(REDIRECT + "?"), (response.status_code, location, response.text[:500])
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    def rsa_public_key_file(self) -> str:
        """Download the IdP's RSA verification key as the lab publishes it (PEM public key); return the file."""
        response = requests.get(self.base_url + "/esia/certificates/rsa-public-key.pem", timeout=30)
        assert response.status_code == 200 and "BEGIN PUBLIC KEY" in response.text, response.text[:300]
        path = self.folder / "esia-rsa-public.pem"
        path.write_text(response.text)
        return str(path)


@pytest.fixture(scope="module")
def esia_lab(tmp_path_factory):
    """The IdP served on loopback with a verified account (SNILS, passport) and an RSA and a GOST client pair."""
    folder = tmp_path_factory.mktemp("esia-clients")
    pairs = {alg: esia_crypto.generate_keypair(alg, f"fedlab {alg} client") for alg in esia_crypto.ALGORITHMS}
    for alg, pair in pairs.items():
        (folder / f"{alg}.crt").write_text(pair.cert_pem)
        (folder / f"{alg}.key").write_text(pair.key_pem)
    with serve_idp() as lab:
        account = lab.create_account(
            "--gender", "F", "--birth-date", "1984-03-14", "--snils", "112-233-445 95", "--level", "verified",
            "--passport-series", "1104", "--passport-number", "500001", "--passport-issue-date", "2004-04-01",
            "--passport-issued-by", "УМВД России по Архангельской области", "--passport-department-code", "290-001",
            "--birth-place", "г. Архангельск",
        )  # fmt: skip
        yield EsiaLab(lab, lab.base_url, int(account["oid"]), folder, pairs)


def _locked(name: str):
    """An exclusive lock file under ``.cache/`` (pytest-xdist workers build the same runtime once)."""
    CACHE.mkdir(exist_ok=True)
    handle = open(CACHE / f"{name}.lock", "w")  # noqa: SIM115  (closed by the caller)
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


@pytest.fixture(scope="session")
def connector_python() -> str:
    """The Python of esia-connector 0.16's own virtual environment (created once, cached in ``.cache/``)."""
    venv = CACHE / "esia-connector-0.16"
    stamp = venv / ".installed"
    lock = _locked("esia-connector")
    try:
        if not stamp.exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            done = subprocess.run([*pip, *CONNECTOR_PACKAGES], capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stdout + done.stderr
            stamp.write_text("\n".join(CONNECTOR_PACKAGES))
    finally:
        lock.close()
    return str(venv / "bin" / "python")


def run_connector(python: str, *args: str) -> dict:
    """Run the esia-connector driver in its own venv (OpenSSL with the GOST engine) and return its JSON."""
    env = esia_crypto.openssl_environment()
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [python, str(DRIVERS / "esia_connector_driver.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=DRIVERS,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def node_driver() -> list[str]:
    """The command that runs npm ``esia`` 0.2.3 (installed by ``make esia-clients`` from the lock file)."""
    if not (NODE_DIR / "node_modules" / "esia" / "package.json").exists():
        pytest.fail("npm esia is not installed: run `make esia-clients` (npm ci in tests/esia/node)")
    return ["node", str(NODE_DIR / "driver.js")]


def run_node(command: list[str], *args: str) -> dict:
    """Run the npm esia driver and return its JSON."""
    done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, cwd=NODE_DIR)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)
