"""Benchmark the lab IdP against panva's oidc-provider: complete logins with the same driver, alternating.

Both servers run on loopback on this machine: the lab IdP the way ``make run`` serves it (``fedlab
setup`` in a temporary instance directory, then gunicorn with ``fedlab.serve``'s command line, the
lab's default settings, the protocol trace on) and oidc-provider (``bench/oidc-provider``, the npm
version pinned in its package-lock.json) with one client, one account and consent granted with the
login. Each login is a fresh cookie jar: authorize → login form → login POST → consent if asked →
redirect with the code → token (client_secret_basic, PKCE) → userinfo, the ID token's signature,
issuer, audience, nonce and expiry verified against the provider's JWKS. Rounds alternate between the
two servers; the figures printed per server: logins/s and the ratio, p50/p95 of a whole login, the
server's CPU per login from ``/proc/<pid>/stat`` (utime + stime of every server process: gunicorn's
master and workers, node), and the same minus the password hash. The hash is measured apart: argon2id
verify with the IdP's configured parameters, timed in CPU seconds in this process, times the verifies
(and hashes) one login makes.

Statements and commits per login are counted in-process: the same app (same settings and database)
is driven through the Flask test client for one complete login with SQLAlchemy engine events on;
this needs no counting hook in the served IdP and counts the very code the servers run.

    python bench/oidc_provider.py [--logins 40] [--rounds 3] [--threads 4] [--cheap-argon2] [--quick]

Bounded: at most 2,000 logins per round, 10 rounds, a deadline (``--max-seconds``); everything lives
in a temporary directory and both servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.token_endpoint import percentile  # noqa: E402
from fedlab import gunicorn_conf  # noqa: E402
from tests.helpers.served_idp import ROOT  # noqa: E402
from tests.helpers.served_idp import _python  # noqa: E402
from tests.helpers.served_idp import forms_of  # noqa: E402
from tests.helpers.served_idp import free_port  # noqa: E402
from tests.helpers.served_idp import stop  # noqa: E402
from tests.helpers.statement_budgets import BUDGETS  # noqa: E402

# authlib.jose still verifies ID tokens in authlib 1.x (the apps use it too); its notice is noise here.
warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")
NODE_DIR = ROOT / "bench" / "oidc-provider"
CLIENT_ID = "bench-rp"
SECRET = "bench-secret-0123456789abcdef0123"
REDIRECT = "http://127.0.0.1:9/callback"
SCOPE = "openid profile email phone"
CHEAP = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "8", "ARGON2_PARALLELISM": "1"}
MAX_STEPS = 12


class LoginFailed(RuntimeError):
    """A login did not end with a verified ID token and a userinfo answer."""


@dataclass
class Server:
    """A provider under test: where it is, who logs in, its process for the CPU figures."""

    name: str
    issuer: str
    login: str
    password: str
    proc: subprocess.Popen
    env: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    jwks: object = None
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float = 0.0
    logins: int = 0

    def discover(self) -> None:
        """Read the discovery document and the JWKS once (as a relying party caches them)."""
        from authlib.jose import JsonWebKey

        self.meta = requests.get(self.issuer + "/.well-known/openid-configuration", timeout=10).json()
        self.jwks = JsonWebKey.import_key_set(requests.get(self.meta["jwks_uri"], timeout=10).json())


# --- one login ---------------------------------------------------------------------------------------


def one_login(server: Server) -> float:
    """Run one complete login with a fresh cookie jar; verify the ID token and userinfo; return seconds."""
    from authlib.jose import JsonWebToken

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": SCOPE,
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    started = time.perf_counter()
    with requests.Session() as browser:
        method, url, data = "GET", f"{server.meta['authorization_endpoint']}?{urlencode(query)}", None
        for _ in range(MAX_STEPS):
            response = browser.request(method, url, data=data, allow_redirects=False, timeout=60)
            location = response.headers.get("Location")
            if response.status_code in (301, 302, 303, 307, 308) and location:
                target = urljoin(url, location)
                if target.startswith(REDIRECT):
                    break
                method, url, data = "GET", target, None
                continue
            if response.status_code != 200:
                raise LoginFailed(f"{server.name}: {method} {url} -> {response.status_code}: {response.text[:200]}")
            posts = [f for f in forms_of(response.text) if f["method"] == "post"]
            login_form = next((f for f in posts if {"login", "password"} <= set(f["fields"])), None)
            consent_form = next((f for f in posts if "allow" in f.get("buttons", {})), None)
            if login_form:
                data = {**login_form["fields"], "login": server.login, "password": server.password}
                method, url = "POST", urljoin(url, login_form["action"] or url)
            elif consent_form:
                data = {**consent_form["fields"], "allow": consent_form["buttons"]["allow"] or "1"}
                method, url = "POST", urljoin(url, consent_form["action"] or url)
            else:
                raise LoginFailed(f"{server.name}: unexpected page at {url}: {response.text[:200]}")
        else:
            raise LoginFailed(f"{server.name}: more than {MAX_STEPS} requests")
    got = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
    if got.get("state") != state or "code" not in got:
        raise LoginFailed(f"{server.name}: bad authorization response {got}")
    form = {"grant_type": "authorization_code", "code": got["code"], "redirect_uri": REDIRECT}
    token = requests.post(
        server.meta["token_endpoint"], data={**form, "code_verifier": verifier}, auth=(CLIENT_ID, SECRET), timeout=60
    )
    if token.status_code != 200:
        raise LoginFailed(f"{server.name}: token endpoint said {token.status_code}: {token.text[:200]}")
    tokens = token.json()
    claims = JsonWebToken(["RS256", "ES256", "PS256"]).decode(
        tokens["id_token"],
        server.jwks,
        claims_options={
            "iss": {"essential": True, "value": server.meta["issuer"]},
            "aud": {"essential": True, "value": CLIENT_ID},
            "nonce": {"essential": True, "value": nonce},
            "exp": {"essential": True},
        },
    )
    claims.validate(leeway=5)
    info = requests.get(
        server.meta["userinfo_endpoint"], headers={"Authorization": "Bearer " + tokens["access_token"]}, timeout=60
    )
    if info.status_code != 200 or info.json().get("sub") != claims["sub"]:
        raise LoginFailed(f"{server.name}: userinfo said {info.status_code}: {info.text[:200]}")
    return time.perf_counter() - started


# --- CPU of the server processes -----------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """Return ``pid`` and all its descendants (gunicorn's master and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """Return utime + stime (seconds) of a process and its descendants, from ``/proc/<pid>/stat``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for each in _tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def run_round(server: Server, logins: int, threads: int) -> None:
    """Run ``logins`` logins on ``server`` with ``threads`` client threads; add to its figures."""
    cpu = cpu_seconds(server.proc.pid)
    started = time.perf_counter()
    if threads <= 1:
        latencies = [one_login(server) for _ in range(logins)]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            latencies = list(pool.map(lambda _: one_login(server), range(logins)))
    server.seconds += time.perf_counter() - started
    server.cpu += cpu_seconds(server.proc.pid) - cpu
    server.latencies += latencies
    server.logins += logins


# --- the servers -------------------------------------------------------------------------------------


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url + "/.well-known/openid-configuration", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start:\n{log.read_text()[-3000:]}")


def lab_env(workdir: Path, port: int, cheap: bool) -> dict[str, str]:
    """Return the environment ``make run`` would give the IdP, in a temporary instance directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDLAB_") and k != "DATABASE_URL"}
    env.update(
        {
            "FEDLAB_INSTANCE_DIR": str(workdir),
            "FEDLAB_IDP_PORT": str(port),
            "FEDLAB_RP_PORT": str(free_port()),
            "PYTHONPATH": str(ROOT),
        }
    )
    if cheap:
        env.update({f"FEDLAB_IDP_{k}": v for k, v in CHEAP.items()} | {f"FEDLAB_RP_{k}": v for k, v in CHEAP.items()})
    return env


def _fedlab(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(Path(_python()).with_name("fedlab")), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise SystemExit(f"fedlab {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def lab_idp(workdir: Path, port: int, cheap: bool):
    """Set the lab up as ``make run`` does, register the bench client, serve the IdP; yield the Server."""
    from fedlab.serve import gunicorn_command
    from shared.demo_people import DEMO_IDP_PASSWORD
    from shared.demo_people import DEMO_PEOPLE

    env = lab_env(workdir, port, cheap)
    _fedlab(env, "setup")
    _fedlab(env, "idp", "client", "create", "--client-id", CLIENT_ID, "--redirect-uri", REDIRECT, "--secret", SECRET)
    person = next(p for p in DEMO_PEOPLE if p.phone)
    log = workdir / "idp-gunicorn.log"
    command = [_python(), *gunicorn_command("idp:create_app()", port)[1:]]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            server = Server("lab IdP", f"http://127.0.0.1:{port}", person.phone, DEMO_IDP_PASSWORD, proc)
            _wait(server.issuer, proc, log)
            server.env = env
            yield server
        finally:
            stop(proc)


@contextmanager
def node_provider(workdir: Path, port: int):
    """Serve oidc-provider (installed from the lock file when missing); yield the Server."""
    if not (NODE_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=600)
    password = secrets.token_urlsafe(12)
    env = {
        **os.environ,
        "BENCH_PORT": str(port),
        "BENCH_CLIENT_ID": CLIENT_ID,
        "BENCH_CLIENT_SECRET": SECRET,
        "BENCH_REDIRECT_URI": REDIRECT,
        "BENCH_LOGIN": "+79161234567",
        "BENCH_PASSWORD": password,
        "NODE_ENV": "production",
    }
    log = workdir / "oidc-provider.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["node", "provider.mjs"],
            env=env,
            cwd=NODE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            server = Server("oidc-provider", f"http://127.0.0.1:{port}", "+79161234567", password, proc)
            _wait(server.issuer, proc, log)
            yield server
        finally:
            stop(proc)


def node_versions() -> str:
    """Return the node version and the oidc-provider version installed from the lock file."""
    lock = json.loads((NODE_DIR / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/oidc-provider"]["version"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return f"oidc-provider {version} on node {node}"


# --- in-process counts and the hash ----------------------------------------------------------------------


LAB_COUNTER = r"""
import json, sys, threading, time
CPU_LOGINS = 20
sys.path.insert(0, ".")
from sqlalchemy import event
import argon2
from bench.oidc_provider import test_client_login
from idp import create_app
from idp.db import db
from idp.oidc import trace
from idp.oidc.endpoints import tracing

app = create_app()
calls = {"verify": 0, "hash": 0}
for name in ("verify", "hash"):
    original = getattr(argon2.PasswordHasher, name)
    def counted(self, *a, _o=original, _n=name, **k):
        calls[_n] += 1
        return _o(self, *a, **k)
    setattr(argon2.PasswordHasher, name, counted)
counts = []
# One warm-up login first, as the served workers have had: the counts are the steady state (lab cache filled).
test_client_login(app, [], sys.argv[1], sys.argv[2])
trace.flush()
calls = {"verify": 0, "hash": 0}
with app.app_context():
    engine = db.engine
def on_statement(*args):
    counts[-1][1] += 1
def on_commit(conn):
    counts[-1][2] += 1
event.listen(engine, "before_cursor_execute", on_statement)
event.listen(engine, "commit", on_commit)
# Counting: the writer is held back, then written once after the login (its own line).
trace.writer = trace.TraceWriter(delay=3600.0)
test_client_login(app, counts, sys.argv[1], sys.argv[2])
counts.append(["trace writer (the login's exchanges)", 0, 0])
trace.flush()
steps, calls_made = list(counts), dict(calls)
event.remove(engine, "before_cursor_execute", on_statement)
event.remove(engine, "commit", on_commit)

# CPU of the requests (thread CPU time, so other processes and threads do not count), trace on and off;
# the trace's cost = what the requests spend queueing it + what the writer's thread spends writing it.
# Timed on a fresh app, so the counting listeners (added and removed above) cannot weigh on the figures
# (the served workers never have them).
app = create_app()
for _ in range(3):
    test_client_login(app, [], sys.argv[1], sys.argv[2])
inner = app.wsgi_app
spent = {"requests": 0.0, "queue": 0.0, "writer": 0.0}
def timed_app(environ, start_response):
    t0 = time.thread_time()
    try:
        return list(inner(environ, start_response))
    finally:
        spent["requests"] += time.thread_time() - t0
app.wsgi_app = timed_app
def timed_record(response, _record=tracing.record_exchange):
    t0 = time.thread_time()
    try:
        return _record(response)
    finally:
        spent["queue"] += time.thread_time() - t0
for funcs in app.after_request_funcs.values():
    funcs[:] = [timed_record if f is tracing.record_exchange else f for f in funcs]
writer = trace.TraceWriter()  # the served delay: batches form as they would in a worker
_flush = writer.flush
def timed_flush():
    t0 = time.thread_time()
    try:
        return _flush()
    finally:
        spent["writer"] += time.thread_time() - t0
writer.flush = timed_flush
trace.writer = writer
cpu = {}
for on in (True, False, True, False):
    app.config["OIDC_TRACE"] = on
    for k in spent:
        spent[k] = 0.0
    for _ in range(CPU_LOGINS):
        test_client_login(app, [], sys.argv[1], sys.argv[2])
    writer.flush()
    cpu.setdefault(on, []).append({k: v * 1000 / CPU_LOGINS for k, v in spent.items()})
def best(runs, key):
    return min(r[key] for r in runs)
cpu_figures = {
    "on": best(cpu[True], "requests"), "off": best(cpu[False], "requests"),
    "queue": best(cpu[True], "queue"), "writer": best(cpu[True], "writer"), "logins": CPU_LOGINS,
}
keys = ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")
params = {k: app.config[k] for k in keys}
hasher = argon2.PasswordHasher(time_cost=params[keys[0]], memory_cost=params[keys[1]], parallelism=params[keys[2]])
digest = hasher.hash("Bench+password-0")
spent_hash = {}
for name, fn in (("verify", lambda: hasher.verify(digest, "Bench+password-0")), ("hash", lambda: hasher.hash("x"))):
    fn()
    t0 = time.process_time(); w0 = time.perf_counter()
    for _ in range(5):
        fn()
    spent_hash[name] = ((time.process_time() - t0) / 5, (time.perf_counter() - w0) / 5)
print(json.dumps({"steps": steps, "argon2": params, "calls": calls_made, "cost": spent_hash, "cpu": cpu_figures}))
"""


def test_client_login(app, counts: list, login: str, password: str) -> list:
    """Run one complete login through the Flask test client, appending [request, statements, commits] per request."""
    client = app.test_client()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": SCOPE,
        "state": secrets.token_urlsafe(12),
        "nonce": secrets.token_urlsafe(12),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    def request(label: str, method: str, url: str, **kw):
        counts.append([label, 0, 0])
        return client.open(url, method=method, **kw)

    url, method, data, label = "/authorize?" + urlencode(query), "GET", None, "GET /authorize"
    for _ in range(MAX_STEPS):
        response = request(label, method, url, data=data)
        location = response.headers.get("Location")
        if response.status_code in (301, 302, 303, 307, 308) and location:
            if location.startswith(REDIRECT):
                break
            split = urlsplit(location)
            url = split.path + ("?" + split.query if split.query else "")
            method, data, label = "GET", None, "GET " + split.path
            continue
        posts = [f for f in forms_of(response.get_data(as_text=True)) if f["method"] == "post"]
        login_form = next((f for f in posts if {"login", "password"} <= set(f["fields"])), None)
        consent_form = next((f for f in posts if "allow" in f.get("buttons", {})), None)
        if login_form:
            data = {**login_form["fields"], "login": login, "password": password}
        elif consent_form:
            data = {**consent_form["fields"], "allow": consent_form["buttons"]["allow"] or "1"}
        else:
            raise LoginFailed(f"test client: unexpected page {url} {response.status_code}")
        form = login_form or consent_form
        method, url = "POST", urljoin(url, form["action"] or url)
        label = "POST " + urlsplit(url).path + (" (login)" if login_form else " (consent)")
    else:
        raise LoginFailed("test client: too many steps")
    code = parse_qs(urlsplit(location).query)["code"][0]
    auth = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    token = request("POST /token", "POST", "/token", data=form, headers={"Authorization": "Basic " + auth})
    if token.status_code != 200:
        raise LoginFailed(f"test client: token {token.status_code} {token.get_data(as_text=True)[:200]}")
    bearer = {"Authorization": "Bearer " + token.get_json()["access_token"]}
    info = request("GET /userinfo", "GET", "/userinfo", headers=bearer)
    if info.status_code != 200:
        raise LoginFailed(f"test client: userinfo {info.status_code}")
    return counts


def lab_counts(server: Server) -> dict:
    """Count statements, commits and password hashes of one login in-process (a separate Python process)."""
    done = subprocess.run(
        [_python(), "-c", LAB_COUNTER, server.login, server.password],
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"counting failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the command -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Serve both providers, alternate login rounds until done or the deadline, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--logins", type=int, default=40, help="logins per round and server (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server, alternating (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--cheap-argon2", action="store_true", help="the IdP with argon2 at its cheapest")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop starting rounds after this (900)")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 20 logins (the in-process figures as always)")
    args = parser.parse_args(argv)
    if args.quick:
        args.logins, args.rounds = min(args.logins, 20), min(args.rounds, 2)
    logins = max(1, min(args.logins, 2000))
    rounds = max(1, min(args.rounds, 10))
    threads = max(1, min(args.threads, 16))
    deadline = time.monotonic() + max(30.0, args.max_seconds)

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fedlab-bench-op-")))
        lab = stack.enter_context(lab_idp(workdir, free_port(), args.cheap_argon2))
        ref = stack.enter_context(node_provider(workdir, free_port()))
        for server in (lab, ref):
            server.discover()
            one_login(server)  # warm-up: keys, caches, JIT
        counts = lab_counts(lab)
        load = os.getloadavg()
        done_rounds = 0
        for r in range(rounds):
            if time.monotonic() > deadline:
                break
            for server in (lab, ref) if r % 2 == 0 else (ref, lab):
                run_round(server, logins, threads)
            done_rounds += 1
        print_figures(lab, ref, counts, done_rounds, threads, load, args.cheap_argon2)
    return 0


def print_figures(lab: Server, ref: Server, counts: dict, rounds: int, threads: int, load, cheap: bool) -> None:
    """Print the comparison."""
    params = counts["argon2"]
    verify_cpu, verify_wall = counts["cost"]["verify"]
    hash_cpu, _ = counts["cost"]["hash"]
    per_login_hash = counts["calls"]["verify"] * verify_cpu + counts["calls"]["hash"] * hash_cpu
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {node_versions()}"
    )
    print(f"load average before the rounds: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (other work shares it)")
    print(
        f"lab IdP: gunicorn as `fedlab serve` runs it ({gunicorn_conf.workers} gthread workers x "
        f"{gunicorn_conf.threads} threads, keep-alive {gunicorn_conf.keepalive} s), "
        f"{'cheap' if cheap else 'default'} settings, "
        f"trace on; argon2id time_cost={params['ARGON2_TIME_COST']} memory_cost={params['ARGON2_MEMORY_COST']} KiB "
        f"parallelism={params['ARGON2_PARALLELISM']}"
    )
    print(
        f"{rounds} alternating rounds of {lab.logins // max(rounds, 1)} logins per server, {threads} client threads\n"
    )
    print(f"  {'':<15} {'logins/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/login':>13} {'w/o hash':>9}")
    for s in (lab, ref):
        cpu_ms = s.cpu / s.logins * 1000
        no_hash = cpu_ms - (per_login_hash * 1000 if s is lab else 0)
        print(
            f"  {s.name:<15} {s.logins / s.seconds:>9.1f} {percentile(s.latencies, 50) * 1000:>8.1f} "
            f"{percentile(s.latencies, 95) * 1000:>8.1f} {cpu_ms:>13.1f} {no_hash:>9.1f}"
        )
    ratio = (lab.logins / lab.seconds) / (ref.logins / ref.seconds)
    print(f"\n  ratio lab / oidc-provider: {ratio:.2f}x logins/s")
    print(
        f"  password hash: {counts['calls']['verify']} verify + {counts['calls']['hash']} hash per login; "
        f"verify costs {verify_cpu * 1000:.1f} ms CPU ({verify_wall * 1000:.1f} ms wall), "
        f"hash {hash_cpu * 1000:.1f} ms CPU, measured here with the IdP's parameters and subtracted from "
        f"the IdP's CPU per login (oidc-provider compares a plain password)"
    )
    total = [sum(c[1] for c in counts["steps"]), sum(c[2] for c in counts["steps"])]
    print(
        f"\n  lab IdP, one login in-process (Flask test client, after a warm-up login): "
        f"{total[0]} statements, {total[1]} commits"
    )
    logged_in_step = [i for i, c in enumerate(counts["steps"]) if c[0] == "GET /authorize"][-1]
    for i, (label, statements, commits) in enumerate(counts["steps"]):
        budget = BUDGETS.get(label) if label != "GET /authorize" or i == logged_in_step else None
        if label.startswith("trace writer"):
            budget = BUDGETS["trace writer"]
        held = f"   budget {budget[0]} / {budget[1]}" if budget else ""
        print(f"    {label:<40} {statements:>4} statements {commits:>3} commits{held}")
    cpu = counts["cpu"]
    hash_ms = per_login_hash * 1000
    print(
        f"\n  lab IdP CPU per login in-process (thread CPU of the requests through the Flask test client, best of 2 x "
        f"{cpu['logins']} logins, load-independent-ish): {cpu['on']:.1f} ms with the trace, "
        f"{cpu['off']:.1f} ms without; without the hash ({hash_ms:.1f} ms): "
        f"{cpu['on'] - hash_ms:.1f} ms with the trace (goal 15 ms)"
    )
    print(
        f"  protocol trace: {cpu['queue'] + cpu['writer']:.2f} ms CPU per login (goal under 1 ms) = "
        f"{cpu['queue']:.2f} ms queueing it in the requests + {cpu['writer']:.2f} ms in the writer's thread "
        f"(masking, JSON, batched writes; requests with the trace on minus off: {cpu['on'] - cpu['off']:.2f} ms)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
