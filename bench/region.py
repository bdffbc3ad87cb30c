"""Benchmark the diary at region scale: generate a region next to the demo school, then time its pages.

The database is built by the app's own migrations, the demo school is seeded as ``fedlab setup`` does,
then ``bench/region_data.py`` adds the generated schools in bulk (PostgreSQL ``COPY``, SQLite
``executemany``), with progress on stderr. Then, through the Flask test client in this process, each
path is requested ``--requests`` times (after two warm-up requests) for users of a generated school and
of the demo school: the parent's week page, the pupil's quarter marks, the class's quarter sheet as a
page, CSV and XLSX, the teacher's journal of a subject group, and the linking candidate lookup (the
query the Gosuslugi callback runs, called directly). It prints p50/p95, statements per request, the
big/demo ratio, the plans of the slowest statements, and flags every full scan of a table over
10,000 rows on those paths.

    python bench/region.py --small                          # 2 schools, 1,000 pupils: a quick check
    python bench/region.py                                  # 100 schools, 50,000 pupils, ~10 M marks (SQLite)
    python bench/region.py --postgres                       # the same on 127.0.0.1:5432 (own database)
    python bench/region.py --schools 20 --pupils 10000 --years 3 --keep /tmp/region.sqlite

Everything lives in a temporary file or a database of its own, removed at the end (unless ``--keep``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import time
from contextlib import ExitStack
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.token_endpoint import percentile  # noqa: E402
from tests.helpers.region_data import RegionSpec  # noqa: E402
from tests.helpers.region_data import Writer  # noqa: E402
from tests.helpers.region_data import load  # noqa: E402

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
BIG_TABLE = 10_000
#: The tables whose rows grow with pupils and history (their full scans are what the benchmark flags).
HISTORY_TABLES = ("person", "lesson", "mark", "attendance_entry", "homework", "enrolment", "guardian", "person_role")


@dataclass
class Target:
    """The users and ids one school's measurements use."""

    label: str
    parent_user: int
    pupil_id: int
    class_teacher_user: int
    class_id: int
    teacher_user: int
    group_id: int
    period_id: int
    snils: str
    birth_date: date


# --- building the database ----------------------------------------------------------------------------


def create_app_for(url: str, today: date):
    """Return the diary app on ``url`` with the diary's today fixed (the generated history ends there)."""
    from rp import create_app

    app = create_app({"DATABASE_URL": url, "DIARY_TODAY": today.isoformat(), "SECRET_KEY": "bench-region"})
    app.config["DIARY_TODAY"] = today.isoformat()
    return app


def build(url: str, spec: RegionSpec, quiet: bool = False) -> tuple[object, list]:
    """Migrate, seed the demo school, generate the region; return the app and the generated schools."""
    from flask_migrate import upgrade

    from rp.demo import seed_school
    from rp.extensions import db

    app = create_app_for(url, spec.today)
    started = time.perf_counter()

    def progress(done: int, total: int, writer: Writer) -> None:
        rows = sum(writer.counts.values()) + sum(len(r) for r in writer.rows.values())
        marks = writer.counts["mark"] + len(writer.rows["mark"])
        spent = time.perf_counter() - started
        eta = spent / done * (total - done)
        print(
            f"\r  schools {done}/{total}, {rows:,} rows, {marks:,} marks, {spent:.0f} s (about {eta:.0f} s left)",
            end="",
            file=sys.stderr,
            flush=True,
        )

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        seed_school(db.session, spec.today, password_hash="bench-region-demo")
        db.session.commit()
        db.session.close()
        schools, counts = load(db.engine, db.metadata, spec, None if quiet else progress)
        if not quiet:
            print(file=sys.stderr)
    app.extensions["bench_counts"] = counts
    app.extensions["bench_seconds"] = time.perf_counter() - started
    return app, schools


# --- choosing who to measure ---------------------------------------------------------------------------


