"""Benchmark complete Gosuslugi logins into the diary, both apps under gunicorn on loopback.

Each login is a fresh browser: diary ``/login/esia/dvinaland`` → «Войти через ГосУслуги» → IdP login page →
login POST → consent (when the IdP asks) → diary callback (the diary redeems the code, checks the ID token,
fetches userinfo and finds the link) → diary page. The people are demo people already linked
(``vasiliev``), so every login after the first is a re-login. One round runs sequentially, one with
a small thread pool; the script prints logins/s and latency percentiles per step and overall, with
the argon2 parameters both apps use.

    python bench/logins.py [--logins 100] [--workers 4] [--server-workers 2] [--cheap-argon2]
    python bench/logins.py --postgres                       # own databases on 127.0.0.1:5432 (db "test")
    python bench/logins.py --database-url-idp URL --database-url-rp URL
    python bench/logins.py --profile                        # cProfile both servers, print our hottest code

Everything lives in a temporary directory (or databases of its own) and is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.token_endpoint import percentile  # noqa: E402
from shared.demo_people import DEMO_IDP_PASSWORD  # noqa: E402
from shared.demo_people import DEMO_PEOPLE  # noqa: E402
from tests.helpers.served_idp import ROOT  # noqa: E402
from tests.helpers.served_idp import _python  # noqa: E402
from tests.helpers.served_idp import forms_of  # noqa: E402
from tests.helpers.served_idp import free_port  # noqa: E402
from tests.helpers.served_idp import stop  # noqa: E402

REGION = "dvinaland"
CHEAP = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "8", "ARGON2_PARALLELISM": "1"}
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
#: The steps reported, in login order (``overall`` is the whole login).
STEPS = (
    "diary_entry",
    "idp_pages",
    "idp_login",
    "consent",
    "diary_callback",
    "diary_consent",
    "diary_page",
    "overall",
)
MAX_REQUESTS = 25

#: gunicorn config for ``--profile``: one cProfile per worker, enabled only while a request runs.
PROFILE_CONF = """
import cProfile, os
_profile = cProfile.Profile()

def pre_request(worker, req):
    _profile.enable()

def post_request(worker, req, environ, resp):
    _profile.disable()

def worker_exit(server, worker):
    _profile.dump_stats(os.path.join(os.environ["FEDLAB_BENCH_PROFILE_DIR"], f"{APP}-{os.getpid()}.prof"))
