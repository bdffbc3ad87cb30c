"""Reports: the class sheet (ведомость) of marks and absences for a date range, as rows, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.domain import xlsx
from rp.domain.marks import absence_totals
from rp.domain.marks import averages_for_pupils
from rp.domain.marks import missed_lessons
from rp.domain.marks import period_lessons
from rp.domain.marks import suggest_period_mark
from rp.models.journal import AttendanceCode
from rp.models.journal import PeriodMark
from rp.models.people import Person
from rp.models.school import Enrolment
from rp.models.school import Period
from rp.models.school import SchoolClass
from rp.models.school import Subject
from rp.models.school import SubjectGroup


@dataclass
class SheetCell:
    """One pupil × subject cell: the final period mark if set, else the weighted average and its suggestion."""

    final: str | None
    average: Decimal | None

    @property
    def text(self) -> str:
        """Return what the sheet prints: the final mark, else the average ("4.67"), else empty."""
        if self.final:
            return self.final
        return f"{self.average}" if self.average is not None else ""

    @property
    def suggested(self) -> int | None:
        """Return the mark the average suggests."""
        return suggest_period_mark(self.average)


@dataclass
class SheetRow:
    """A pupil's line of the sheet."""

    pupil: Person
    cells: dict[int, SheetCell]
    absences: Counter[str]
    missed: int


@dataclass
class Sheet:
    """The ведомость of a class over a date range (and, for a period, its final marks)."""

    school_class: SchoolClass
    title: str
    start: date
    end: date
    subjects: list[Subject]
    codes: list[AttendanceCode]
    rows: list[SheetRow] = field(default_factory=list)


def class_pupils(session: Session, class_id: int) -> list[Person]:
    """Return the pupils of a class in alphabetical order."""
    return list(
        session.scalars(
            select(Person)
            .join(Enrolment, Enrolment.pupil_id == Person.id)
            .where(Enrolment.class_id == class_id)
            .order_by(Person.last_name, Person.first_name, Person.id)
        )
    )


def class_subjects(session: Session, class_id: int) -> list[Subject]:
    """Return the subjects taught in a class, by name."""
    return list(
        session.scalars(
            select(Subject)
            .join(SubjectGroup, SubjectGroup.subject_id == Subject.id)
            .where(SubjectGroup.class_id == class_id)
            .order_by(Subject.name)
        )
    )


def class_sheet(
    session: Session, class_id: int, start: date, end: date, title: str, period: Period | None = None
) -> Sheet:
    """Build the sheet: pupils × subjects (period mark or weighted average) plus absence totals by code."""
    cls = session.get(SchoolClass, class_id)
    pupils = class_pupils(session, class_id)
    subjects = class_subjects(session, class_id)
    codes = list(
        session.scalars(
            select(AttendanceCode).where(AttendanceCode.school_id == cls.school_id).order_by(AttendanceCode.position)
        )
    )
    ids = [p.id for p in pupils]
    lessons = period_lessons(session, ids, start, end) if ids else {}
    averages = averages_for_pupils(session, ids, start, end, lessons=lessons)
    finals: dict[tuple[int, int], str] = {}
    if period is not None and ids:
        for pm in session.scalars(
            select(PeriodMark).where(PeriodMark.period_id == period.id, PeriodMark.pupil_id.in_(ids))
        ):
            finals[(pm.pupil_id, pm.subject_id)] = pm.value
    group_ids = list(session.scalars(select(SubjectGroup.id).where(SubjectGroup.class_id == class_id)))
    absences = absence_totals(session, ids, start, end, group_ids, lessons=lessons)
    sheet = Sheet(cls, title, start, end, subjects, codes)
    for pupil in pupils:
        cells = {s.id: SheetCell(finals.get((pupil.id, s.id)), averages.get((pupil.id, s.id))) for s in subjects}
        counts = absences.get(pupil.id, Counter())
        sheet.rows.append(SheetRow(pupil, cells, counts, missed_lessons(counts, codes)))
    return sheet


def sheet_table(sheet: Sheet) -> list[list[str]]:
    """Return the sheet as a header row plus one row per pupil (for CSV and XLSX)."""
    header = ["№", "Учащийся", *[s.name for s in sheet.subjects], *[c.code for c in sheet.codes], "Пропущено уроков"]
    table = [header]
    for n, row in enumerate(sheet.rows, start=1):
        table.append(
            [
                str(n),
                row.pupil.full_name,
                *[row.cells[s.id].text for s in sheet.subjects],
                *[str(row.absences.get(c.code, 0)) for c in sheet.codes],
                str(row.missed),
            ]
        )
    return table


def sheet_csv(sheet: Sheet) -> bytes:
    """Return the sheet as CSV for Russian Excel: UTF-8 with BOM, ``;`` separated, caption line first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [f"Ведомость {sheet.school_class.name}: {sheet.title} ({sheet.start:%d.%m.%Y}–{sheet.end:%d.%m.%Y})"]
    )
    writer.writerows(sheet_table(sheet))
    return out.getvalue().encode("utf-8-sig")


def sheet_xlsx(sheet: Sheet) -> bytes:
    """Return the sheet as an XLSX workbook (numbers stay numbers; caption and header in bold)."""
    caption = f"Ведомость {sheet.school_class.name}: {sheet.title} ({sheet.start:%d.%m.%Y}–{sheet.end:%d.%m.%Y})"
    rows: list[list[object]] = [[caption]]
    for i, row in enumerate(sheet_table(sheet)):
        rows.append([_number(v) if i and j != 1 else v for j, v in enumerate(row)])
    return xlsx.workbook(f"Ведомость {sheet.school_class.name}"[:31], rows, bold_rows={1, 2}, widths={"B": 34})


def _number(text: str) -> object:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text