def target_for(app, label: str, pupil_id: int, today: date) -> Target:
    """Return the parent, class teacher (or operator), teacher and ids that open ``pupil_id``'s pages."""
    from sqlalchemy import select

    from rp.domain.consent import record_consent
    from rp.extensions import db
    from rp.models.people import Person
    from rp.models.people import User
    from rp.models.school import Enrolment
    from rp.models.school import Guardian
    from rp.models.school import Period
    from rp.models.school import PersonRole
    from rp.models.school import SchoolClass
    from rp.models.school import SchoolYear
    from rp.models.school import Subject
    from rp.models.school import SubjectGroup

    s = db.session
    with app.app_context():
        pupil = s.get(Person, pupil_id)
        parent = s.scalar(select(Guardian.parent_id).where(Guardian.pupil_id == pupil_id).order_by(Guardian.id))
        cls = s.scalar(
            select(SchoolClass)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
            .where(Enrolment.pupil_id == pupil_id, SchoolYear.status == "current")
        )
        chief = s.scalar(
            select(PersonRole.person_id).where(PersonRole.class_id == cls.id, PersonRole.role == "class_teacher")
        ) or s.scalar(
            select(PersonRole.person_id).where(PersonRole.school_id == cls.school_id, PersonRole.role == "operator")
        )
        group = s.scalar(
            select(SubjectGroup)
            .join(Subject, Subject.id == SubjectGroup.subject_id)
            .where(SubjectGroup.class_id == cls.id, Subject.name == "Математика")
        )
        period = s.scalar(
            select(Period).where(
                Period.year_id == cls.year_id,
                Period.kind == "quarter",
                Period.starts_on <= today,
                Period.ends_on >= today,
            )
        ) or s.scalar(select(Period).where(Period.year_id == cls.year_id, Period.kind == "quarter"))

        def user_of(person_id: int) -> int:
            return s.scalar(select(User.id).where(User.person_id == person_id))

        record_consent(s, parent, app.config["CONSENT_VERSION"], True, datetime.now())
        s.commit()
        return Target(
            label,
            user_of(parent),
            pupil_id,
            user_of(chief),
            cls.id,
            user_of(group.teacher_id),
            group.id,
            period.id,
            pupil.snils,
            pupil.birth_date,
        )


def demo_pupil(app) -> int:
    """Return the first child of the demo parent ``ivanova.m``."""
    from sqlalchemy import select

    from rp.extensions import db
    from rp.models.people import User
    from rp.models.school import Guardian

    with app.app_context():
        parent = db.session.scalar(select(User.person_id).where(User.login == "ivanova.m"))
        return db.session.scalar(select(Guardian.pupil_id).where(Guardian.parent_id == parent).order_by(Guardian.id))


# --- measuring -----------------------------------------------------------------------------------------


