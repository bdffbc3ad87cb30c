"""The diary's period queries read the period, not the pupils' whole history.

A generated school (``bench/region_data.py``) is built with one and with three years of history; the
current year's data is the same in both. The week page, the quarter marks, the class sheet and the
journal must run the same statements and use indexes, never a full scan of a history table (on
PostgreSQL even with sequential scans disabled, so an index exists for every path). SQLite's plans do
not depend on statistics: the virtual-machine steps of the statements reading history tables may grow
only by the few index probes a pupil's older classes add (one per class and subject, finding
nothing), far less than the history grows. PostgreSQL chooses by statistics (at this toy size it
reads a pupil's few hundred marks through the pupil index); ``bench/region.py`` shows its plans at
region scale. The averages, marks and absence totals equal a plain computation over all marks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy import select

from tests.helpers.region_data import RegionSpec
from tests.helpers.region_data import load
from tests.rp.helpers import client_for

TODAY = date(2026, 12, 1)
#: Tables that grow with every school day; their rows read must not depend on the history's length.
HISTORY_TABLES = {"mark", "lesson", "attendance_entry", "homework", "individual_homework"}
#: Tables a full scan of which would also grow with the region (flagged with the history tables).
SCANNED_TABLES = HISTORY_TABLES | {"person", "enrolment", "guardian", "person_role", "user_account"}
#: A statement that reads a history table (SQLite: only these statements' steps are compared).
HISTORY_READ = re.compile(r"\b(?:FROM|JOIN) (?:mark|lesson|attendance_entry|homework|individual_homework)\b")
#: SQLite: how much more work three years may take than one (the history itself grows threefold).
SQLITE_STEP_GROWTH = 1.25


def _region(app, years: int) -> dict:
    """Empty the database, generate one school with ``years`` years; return the ids the checks use."""
    from rp.extensions import db
    from rp.models.people import User
    from rp.models.school import Guardian
    from rp.models.school import Period
    from rp.models.school import PersonRole

    app.config["DIARY_TODAY"] = TODAY.isoformat()
    with app.app_context():
        db.drop_all()
        db.create_all()
        schools, _ = load(db.engine, db.metadata, RegionSpec(schools=1, pupils=50, years=years, today=TODAY))
        cls = schools[0].classes[0]
        pupil = cls["pupils"][0]
        quarter = db.session.scalar(
            select(Period).where(Period.kind == "quarter", Period.starts_on <= TODAY, Period.ends_on >= TODAY)
        )
        parent = db.session.scalar(select(Guardian.parent_id).where(Guardian.pupil_id == pupil))
        chief = db.session.scalar(
            select(PersonRole.person_id).where(
                PersonRole.class_id == cls["class_id"], PersonRole.role == "class_teacher"
            )
        )
        group = cls["groups"][2]

        def login(person_id: int) -> str:
            return db.session.scalar(select(User.login).where(User.person_id == person_id))

        from rp.domain.consent import record_consent
        from shared.clock import real_now

        record_consent(db.session, parent, app.config["CONSENT_VERSION"], True, real_now())
        db.session.commit()
        return {
            "pupil": pupil,
            "pupils": cls["pupils"],
            "class_id": cls["class_id"],
            "quarter": (quarter.id, quarter.starts_on, quarter.ends_on),
            "group": group["group_id"],
            "logins": {"parent": login(parent), "chief": login(chief), "teacher": login(group["teacher_id"])},
        }


def _pages(r: dict) -> dict[str, tuple[str, str]]:
    qid = r["quarter"][0]
    sheet = f"/reports/class/{r['class_id']}/sheet?period={qid}"
    return {
        "week": ("parent", f"/diary/pupil/{r['pupil']}/week"),
        "marks": ("parent", f"/diary/pupil/{r['pupil']}/marks?period={qid}"),
        "sheet": ("chief", sheet),
        "sheet_csv": ("chief", sheet + "&format=csv"),
        "journal": ("teacher", f"/journal/group/{r['group']}?period={qid}"),
    }


def _statements(app, r: dict) -> dict[str, list[tuple[str, object]]]:
    """Request each page once; return its SELECT statements with their parameters."""
    from rp.extensions import db

    seen: dict[str, list[tuple[str, object]]] = {}
    with app.app_context():
        engine = db.engine
    for name, (who, url) in _pages(r).items():
        client = client_for(app, r["logins"][who])
        log: list[tuple[str, object]] = []

        def record(conn, cursor, statement, parameters, context, executemany, log=log):
            log.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(url)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, (name, response.status_code)
        seen[name] = [(s, p) for s, p in log if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    return seen


def _work(app, statements: list[tuple[str, object]]) -> tuple[int, set[str]]:
    """Return the VM steps (SQLite; 0 on PostgreSQL) of the statements reading history tables, and full scans."""
    from rp.extensions import db

    total, scans = 0, set()
    with app.app_context():
        conn = db.session.connection()
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            for statement, parameters in statements:
                plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
                plan = plan if isinstance(plan, list) else json.loads(plan)
                _pg_scans(plan[0]["Plan"], scans)
        else:
            steps = Counter()
            raw = conn.connection.driver_connection
            raw.set_progress_handler(lambda: steps.update(["n"]) or 0, 1)
            try:
                for statement, parameters in statements:
                    if HISTORY_READ.search(statement):
                        conn.exec_driver_sql(statement, parameters).all()
            finally:
                raw.set_progress_handler(None, 1)
            total = steps["n"]
            for statement, parameters in statements:
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
                    if (m := re.match(r"SCAN (\w+)", row[-1])) and m.group(1) in SCANNED_TABLES:
                        scans.add(m.group(1))
        db.session.rollback()
    return total, scans


def _pg_scans(node: dict, scans: set[str]) -> None:
    if node.get("Relation Name") in SCANNED_TABLES and node["Node Type"] == "Seq Scan":
        scans.add(node["Relation Name"])
    for child in node.get("Plans", []):
        _pg_scans(child, scans)


@pytest.fixture
def histories(rp_app):
    """The statements and work of every page with one and with three years of history."""
    figures = {}
    for years in (1, 3):
        r = _region(rp_app, years)
        statements = _statements(rp_app, r)
        figures[years] = {name: (len(s), *_work(rp_app, s)) for name, s in statements.items()}
    return figures


def test_period_pages_cost_the_same_with_a_longer_history(rp_app, histories):
    """Three years of history cost what one year costs: same statements, same rows read, no full scans."""
    from rp.extensions import db

    with rp_app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    for name, (count, work, scans) in histories[1].items():
        longer = histories[3][name]
        assert scans == set() and longer[2] == set(), (name, scans, longer[2])
        assert longer[0] == count, (name, "statements with 3 years", longer[0], "with 1 year", count)
        if not postgres:
            assert longer[1] <= work * SQLITE_STEP_GROWTH, (name, "VM steps with 3 years", longer[1], "with 1", work)


def test_period_results_equal_a_computation_over_all_marks(rp_app):
    """Averages, a pupil's marks and absence totals equal a plain computation over every mark of the history."""
    from rp.domain.marks import absence_totals
    from rp.domain.marks import averages_for_pupils
    from rp.domain.marks import pupil_marks
    from rp.domain.marks import weighted_average
    from rp.extensions import db
    from rp.models.journal import AttendanceCode
    from rp.models.journal import AttendanceEntry
    from rp.models.journal import Mark
    from rp.models.journal import WorkType
    from rp.models.school import SubjectGroup
    from rp.models.timetable import Lesson

    r = _region(rp_app, 3)
    _, start, end = r["quarter"]
    pupils = r["pupils"]
    with rp_app.app_context():
        s = db.session
        rows = s.execute(
            select(Mark.pupil_id, SubjectGroup.subject_id, Mark.value, WorkType.weight, Lesson.date, Mark.id)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .join(WorkType, WorkType.id == Mark.work_type_id)
            .join(SubjectGroup, SubjectGroup.id == Lesson.group_id)
        ).all()
        in_range = [row for row in rows if row.pupil_id in pupils and start <= row.date <= end]
        assert len(in_range) > 100 and len(rows) > 3 * len(in_range)
        expected: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for row in in_range:
            expected.setdefault((row.pupil_id, row.subject_id), []).append((row.value, row.weight))
        assert averages_for_pupils(s, pupils, start, end) == {k: weighted_average(v) for k, v in expected.items()}

        mine = sorted((row.id, row.value) for row in in_range if row.pupil_id == r["pupil"])
        got = sorted((m.id, m.value) for subject in pupil_marks(s, r["pupil"], start, end) for m in subject.marks)
        assert got == mine

        entries = s.execute(
            select(AttendanceEntry.pupil_id, AttendanceCode.code, Lesson.date)
            .join(Lesson, Lesson.id == AttendanceEntry.lesson_id)
            .join(AttendanceCode, AttendanceCode.id == AttendanceEntry.code_id)
        ).all()
        totals = {p: Counter() for p in pupils}
        for entry in entries:
            if entry.pupil_id in totals and start <= entry.date <= end:
                totals[entry.pupil_id][entry.code] += 1
        assert sum(sum(c.values()) for c in totals.values()) > 0
        assert absence_totals(s, pupils, start, end) == totals
