"""The pages the region benchmark times, as a user sees them after their fast paths.

The class sheet's XLSX is written by XlsxWriter (``rp/domain/xlsx.py``, not openpyxl's object model): it
must still open in openpyxl with the same values, number types, bold caption and header, and column width.
The journal grid's cells are built in the view and its averages only for the group's subject: they
must still equal the marks and attendance of each lesson and a plain weighted average.
"""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from openpyxl import load_workbook
from sqlalchemy import select

from rp.domain import xlsx
from tests.rp.helpers import client_for
from tests.rp.test_journal import _teacher_group


def _current_class(app) -> int:
    from rp.extensions import db
    from rp.models import SchoolClass
    from rp.models import SchoolYear

    with app.app_context():
        return db.session.scalar(
            select(SchoolClass.id).join(SchoolYear).where(SchoolYear.status == "current").order_by(SchoolClass.id)
        )


def test_sheet_xlsx_matches_the_csv_with_numbers_bold_header_and_width(rp_app, school):
    cid = _current_class(rp_app)
    client = client_for(rp_app, "operator")
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/reports/class/{cid}/sheet?format=csv").data.decode("utf-8-sig")), delimiter=";"
        )
    )
    res = client.get(f"/reports/class/{cid}/sheet?format=xlsx")
    assert res.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(res.data)).active
    assert ws.title.startswith("Ведомость ")
    assert ws["A1"].value == rows[0][0] and ws["A1"].font.b
    assert all(c.font.b for c in ws[2]) and not ws["B3"].font.b
    assert int(ws.column_dimensions["B"].width) == 34  # characters (XlsxWriter stores the width with its padding)
    got = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(got) == len(rows) - 1
    for csv_row, row in zip(rows[1:], got, strict=True):
        assert [(float(t) if isinstance(v, int | float) else v or "") for v, t in zip(row, csv_row, strict=True)] == [
            (float(t) if isinstance(v, int | float) else t) for v, t in zip(row, csv_row, strict=True)
        ]
    numbers = [v for row in got[1:] for j, v in enumerate(row) if j != 1 and v is not None]
    assert numbers and all(isinstance(v, int | float) for v in numbers)
    assert all(isinstance(row[1], str) for row in got[1:])


def test_xlsx_writer_escapes_text_and_names_columns_past_z():
    row = ["a & <b>", " lead", 3, 2.5, "", None, *range(24), "last"]
    book = load_workbook(io.BytesIO(xlsx.workbook('Лист "1" & <2>', [["caption"], row], {1}, {"B": 12})))
    ws = book.active
    assert ws.title == 'Лист "1" & <2>'
    assert [c.value for c in ws[2]] == ["a & <b>", " lead", 3, 2.5, None, None, *range(24), "last"]
    assert ws["AE2"].value == "last" and ws["A1"].font.b and not ws["A2"].font.b
    assert int(ws.column_dimensions["B"].width) == 12


def test_xlsx_keeps_text_that_a_spreadsheet_would_take_for_a_formula_or_cannot_hold():
    rows = [["=1+2", "http://example.test/", "bell\x07 and tab\t"]]
    ws = load_workbook(io.BytesIO(xlsx.workbook("Ведомость 5[А]: 1/2", rows, set(), {}))).active
    assert ws.title == "Ведомость 5 А   1 2"
    assert ws["A1"].value == "=1+2" and ws["A1"].data_type == "s"
    assert ws["B1"].value == "http://example.test/" and ws["B1"].hyperlink is None
    assert ws["C1"].value.startswith("bell") and ws["C1"].value.endswith("tab\t")