class StatementLog:
    """Engine events: every statement of the current request, with its parameters and duration."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.items: list[list] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on:
            self.items.append([statement, parameters, time.perf_counter()])

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on and self.items:
            self.items[-1][2] = time.perf_counter() - self.items[-1][2]

    @contextmanager
    def recording(self):
        """Record the statements run inside the block."""
        self.items, self.on = [], True
        try:
            yield self.items
        finally:
            self.on = False


def paths(t: Target) -> dict[str, tuple[int | None, str]]:
    """Return {path name: (user id to log in as, URL)}; the lookup has no URL (called directly)."""
    sheet = f"/reports/class/{t.class_id}/sheet?period={t.period_id}"
    return {
        "week page (parent)": (t.parent_user, f"/diary/pupil/{t.pupil_id}/week"),
        "quarter marks (parent)": (t.parent_user, f"/diary/pupil/{t.pupil_id}/marks?period={t.period_id}"),
        "class sheet page": (t.class_teacher_user, sheet),
        "class sheet CSV": (t.class_teacher_user, sheet + "&format=csv"),
        "class sheet XLSX": (t.class_teacher_user, sheet + "&format=xlsx"),
        "teacher's journal": (t.teacher_user, f"/journal/group/{t.group_id}?period={t.period_id}"),
        "linking candidates": (None, ""),
    }


def _lookup(app, t: Target) -> None:
    from rp.domain.linking import _candidates
    from rp.extensions import db

    with app.app_context():
        found = _candidates(db.session, {"snils": t.snils, "birthdate": t.birth_date.strftime("%d.%m.%Y")})
        if not any(p.id == t.pupil_id for p in found):
            raise RuntimeError("the candidate lookup did not find the pupil")


def measure(app, log: StatementLog, t: Target, requests: int) -> dict[str, dict]:
    """Time every path for one target; return per path the latencies, statement count and statements."""
    results = {}
    clients: dict[int, object] = {}
    for name, (user, url) in paths(t).items():
        if user is None:

            def call(t=t) -> None:
                _lookup(app, t)

        else:
            if user not in clients:
                client = app.test_client()
                with client.session_transaction() as sess:
                    sess["user_id"] = user
                clients[user] = client
            client = clients[user]

            def call(client=client, url=url, name=name) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{name}: {url} answered {response.status_code}")

        for _ in range(2):
            call()
        times = []
        cpu = cpu_seconds(app)
        for _ in range(requests):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        cpu = cpu_seconds(app) - cpu
        with log.recording() as statements:
            call()
        results[name] = {
            "p50_ms": percentile(times, 50) * 1000,
            "p95_ms": percentile(times, 95) * 1000,
            "cpu_ms": cpu / requests * 1000,
            "statements": len(statements),
            "log": list(statements),
        }
    return results


def cpu_seconds(app) -> float:
    """Return the CPU time of this process plus that of the app's PostgreSQL backends (from ``/proc``)."""
    from sqlalchemy import text

    from rp.extensions import db

    total = time.process_time()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return total
        with db.engine.connect() as conn:
            pids = conn.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            ).all()
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def table_sizes(app) -> dict[str, int]:
    """Return the row count of every table of the diary."""
    from sqlalchemy import func
    from sqlalchemy import select

    from rp.extensions import db

    with app.app_context():
        return {name: db.session.scalar(select(func.count()).select_from(t)) for name, t in db.metadata.tables.items()}


def explain(app, statement: str, parameters, analyze: bool) -> tuple[str, list[str]]:
    """Return the plan of one statement as text, and the big tables it reads in full."""
    from rp.extensions import db

    with app.app_context():
        conn = db.session.connection()
        if conn.dialect.name == "postgresql":
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
            lines = [r[0] for r in conn.exec_driver_sql(prefix + statement, parameters)]
            scans = re.findall(r"Seq Scan on (\w+)", "\n".join(lines))
        else:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            lines = [r[-1] for r in rows]
            scans = [m.group(1) for line in lines if (m := re.match(r"SCAN (\w+)", line))]
        db.session.rollback()
        return "\n".join(lines), scans


def report(app, results: dict[str, dict[str, dict]], sizes: dict[str, int], plans: int) -> list[str]:
    """Print the figures, ratios, flagged scans and slow plans; return the flagged scans."""
    labels = list(results)
    head = "".join(f" {lb + ' p50 / p95 / CPU ms':>30} {'stmts':>5}" for lb in labels)
    print(f"\n  {'path':<24}{head}   big/demo p50")
    for name in results[labels[0]]:
        row = f"  {name:<24}"
        for lb in labels:
            r = results[lb][name]
            row += f" {r['p50_ms']:>10.1f} / {r['p95_ms']:>7.1f} / {r['cpu_ms']:>6.1f} {r['statements']:>5}"
        ratio = results[labels[0]][name]["p50_ms"] / max(results[labels[-1]][name]["p50_ms"], 1e-6)
        print(row + f"   {ratio:>6.2f}")
    flagged = []
    big = {t for t, n in sizes.items() if n > BIG_TABLE}
    for lb in labels:
        for name, r in results[lb].items():
            seen = set()
            for statement, parameters, _ in r["log"]:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")) or statement in seen:
                    continue
                seen.add(statement)
                _, scans = explain(app, statement, parameters, analyze=False)
                for table in scans:
                    if table in big:
                        flagged.append(
                            f"{lb} / {name}: full scan of {table} ({sizes[table]:,} rows): {statement[:160]}"
                        )
    print("\nfull scans of tables over 10,000 rows on these paths: " + ("none" if not flagged else ""))
    for line in flagged:
        print("  " + line)
    if plans:
        print(f"\nthe slowest statements ({labels[0]}), with their plans:")
        for name, r in results[labels[0]].items():
            timed = []
            for statement, parameters, spent in r["log"]:
                if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    plan, _ = explain(app, statement, parameters, analyze=True)
                    found = re.search(r"Execution Time: ([\d.]+) ms", plan)
                    timed.append((float(found.group(1)) / 1000 if found else spent, statement, plan))
            for spent, statement, plan in sorted(timed, key=lambda s: -s[0])[:plans]:
                print(f"\n  [{name}] {spent * 1000:.2f} ms: {' '.join(statement.split())[:300]}")
                print("    " + plan.replace("\n", "\n    "))
    return flagged


