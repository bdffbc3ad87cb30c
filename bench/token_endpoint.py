"""Benchmark complete logins (authorize → login → consent → token → userinfo) and the token endpoint.

Serves a throw-away IdP with gunicorn on loopback, creates an account and a confidential client,
then runs N logins sequentially and N with a small thread pool, each as a fresh browser
(``prompt=consent`` so every login shows the consent page), and prints logins/s and the token
endpoint's latency percentiles.

    python bench/token_endpoint.py [--logins 200] [--workers 4] [--server-workers 2]
    python bench/token_endpoint.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import platform
import secrets
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.served_idp import CHEAP_ARGON2  # noqa: E402
from tests.helpers.served_idp import PASSWORD  # noqa: E402
from tests.helpers.served_idp import PHONE  # noqa: E402
from tests.helpers.served_idp import browser_login  # noqa: E402
from tests.helpers.served_idp import serve_idp  # noqa: E402

REDIRECT = "http://127.0.0.1:9/callback"
CLIENT_ID = "bench"
SECRET = "bench-secret-0123456789abcdef"


def one_login(base_url: str) -> float:
    """Run one complete login as a fresh browser plus the client; return the token request's latency (s)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(12)
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "openid profile email phone",
        "state": state,
        "nonce": secrets.token_urlsafe(12),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "prompt": "consent",
    }
    with requests.Session() as browser:
        response = browser_login(browser, f"{base_url}/authorize?{urlencode(params)}", REDIRECT, PHONE, PASSWORD)
    got = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}
    if got.get("state") != state or "code" not in got:
        raise RuntimeError(f"bad authorization response: {got}")
    form = {
        "grant_type": "authorization_code",
        "code": got["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    started = time.perf_counter()
    token = requests.post(f"{base_url}/token", data=form, auth=(CLIENT_ID, SECRET), timeout=30)
    latency = time.perf_counter() - started
    if token.status_code != 200:
        raise RuntimeError(f"token endpoint said {token.status_code}: {token.text[:200]}")
    userinfo = requests.get(
        f"{base_url}/userinfo", headers={"Authorization": "Bearer " + token.json()["access_token"]}, timeout=30
    )
    if userinfo.status_code != 200 or "sub" not in userinfo.json():
        raise RuntimeError(f"userinfo said {userinfo.status_code}: {userinfo.text[:200]}")
    return latency


def percentile(values: list[float], pct: float) -> float:
    """Return the ``pct`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def run(base_url: str, logins: int, workers: int) -> dict:
    """Run ``logins`` logins with ``workers`` threads (1 = sequential) and return the figures."""
    started = time.perf_counter()
    if workers <= 1:
        latencies = [one_login(base_url) for _ in range(logins)]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            latencies = list(pool.map(lambda _: one_login(base_url), range(logins)))
    elapsed = time.perf_counter() - started
    return {
        "workers": workers,
        "logins": logins,
        "seconds": elapsed,
        "logins_per_s": logins / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
    }


@contextmanager
def own_postgres_database(admin_url: str):
    """Create a database of our own on the server of ``admin_url``, yield its SQLAlchemy URL, drop it."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(admin_url.replace("postgresql+psycopg://", "postgresql://"))
    name = f"fedlab_bench_{os.getpid()}"
    conninfo = parts._replace(scheme="postgresql").geturl()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield parts._replace(scheme="postgresql+psycopg", path="/" + name).geturl()
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _print(figures: dict) -> None:
    mode = "sequential" if figures["workers"] <= 1 else f"{figures['workers']} threads"
    print(
        f"{mode:>12}: {figures['logins']} logins in {figures['seconds']:.1f} s "
        f"= {figures['logins_per_s']:.1f} logins/s; "
        f"token endpoint p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms (mean {figures['mean_ms']:.1f} ms)"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, serve the IdP, run both rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--logins", type=int, default=200, help="logins per round (default 200)")
    parser.add_argument("--workers", type=int, default=4, help="client threads of the concurrent round (1..16)")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--database-url", help="PostgreSQL server to use (a database of our own is created)")
    args = parser.parse_args(argv)
    logins = max(1, min(args.logins, 100_000))
    workers = max(1, min(args.workers, 16))

    @contextmanager
    def database():
        if args.database_url:
            with own_postgres_database(args.database_url) as url:
                yield url
        else:
            yield None

    with database() as url, serve_idp(url, workers=args.server_workers) as lab:
        lab.create_account()
        lab.create_client(CLIENT_ID, SECRET, REDIRECT, "--name", "Нагрузочный тест")
        one_login(lab.base_url)  # warm-up (keys generated, caches filled)
        print(f"fedlab IdP at {lab.base_url}, gunicorn {args.server_workers} sync workers")
        print(f"database: {'PostgreSQL' if url else 'SQLite (temporary file)'}")
        print(
            "argon2id: time_cost={ARGON2_TIME_COST} memory_cost={ARGON2_MEMORY_COST} KiB "
            "parallelism={ARGON2_PARALLELISM}".format(**CHEAP_ARGON2)
        )
        print(
            f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}"
        )
        _print(run(lab.base_url, logins, 1))
        _print(run(lab.base_url, logins, workers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