def test_journal_grid_shows_each_lessons_entries_and_the_subjects_average(rp_app, school):
    from rp.domain.marks import weighted_average
    from rp.extensions import db
    from rp.models import AttendanceCode
    from rp.models import AttendanceEntry
    from rp.models import Enrolment
    from rp.models import Lesson
    from rp.models import Mark
    from rp.models import Person
    from rp.models import SubjectGroup
    from rp.models import WorkType

    gid = _teacher_group(rp_app)
    page = client_for(rp_app, "uchitel").get(f"/journal/group/{gid}").get_data(as_text=True)
    period = int(re.search(r'<option value="(\d+)" selected', page).group(1))
    with rp_app.app_context():
        from rp.models import Period

        p = db.session.get(Period, period)
        group = db.session.get(SubjectGroup, gid)
        lessons = db.session.scalars(
            select(Lesson.id)
            .where(Lesson.group_id == gid, Lesson.date >= p.starts_on, Lesson.date <= p.ends_on)
            .order_by(Lesson.date, Lesson.number)
        ).all()
        marks = db.session.execute(
            select(Mark.pupil_id, Mark.lesson_id, Mark.value).where(Mark.lesson_id.in_(lessons)).order_by(Mark.id)
        ).all()
        absent = db.session.execute(
            select(AttendanceEntry.pupil_id, AttendanceEntry.lesson_id, AttendanceCode.code)
            .join(AttendanceCode)
            .where(AttendanceEntry.lesson_id.in_(lessons))
        ).all()
        weighted = db.session.execute(
            select(Mark.pupil_id, Mark.value, WorkType.weight)
            .join(WorkType, WorkType.id == Mark.work_type_id)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .join(SubjectGroup, SubjectGroup.id == Lesson.group_id)
            .where(
                SubjectGroup.subject_id == group.subject_id,
                Lesson.date >= p.starts_on,
                Lesson.date <= p.ends_on,
            )
        ).all()
        names = {
            pid: f"{last} {first}"
            for pid, last, first in db.session.execute(
                select(Person.id, Person.last_name, Person.first_name)
                .join(Enrolment, Enrolment.pupil_id == Person.id)
                .where(Enrolment.class_id == group.class_id)
            )
        }
    expected: dict[tuple[int, int], list[str]] = {}
    for pupil, lesson, value in marks:
        expected.setdefault((pupil, lesson), []).append(str(value))
    for pupil, lesson, code in absent:
        expected.setdefault((pupil, lesson), []).insert(0, code)
    rows = re.findall(
        r'<th scope="row" class="pupil-name">([^<]*)</th>(.*?)<td class="avg sticky-avg">([^<]*)</td>', page, re.S
    )
    assert rows and marks
    by_name = {name: pid for pid, name in names.items()}
    assert len(by_name) == len(names) == len(rows)
    for name, cells, average in rows:
        pupil = by_name[unescape(name)]
        shown = [unescape(c) for c in re.findall(r"<td>([^<]*)</td>", cells)]
        assert shown == [" ".join(expected.get((pupil, lid), [])) for lid in lessons]
        avg = weighted_average((v, w) for pid, v, w in weighted if pid == pupil)
        assert average == (str(avg) if avg else "")


def _statements(app, client, url: str) -> int:
    from sqlalchemy import event

    from rp.extensions import db

    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        res = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert res.status_code == 200, url
    return len(seen)


#: Statements per page of the region benchmark's paths in the demo school (``bench/region.py`` prints
#: the same at region scale; its class teacher opens the sheet in one statement fewer than the operator
#: here): the navigation is read once, the class sheet reads its lessons once.
BUDGETS = {"week": 16, "marks": 16, "sheet": 16, "csv": 15, "xlsx": 15, "journal": 18}


def test_region_paths_keep_their_statement_budgets(rp_app, school):
    from rp.extensions import db
    from rp.models import Guardian
    from tests.rp.helpers import accept_consent
    from tests.rp.helpers import person_id

    accept_consent(rp_app, "ivanova.m")
    with rp_app.app_context():
        pupil = db.session.scalar(
            select(Guardian.pupil_id).where(Guardian.parent_id == person_id(rp_app, "ivanova.m")).order_by(Guardian.id)
        )
    parent = client_for(rp_app, "ivanova.m")
    operator = client_for(rp_app, "operator")
    teacher = client_for(rp_app, "uchitel")
    sheet = f"/reports/class/{_current_class(rp_app)}/sheet"
    urls = {
        "week": (parent, f"/diary/pupil/{pupil}/week"),
        "marks": (parent, f"/diary/pupil/{pupil}/marks"),
        "sheet": (operator, sheet),
        "csv": (operator, sheet + "?format=csv"),
        "xlsx": (operator, sheet + "?format=xlsx"),
        "journal": (teacher, f"/journal/group/{_teacher_group(rp_app)}"),
    }
    for client, url in urls.values():
        client.get(url)  # the first request of a client may warm caches
    counts = {name: _statements(rp_app, client, url) for name, (client, url) in urls.items()}
    assert counts == BUDGETS, str(counts)
