"""``fedlab serve``: both apps under gunicorn on loopback, stopped together by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from labkit.settings import port_of

HOST = "127.0.0.1"


def gunicorn_command(factory: str, port: int, workers: int | None = None) -> list[str]:
    """Return the gunicorn command line serving ``factory`` on loopback (gthread workers, keep-alive).

    ``workers`` None: sized by CPU count (:mod:`fedlab.gunicorn_conf`).
    """
    sizing = ["--workers", str(workers)] if workers else []
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:fedlab.gunicorn_conf",
        "--bind",
        f"{HOST}:{port}",
        *sizing,
        "--access-logfile",
        "-",
        # Codes and link tokens in URLs are masked in the access log.
        "--logger-class",
        "labkit.access_log.MaskingLogger",
        "--graceful-timeout",
        "5",
        # Two servers run side by side: the shared default control socket would clash.
        "--no-control-socket",
        factory,
    ]


def startup_problems() -> list[str]:
    """Return why an app cannot start: its settings refused, or its database unreachable (empty: all well)."""
    from idp import create_app as create_idp
    from idp.db import db as idp_db
    from labkit.health import database_problem
    from labkit.settings import ConfigError
    from rp import create_app as create_rp
    from rp.extensions import db as rp_db

    problems = []
    for label, factory, db in (("Госуслуги (IdP)", create_idp, idp_db), ("Дневник (diary, rp)", create_rp, rp_db)):
        try:
            app = factory()
        except ConfigError as exc:
            problems.append(f"{label}: the configuration is refused: {exc}")
            continue
        with app.app_context():
            problem = database_problem(db.session)
            url = db.engine.url.render_as_string(hide_password=True)
            db.engine.dispose()
        if problem is not None:
            problems.append(f"{label}: the database is unreachable ({url}): {problem}")
    return problems


def serve_both(workers: int | None = None) -> int:
    """Check both apps' settings and databases, start both, print where they are, wait until Ctrl-C or a crash."""
    from fedlab.lab_names import choose_lab_names
    from fedlab.setup import demo_logins

    idp_url, rp_url = choose_lab_names()
    problems = startup_problems()
    if problems:
        for problem in problems:
            print("fedlab: " + problem, file=sys.stderr)
        print("fedlab: not starting; fix the above (is the database server running?)", file=sys.stderr)
        return 1

    idp_port = port_of("FEDLAB_IDP_PORT", 5001)
    rp_port = port_of("FEDLAB_RP_PORT", 5002)
    env = {**os.environ, "FEDLAB_IDP_PORT": str(idp_port), "FEDLAB_RP_PORT": str(rp_port)}
    procs = {
        "idp": subprocess.Popen(gunicorn_command("idp:create_app()", idp_port, workers), env=env),
        "rp": subprocess.Popen(gunicorn_command("rp:create_app()", rp_port, workers), env=env),
    }
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print()
    print(f"  Госуслуги (IdP):  {idp_url}/")
    print(f"  Дневник (diary):  {rp_url}/   (the region's login page: /login/esia/dvinaland)")
    print("                    regions: /login/esia/dvinaland over ESIA's protocol, /login/esia/tomsk over OIDC")
    print(f"  Lab pages:        {idp_url}/lab   {rp_url}/lab/linking")
    if not idp_url.startswith(f"http://{HOST}:"):
        print(f"                    (also http://{HOST}:{idp_port} and :{rp_port}; FEDLAB_HOST_NAMES=0: only those)")
    for line in demo_logins():
        print("  " + line)
    print("  Press Ctrl-C to stop both.\n", flush=True)
    status = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"fedlab: {name} exited with status {proc.returncode}; stopping", file=sys.stderr)
                status = proc.returncode or 1
                stopping = True
        time.sleep(0.3)
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("fedlab: both apps stopped")
    return status
