"""A deterministic region of generated schools, written in bulk next to the demo school.

Each school has subjects, work types, attendance codes, teachers, pupils with one parent each, and
``years`` school years of history (the current one up to ``today``, the older ones complete): classes,
subject groups, a weekly timetable, a lesson per slot and school day, marks, absences and homework.
Every (school, year, class) draws from a random generator of its own, and the years are written newest
first, so the current year's rows (ids included) are the same whatever the length of the history.

Rows go in through the driver: PostgreSQL's ``COPY`` (psycopg) or SQLite ``executemany``; foreign-key
checks are off while loading (the rows are consistent by construction) and sequences are moved past
the new ids afterwards, so the app keeps inserting normally.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta

from rp.demo import CODES
from rp.demo import FATHER_NAMES
from rp.demo import FEMALE_FIRST
from rp.demo import MALE_FIRST
from rp.demo import MALE_LAST
from rp.demo import SUBJECTS
from rp.demo import TIMES
from rp.demo import WORK_TYPES
from rp.demo import _female_last
from rp.demo import _patronymic
from rp.demo import _year_dates
from shared.validators import make_snils

#: The columns written per table (every NOT NULL column without a server default is here).
COLUMNS: dict[str, tuple[str, ...]] = {
    "school": ("id", "name", "short_name", "region", "city", "email"),
    "person": ("id", "last_name", "first_name", "middle_name", "gender", "birth_date", "snils", "phone", "email"),
    "user_account": ("id", "person_id", "login", "password_hash", "created_at", "failed_logins"),
    "person_role": ("id", "person_id", "school_id", "role", "class_id"),
    "guardian": ("id", "parent_id", "pupil_id", "relation", "data_access", "contact_email", "contact_sms"),
    "subject": ("id", "school_id", "name", "short_name"),
    "work_type": ("id", "school_id", "title", "abbr", "weight"),
    "attendance_code": ("id", "school_id", "code", "title", "is_absence", "position"),
    "school_year": ("id", "school_id", "title", "starts_on", "ends_on", "status"),
    "period": ("id", "year_id", "parent_id", "kind", "number", "title", "starts_on", "ends_on"),
    "school_class": ("id", "school_id", "year_id", "grade", "letter"),
    "enrolment": ("id", "class_id", "pupil_id"),
    "subject_group": ("id", "class_id", "subject_id", "teacher_id"),
    "timetable_slot": ("id", "group_id", "weekday", "number", "starts_at", "ends_at", "room"),
    "lesson": ("id", "group_id", "slot_id", "date", "number", "starts_at", "ends_at", "room", "theme", "status"),
    "mark": ("id", "pupil_id", "lesson_id", "work_type_id", "value", "created_at", "created_by"),
    "attendance_entry": ("id", "lesson_id", "pupil_id", "code_id", "created_by", "created_at"),
    "homework": ("id", "lesson_id", "text", "created_by", "created_at"),
}
LETTERS = "АБВГДЕЖИКЛМН"
CLASS_SIZE = 25
#: Marks per pupil and lesson, absences per pupil and lesson, homework per lesson (about the demo's rates).
MARK_RATE = 0.19
ABSENCE_RATE = 0.02
HOMEWORK_RATE = 0.4
PASSWORD_HASH = "generated-person-without-a-usable-password"


@dataclass(frozen=True)
class RegionSpec:
    """What to generate: how many schools and pupils, how many school years up to ``today``."""

    schools: int = 100
    pupils: int = 50_000
    years: int = 2
    today: date = date(2026, 12, 1)
    seed: int = 13

    @property
    def streams(self) -> int:
        """Return the classes per school and year (a stream keeps its pupils from year to year)."""
        return max(1, round(self.pupils / self.schools / CLASS_SIZE))


@dataclass
class Ids:
    """The next free id per table."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        """Return the next id of ``table`` and advance it."""
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class School:
    """What the measurements need to know about a generated school."""

    id: int
    operator_id: int
    classes: list[dict] = field(default_factory=list)


class Writer:
    """Buffers rows per table and writes them in bulk through a driver-specific ``flush``."""

    def __init__(self, flush: Callable[[str, tuple[str, ...], list[tuple]], None], batch: int = 50_000) -> None:
        self._flush = flush
        self.batch = batch
        self.rows: dict[str, list[tuple]] = {t: [] for t in COLUMNS}
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def add(self, table: str, row: tuple) -> None:
        """Queue one row (in ``COLUMNS`` order)."""
        buf = self.rows[table]
        buf.append(row)
        if len(buf) >= self.batch:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        """Write the queued rows of one table, or of all."""
        for name in [table] if table else list(COLUMNS):
            if self.rows[name]:
                self._flush(name, COLUMNS[name], self.rows[name])
                self.counts[name] += len(self.rows[name])
                self.rows[name] = []


def generate(
    spec: RegionSpec, ids: Ids, writer: Writer, progress: Callable[[int, int], None] | None = None
) -> list[School]:
    """Generate ``spec.schools`` schools into ``writer`` and return what the measurements need of each."""
    schools = []
    for n in range(spec.schools):
        schools.append(_school(spec, ids, writer, n))
        if progress:
            progress(n + 1, spec.schools)
    writer.flush()
    return schools


def _school(spec: RegionSpec, ids: Ids, w: Writer, n: int) -> School:
    rng = random.Random(f"{spec.seed}:school:{n}")
    created = datetime(spec.today.year - spec.years, 8, 20, 9, 0)
    school_id = ids.take("school")
    w.add(
        "school", (school_id, f"МБОУ «Средняя школа № {n + 1}»", f"Школа № {n + 1}", "Двиналенд", "Архангельск", None)
    )
    subjects = [(ids.take("subject"), name, short, hours) for name, short, hours, _ in SUBJECTS]
    for sid, name, short, _ in subjects:
        w.add("subject", (sid, school_id, name, short))
    works = [(ids.take("work_type"), weight) for _, _, weight in WORK_TYPES]
    for (wid, _), (title, abbr, weight) in zip(works, WORK_TYPES, strict=True):
        w.add("work_type", (wid, school_id, title, abbr, weight))
    codes = [ids.take("attendance_code") for _ in CODES]
    for pos, (cid, (code, title, absence)) in enumerate(zip(codes, CODES, strict=True)):
        w.add("attendance_code", (cid, school_id, code, title, absence, pos))

    def person(gender: str, birth: date, contacts: bool) -> int:
        pid = ids.take("person")
        last = rng.choice(MALE_LAST)
        first = rng.choice(MALE_FIRST if gender == "M" else FEMALE_FIRST)
        w.add(
            "person",
            (
                pid,
                last if gender == "M" else _female_last(last),
                first,
                _patronymic(rng.choice(FATHER_NAMES), gender),
                gender,
                birth,
                make_snils(f"{100_000_000 + pid * 7:09d}"[-9:]),
                f"+7912{pid:07d}"[-12:] if contacts else None,
                f"person{pid}@example.test" if contacts else None,
            ),
        )
        w.add("user_account", (ids.take("user_account"), pid, f"r{school_id}.{pid}", PASSWORD_HASH, created, 0))
        return pid

    def adult() -> int:
        g = rng.choice("MF")
        return person(g, date(rng.randint(1968, 1995), rng.randint(1, 12), rng.randint(1, 28)), True)

    operator = adult()
    w.add("person_role", (ids.take("person_role"), operator, school_id, "operator", None))
    # One teacher per subject for every four classes of a year, one class teacher per stream.
    teachers: dict[tuple[int, int], int] = {}
    for si in range(len(subjects)):
        for block in range((spec.streams + 3) // 4):
            teachers[(si, block)] = adult()
            w.add("person_role", (ids.take("person_role"), teachers[(si, block)], school_id, "teacher", None))
    grades = [1 + (s * 11) // spec.streams for s in range(spec.streams)]
    letters: list[str] = []
    for s, g in enumerate(grades):
        letters.append(LETTERS[grades[:s].count(g) % len(LETTERS)])
    pupils: list[list[int]] = []
    for s in range(spec.streams):
        born = spec.today.year - 7 - grades[s]
        members = [
            person(rng.choice("MF"), date(born, rng.randint(1, 12), rng.randint(1, 28)), False)
            for _ in range(CLASS_SIZE)
        ]
        for pupil in members:
            w.add("person_role", (ids.take("person_role"), pupil, school_id, "pupil", None))
            parent = adult()
            w.add("person_role", (ids.take("person_role"), parent, school_id, "parent", None))
            w.add("guardian", (ids.take("guardian"), parent, pupil, "мать", True, True, False))
        pupils.append(members)
    school = School(school_id, operator)
    current = spec.today.year if spec.today.month >= 8 else spec.today.year - 1
    for age in range(spec.years):  # newest first: the current year's ids do not depend on the history
        y0 = current - age
        year_id = ids.take("school_year")
        dates = _year_dates(y0)
        w.add("school_year", (year_id, school_id, f"{y0}/{y0 + 1}", *dates["Y"], "current" if age == 0 else "past"))
        whole = ids.take("period")
        w.add("period", (whole, year_id, None, "year", 1, "Год", *dates["Y"]))
        quarters = []
        for h in (1, 2):
            half = ids.take("period")
            w.add("period", (half, year_id, whole, "half", h, f"{h} полугодие", *dates[f"H{h}"]))
            for q in (2 * h - 1, 2 * h):
                qid = ids.take("period")
                w.add("period", (qid, year_id, half, "quarter", q, f"{q} четверть", *dates[f"Q{q}"]))
                quarters.append((qid, *dates[f"Q{q}"]))
        last_day = spec.today if age == 0 else dates["Y"][1]
        for s in range(spec.streams):
            grade = (grades[s] - 1 - age) % 11 + 1
            class_id = ids.take("school_class")
            w.add("school_class", (class_id, school_id, year_id, grade, letters[s]))
            info = {"class_id": class_id, "school_id": school_id, "year": y0, "stream": s, "groups": []}
            for pupil in pupils[s]:
                w.add("enrolment", (ids.take("enrolment"), info["class_id"], pupil))
            _groups_and_lessons(spec, ids, w, info, pupils[s], teachers, subjects, works, codes, quarters, last_day)
            if age == 0:
                w.add(
                    "person_role",
                    (ids.take("person_role"), info["class_teacher"], school_id, "class_teacher", info["class_id"]),
                )
                info["pupils"] = pupils[s]
                info["quarters"] = quarters
                school.classes.append(info)
    return school


def _groups_and_lessons(spec, ids, w, info, pupils, teachers, subjects, works, codes, quarters, last_day) -> None:
    rng = random.Random(f"{spec.seed}:class:{info['school_id']}:{info['year']}:{info['stream']}")
    block = info["stream"] // 4
    groups = []
    for si, (sid, _, _, hours) in enumerate(subjects):
        gid = ids.take("subject_group")
        teacher = teachers[(si, block)]
        w.add("subject_group", (gid, info["class_id"], sid, teacher))
        groups.append((gid, si, teacher, hours))
        info["groups"].append({"group_id": gid, "teacher_id": teacher, "subject_id": sid})
    info["class_teacher"] = groups[info["stream"] % len(groups)][2]
    pool = [g for g in groups for _ in range(g[3])]
    rng.shuffle(pool)
    slots_by_day: dict[int, list[tuple]] = {}
    for idx, (gid, si, teacher, _) in enumerate(pool):
        weekday, number = idx // 5 + 1, idx % 5 + 1
        slot_id = ids.take("timetable_slot")
        room = str(100 + info["stream"])
        w.add("timetable_slot", (slot_id, gid, weekday, number, *TIMES[number - 1], room))
        slots_by_day.setdefault(weekday, []).append((slot_id, gid, si, teacher, number, room))
    work_ids = [wid for wid, _ in works]
    n = len(pupils)
    for _, q_start, q_end in quarters:
        day = q_start
        while day <= min(q_end, last_day):
            for slot_id, gid, si, teacher, number, room in slots_by_day.get(day.isoweekday(), ()):
                lesson_id = ids.take("lesson")
                at = datetime(day.year, day.month, day.day, 15, 0)
                theme = f"{SUBJECTS[si][0]}: тема {(day - q_start).days // 7 + 1}.{number}"
                w.add("lesson", (lesson_id, gid, slot_id, day, number, *TIMES[number - 1], room, theme, "normal"))
                k = int(n * MARK_RATE + rng.random())
                for pupil in rng.sample(pupils, k):
                    work = rng.choices(work_ids, weights=(6, 1, 1, 1, 3, 1, 0, 1), k=1)[0]
                    value = min(5, max(2, round(rng.gauss(4.0, 0.8))))
                    w.add("mark", (ids.take("mark"), pupil, lesson_id, work, value, at, teacher))
                for pupil in _absent(rng, pupils):
                    w.add(
                        "attendance_entry",
                        (ids.take("attendance_entry"), lesson_id, pupil, rng.choice(codes), teacher, at),
                    )
                if SUBJECTS[si][3] and rng.random() < HOMEWORK_RATE:
                    text = rng.choice(SUBJECTS[si][3]).format(
                        t=theme, n=100 + number, n2=102 + number, n3=104 + number, p=10 + number, k=number
                    )
                    w.add("homework", (ids.take("homework"), lesson_id, text, teacher, at))
            day += timedelta(days=1)


def _absent(rng: random.Random, pupils: list[int]) -> Iterable[int]:
    k = int(len(pupils) * ABSENCE_RATE + rng.random())
    return rng.sample(pupils, k) if k else ()


def _sqlite_loader(dbapi):
    sqlite3.register_adapter(date, date.isoformat)
    sqlite3.register_adapter(datetime, lambda d: d.isoformat(" "))
    dbapi.execute("PRAGMA foreign_keys=OFF")
    dbapi.execute("PRAGMA synchronous=OFF")

    def flush(table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(cols))
        dbapi.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)

    return flush


def _pg_loader(dbapi):
    cur = dbapi.cursor()
    # The rows are consistent by construction: skip the per-row foreign-key triggers while loading.
    cur.execute("SET session_replication_role = replica")

    def flush(table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    return flush


def load(engine, metadata, spec: RegionSpec, progress=None) -> tuple[list, dict[str, int]]:
    """Generate the region into the database of ``engine`` (schema in place); return its schools and row counts."""
    from sqlalchemy import func
    from sqlalchemy import select
    from sqlalchemy import text

    with engine.connect() as conn:
        ids = Ids({t: (conn.scalar(select(func.max(metadata.tables[t].c.id))) or 0) + 1 for t in COLUMNS})
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        writer = Writer(_pg_loader(dbapi) if engine.dialect.name == "postgresql" else _sqlite_loader(dbapi))
        schools = generate(spec, ids, writer, progress and (lambda done, total: progress(done, total, writer)))
        if engine.dialect.name != "postgresql":
            dbapi.execute("PRAGMA foreign_keys=ON")
        dbapi.commit()
    finally:
        raw.close()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in COLUMNS:
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))  # hint bits and visibility map set: no autovacuum while timing
    return schools, writer.counts