"""


class LoginFailed(RuntimeError):
    """A login did not end on a diary page."""


def linked_people() -> list[tuple[str, str]]:
    """Return (IdP login, diary login) of the demo people linked on both sides by ``fedlab setup``."""
    return [(p.phone, p.rp_login) for p in DEMO_PEOPLE if p.linked and p.phone and p.rp_login]


def one_login(idp_url: str, rp_url: str, login: str, password: str) -> dict[str, float]:
    """Run one complete login as a fresh browser; return the seconds spent per step and overall."""
    spent: dict[str, float] = defaultdict(float)
    started = time.perf_counter()
    jars = {"idp": requests.Session(), "rp": requests.Session()}
    method, url, data = "GET", f"{rp_url}/login/esia/{REGION}", None
    try:
        for _ in range(MAX_REQUESTS):
            side = "idp" if url.startswith(idp_url) else "rp"
            path = url[len(idp_url if side == "idp" else rp_url) :]
            step = _step(side, method, path, data)
            t0 = time.perf_counter()
            response = jars[side].request(method, url, data=data, allow_redirects=False, timeout=60)
            spent[step] += time.perf_counter() - t0
            if response.status_code in (301, 302, 303, 307, 308):
                method, url, data = "GET", urljoin(url, response.headers["Location"]), None
                continue
            if response.status_code != 200:
                raise LoginFailed(f"{method} {path} -> {response.status_code}: {response.text[:300]}")
            forms = [f for f in forms_of(response.text) if f["method"] == "post"]
            login_form = next((f for f in forms if {"login", "password"} <= set(f["fields"])), None)
            consent_form = next((f for f in forms if "allow" in f.get("buttons", {})), None)
            start_form = next((f for f in forms if "esia_start" in f.get("buttons", {})), None)
            if side == "idp" and login_form is not None:
                data = {**login_form["fields"], "login": login, "password": password}
                method, url = "POST", urljoin(url, login_form["action"] or url)
            elif side == "idp" and consent_form is not None:
                data = {**consent_form["fields"], "allow": consent_form["buttons"]["allow"] or "1"}
                method, url = "POST", urljoin(url, consent_form["action"] or url)
            elif side == "rp" and path.startswith("/login/esia/") and start_form is not None:
                # The region's login page: press «Войти через ГосУслуги» (a POST with the page's CSRF token).
                data = {**start_form["fields"], "esia_start": "1"}
                method, url = "POST", urljoin(url, start_form["action"] or url)
            elif side == "rp" and path.startswith("/consent") and forms and "accept" in forms[0].get("buttons", {}):
                # The diary's personal-data consent, asked once per person (on the warm-up login).
                data = {**forms[0]["fields"], "accept": forms[0]["buttons"]["accept"] or "1"}
                method, url = "POST", urljoin(url, forms[0]["action"] or url)
            elif side == "rp" and path.startswith("/diary"):
                spent["overall"] = time.perf_counter() - started
                return dict(spent)
            else:
                raise LoginFailed(f"unexpected page {method} {url}: {response.text[:300]}")
        raise LoginFailed(f"more than {MAX_REQUESTS} requests")
    finally:
        for jar in jars.values():
            jar.close()


def _step(side: str, method: str, path: str, data: dict | None) -> str:
    if side == "rp" and not (method == "POST" and data and "accept" in data):
        if path.startswith("/login/esia/"):
            return "diary_entry"
        return "diary_callback" if path.startswith("/login/callback") else "diary_page"
    if method == "POST" and data and "password" in data:
        return "idp_login"
    if method == "POST" and data and "allow" in data:
        return "consent"
    if side == "rp" and method == "POST" and data and "accept" in data:
        return "diary_consent"
    return "idp_pages"


def run(idp_url: str, rp_url: str, logins: int, workers: int) -> dict:
    """Run ``logins`` logins with ``workers`` threads (1 = sequential) and return the figures."""
    people = linked_people()
    jobs = [people[i % len(people)] for i in range(logins)]
    started = time.perf_counter()
    if workers <= 1:
        results = [one_login(idp_url, rp_url, login, DEMO_IDP_PASSWORD) for login, _ in jobs]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda job: one_login(idp_url, rp_url, job[0], DEMO_IDP_PASSWORD), jobs))
    elapsed = time.perf_counter() - started
    steps = {}
    for step in STEPS:
        values = [r[step] for r in results if step in r]
        if values:
            steps[step] = {
                "count": len(values),
                **{f"p{p}_ms": percentile(values, p) * 1000 for p in (50, 95, 99)},
            }
    return {"workers": workers, "logins": logins, "seconds": elapsed, "logins_per_s": logins / elapsed, "steps": steps}


def print_figures(figures: dict) -> None:
    """Print one round's throughput and per-step latency percentiles."""
    mode = "sequential" if figures["workers"] <= 1 else f"{figures['workers']} client threads"
    print(
        f"\n{mode}: {figures['logins']} logins in {figures['seconds']:.1f} s = {figures['logins_per_s']:.2f} logins/s"
    )
    print(f"  {'step':<15} {'count':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for step, f in figures["steps"].items():
        print(f"  {step:<15} {f['count']:>5} {f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f} {f['p99_ms']:>8.1f}")


# --- the servers -------------------------------------------------------------------------------------


@contextmanager
def postgres_databases():
    """Create two databases of our own on the local PostgreSQL server; yield their URLs; drop them."""
    import psycopg

    names = {app: f"fedlab_bench_{os.getpid()}_{app}" for app in ("idp", "rp")}
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {app: f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}" for app, name in names.items()}
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def lab_env(workdir: Path, urls: dict[str, str | None], cheap: bool) -> dict[str, str]:
    """Return the environment of both apps: free ports, the temporary instance dir, databases, argon2."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDLAB_") and k != "DATABASE_URL"}
    env.update(
        {
            "FEDLAB_INSTANCE_DIR": str(workdir),
            "FEDLAB_IDP_PORT": str(free_port()),
            "FEDLAB_RP_PORT": str(free_port()),
            "PYTHONPATH": str(ROOT),
        }
    )
    for app in ("idp", "rp"):
        prefix = f"FEDLAB_{app.upper()}_"
        env[prefix + "DATABASE_URL"] = urls.get(app) or f"sqlite:///{workdir / (app + '.sqlite')}"
        if cheap:
            env.update({prefix + k: v for k, v in CHEAP.items()})
    return env


def argon2_parameters(env: dict[str, str]) -> dict[str, dict]:
    """Return the argon2 parameters each app is configured with (read by the apps' own config code)."""
    code = (
        "import json\nfrom idp.config import build_config as i\nfrom rp.config import build_config as r\n"
        "keys = ('ARGON2_TIME_COST', 'ARGON2_MEMORY_COST', 'ARGON2_PARALLELISM')\n"
        "print(json.dumps({'idp': {k: i()[k] for k in keys}, 'rp': {k: r()[k] for k in keys}}))"
    )
    done = subprocess.run([_python(), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn for {url} exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy:\n{log.read_text()[-3000:]}")


@contextmanager
def serve(app: str, env: dict[str, str], workers: int, profile_dir: Path | None):
    """Serve ``app`` (idp or rp) with gunicorn on its loopback port until the block ends; yield its URL."""
    port = env[f"FEDLAB_{app.upper()}_PORT"]
    workdir = Path(env["FEDLAB_INSTANCE_DIR"])
    log = workdir / f"{app}-gunicorn.log"
    cmd = [_python(), "-m", "gunicorn", f"{app}:create_app()", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(workers), "--log-level", "warning", "--timeout", "120"]
    env = dict(env)
    if profile_dir is not None:
        conf = workdir / f"{app}-profile.conf.py"
        conf.write_text(f"APP = {app!r}\n" + PROFILE_CONF)
        cmd += ["-c", str(conf)]
        env["FEDLAB_BENCH_PROFILE_DIR"] = str(profile_dir)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, log)
            yield url
        finally:
            stop(proc)


def print_profile(profile_dir: Path, limit: int = 25) -> None:
    """Print the servers' hottest functions of our own code (cumulative time), then overall own time."""
    files = sorted(str(p) for p in profile_dir.glob("*.prof"))
    if not files:
        print("no profile written")
        return
    for app in ("idp", "rp"):
        mine = [f for f in files if Path(f).name.startswith(app + "-")]
        if not mine:
            continue
        stats = pstats.Stats(*mine, stream=sys.stdout)
        print(f"\n--- {app}: our code by cumulative time ---")
        stats.sort_stats("cumulative").print_stats(rf"{ROOT.name}/(idp|rp|fedlab|shared)/", limit)
        print(f"--- {app}: any code by own time ---")
        stats.sort_stats("tottime").print_stats(limit)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, set up and serve both apps, run both rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--logins", type=int, default=100, help="logins per round (default 100)")
    parser.add_argument("--workers", type=int, default=4, help="client threads of the concurrent round (1..16)")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn workers per app (default 2)")
    parser.add_argument("--database-url-idp", help="the IdP's database (used as is; default: temporary SQLite)")
    parser.add_argument("--database-url-rp", help="the diary's database (used as is; default: temporary SQLite)")
    parser.add_argument("--postgres", action="store_true", help="create and drop own databases on 127.0.0.1:5432")
    parser.add_argument("--cheap-argon2", action="store_true", help="argon2 at its cheapest instead of the defaults")
    parser.add_argument("--profile", action="store_true", help="cProfile both servers and print the hot spots")
    args = parser.parse_args(argv)
    logins = max(1, min(args.logins, 10_000))
    workers = max(1, min(args.workers, 16))

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fedlab-bench-")))
        urls = {"idp": args.database_url_idp, "rp": args.database_url_rp}
        if args.postgres:
            urls = stack.enter_context(postgres_databases())
        env = lab_env(workdir, urls, args.cheap_argon2)
        setup = subprocess.run(
            [str(Path(_python()).with_name("fedlab")), "setup"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        if setup.returncode != 0:
            raise SystemExit(f"fedlab setup failed:\n{setup.stdout}{setup.stderr}")
        profile_dir = None
        if args.profile:
            profile_dir = workdir / "profiles"
            profile_dir.mkdir()
        with (
            serve("idp", env, args.server_workers, profile_dir) as idp_url,
            serve("rp", env, args.server_workers, profile_dir) as rp_url,
        ):
            login, _ = linked_people()[0]
            # The first login also shows both consent pages (remembered afterwards), fills keys and caches.
            first = one_login(idp_url, rp_url, login, DEMO_IDP_PASSWORD)
            params = argon2_parameters(env)
            print(f"fedlab IdP at {idp_url}, diary at {rp_url}; gunicorn {args.server_workers} sync workers each")
            print(f"databases: {'PostgreSQL' if any(urls.values()) else 'SQLite (temporary files)'}")
            for app, p in params.items():
                print(
                    f"argon2id ({app}): time_cost={p['ARGON2_TIME_COST']} memory_cost={p['ARGON2_MEMORY_COST']} KiB "
                    f"parallelism={p['ARGON2_PARALLELISM']}"
                )
            print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
            print(f"people: {', '.join(rp for _, rp in linked_people())} (already linked: re-logins)")
            print(
                "first login (IdP consent and diary consent shown once): "
                + ", ".join(f"{step} {first[step] * 1000:.1f} ms" for step in STEPS if step in first)
            )
            print_figures(run(idp_url, rp_url, logins, 1))
            print_figures(run(idp_url, rp_url, logins, workers))
        if profile_dir is not None:
            print_profile(profile_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