# --- the command -------------------------------------------------------------------------------------


@contextmanager
def postgres_database():
    """Create a database of our own on 127.0.0.1:5432, yield its URL, drop it."""
    import psycopg

    name = f"fedlab_bench_region_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the region, measure both schools and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--schools", type=int, default=100, help="generated schools (default 100)")
    parser.add_argument("--pupils", type=int, default=50_000, help="generated pupils in all (default 50,000)")
    parser.add_argument("--years", type=int, default=2, help="school years of history up to today (default 2)")
    parser.add_argument("--small", action="store_true", help="2 schools, 1,000 pupils: a quick check")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per path (default 20, at least 20)")
    parser.add_argument("--plans", type=int, default=1, help="plans printed per path: its slowest statements")
    parser.add_argument("--postgres", action="store_true", help="an own database on 127.0.0.1:5432 (dropped after)")
    parser.add_argument("--keep", help="SQLite: build the region in this file and leave it there")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    schools = max(1, min(2 if args.small else args.schools, 1000))
    pupils = max(schools * 25, min(1000 if args.small else args.pupils, 500_000))
    spec = RegionSpec(schools=schools, pupils=pupils, years=max(1, min(args.years, 11)))
    requests = max(20, min(args.requests, 1000))

    with ExitStack() as stack:
        if args.postgres:
            url = stack.enter_context(postgres_database())
        else:
            path = Path(args.keep) if args.keep else Path(stack.enter_context(tempfile.TemporaryDirectory())) / "r.db"
            if path.exists():
                raise SystemExit(f"{path} exists: give a new file")
            url = f"sqlite:///{path}"
        print(
            f"building: {spec.schools} schools, {spec.pupils:,} pupils ({spec.streams} classes of 25 per school), "
            f"{spec.years} school years up to {spec.today}, on {'PostgreSQL' if args.postgres else 'SQLite'}",
            file=sys.stderr,
        )
        app, generated = build(url, spec)
        counts = app.extensions["bench_counts"]
        sizes = table_sizes(app)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
            f"database: {'PostgreSQL' if args.postgres else 'SQLite'}"
        )
        print(
            f"generated in {app.extensions['bench_seconds']:.0f} s: {spec.schools} schools, "
            f"{counts['person']:,} people, {counts['lesson']:,} lessons, {counts['mark']:,} marks, "
            f"{counts['attendance_entry']:,} absences, {counts['homework']:,} homework; with the demo school: "
            f"{sizes['person']:,} people, {sizes['mark']:,} marks; {spec.years} years of history"
        )
        school = generated[len(generated) // 2]
        cls = school.classes[len(school.classes) // 2]
        big = target_for(app, "generated", cls["pupils"][0], spec.today)
        demo = target_for(app, "demo", demo_pupil(app), spec.today)
        with app.app_context():
            from rp.extensions import db

            log = StatementLog(db.engine)
        results = {"generated": measure(app, log, big, requests), "demo": measure(app, log, demo, requests)}
        print(
            f"{requests} timed requests per path (Flask test client in this process, after 2 warm-ups); "
            f"CPU = this process plus the database backends, per request; load average {os.getloadavg()[0]:.1f}"
        )
        flagged = report(app, results, sizes, args.plans)
        if args.json:
            figures = {
                lb: {n: {k: v for k, v in r.items() if k != "log"} for n, r in res.items()}
                for lb, res in results.items()
            }
            Path(args.json).write_text(
                json.dumps({"spec": spec.__dict__, "figures": figures, "flagged": flagged}, default=str)
            )
        with app.app_context():
            from rp.extensions import db

            db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
