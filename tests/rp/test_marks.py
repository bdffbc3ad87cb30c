"""Mark calculations with hand-checked numbers."""

from __future__ import annotations

from collections import Counter
from datetime import date
from datetime import datetime
from decimal import Decimal

from rp.domain.access import mark_editable
from rp.domain.marks import missed_lessons
from rp.domain.marks import suggest_period_mark
from rp.domain.marks import weighted_average
from rp.models.journal import AttendanceCode


def test_weighted_average_uses_work_weights():
    # 5×1 + 3×3 + 4×2 = 22; weights 6 -> 3.666.. -> 3.67
    assert weighted_average([(5, 1), (3, 3), (4, 2)]) == Decimal("3.67")


def test_weighted_average_rounds_half_up_to_two_places():

    assert weighted_average([(5, 3), (4, 1), (5, 2), (3, 2)]) == Decimal("4.38")  # 35/8 = 4.375 -> 4.38
    assert weighted_average([(5, 5), (4, 3)]) == Decimal("4.63")  # 37/8 = 4.625 -> 4.63


def test_weighted_average_of_nothing_is_none():
    assert weighted_average([]) is None
    assert suggest_period_mark(None) is None


def test_period_mark_rounds_x_50_up():
    assert suggest_period_mark(Decimal("4.50")) == 5
    assert suggest_period_mark(Decimal("4.49")) == 4
    assert suggest_period_mark(Decimal("3.50")) == 4
    assert suggest_period_mark(Decimal("2.50")) == 3
    assert suggest_period_mark(Decimal("2.49")) == 2


def test_period_mark_from_displayed_average():
    # 4.495 exactly would round to 4, but parents see 4.50 (e.g. 899/200), so the suggestion is 5.
    avg = weighted_average([(5, 99), (4, 1)] + [(4, 100)])  # (495+4+400)/200 = 4.495 -> 4.50
    assert avg == Decimal("4.50")
    assert suggest_period_mark(avg) == 5


def test_missed_lessons_count_absences_not_lateness():
    codes = [
        AttendanceCode(code="Н", title="", is_absence=True),
        AttendanceCode(code="Б", title="", is_absence=True),
        AttendanceCode(code="ОП", title="", is_absence=False),
    ]
    assert missed_lessons(Counter({"Н": 2, "Б": 3, "ОП": 4}), codes) == 5


def test_editing_window_then_operator_only():
    created = datetime(2026, 9, 1, 14, 30)
    assert mark_editable(created, date(2026, 9, 8), 7, by_operator=False)
    assert not mark_editable(created, date(2026, 9, 9), 7, by_operator=False)
    assert mark_editable(created, date(2027, 1, 9), 7, by_operator=True)


def test_absence_totals_and_averages_from_the_database(rp_app):
    from rp.domain.marks import absence_totals
    from rp.domain.marks import pupil_marks
    from rp.extensions import db
    from rp.models import AttendanceEntry
    from rp.models import Enrolment
    from rp.models import Lesson
    from rp.models import Mark
    from rp.models import Person
    from rp.models import School
    from rp.models import SchoolClass
    from rp.models import SchoolYear
    from rp.models import Subject
    from rp.models import SubjectGroup
    from rp.models import WorkType

    with rp_app.app_context():
        s = db.session
        school = School(name="Ш", short_name="Ш", region="r", city="c")
        year = SchoolYear(school=school, title="2026/2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31))
        s.add_all([school, year])
        s.flush()
        cls = SchoolClass(school_id=school.id, year_id=year.id, grade=5, letter="А")
        pupil = Person(last_name="Петров", first_name="Иван")
        teacher = Person(last_name="Учитель", first_name="У")
        math = Subject(school_id=school.id, name="Математика", short_name="Мат")
        s.add_all([cls, pupil, teacher, math])
        s.flush()
        s.add(Enrolment(class_id=cls.id, pupil_id=pupil.id))
        group = SubjectGroup(class_id=cls.id, subject_id=math.id, teacher_id=teacher.id)
        answer = WorkType(school_id=school.id, title="Ответ", abbr="О", weight=1)
        test = WorkType(school_id=school.id, title="Контрольная", abbr="К", weight=3)
        n = AttendanceCode(school_id=school.id, code="Н", title="отсутствовал")
        b = AttendanceCode(school_id=school.id, code="Б", title="болел")
        s.add_all([group, answer, test, n, b])
        s.flush()
        lessons = [
            Lesson(group_id=group.id, date=date(2026, 9, d), number=1, starts_at="08:30", ends_at="09:15")
            for d in (2, 3, 4, 30)
        ]
        s.add_all(lessons)
        s.flush()
        s.add_all(
            [
                Mark(pupil_id=pupil.id, lesson_id=lessons[0].id, work_type_id=answer.id, value=5),
                Mark(pupil_id=pupil.id, lesson_id=lessons[1].id, work_type_id=test.id, value=3),
                Mark(pupil_id=pupil.id, lesson_id=lessons[3].id, work_type_id=test.id, value=2),  # outside range
                AttendanceEntry(lesson_id=lessons[2].id, pupil_id=pupil.id, code_id=n.id),
                AttendanceEntry(lesson_id=lessons[3].id, pupil_id=pupil.id, code_id=b.id),
            ]
        )
        s.commit()
        [maths] = pupil_marks(s, pupil.id, date(2026, 9, 1), date(2026, 9, 10))
        assert maths.average == Decimal("3.50")  # (5*1 + 3*3) / 4
        assert maths.suggested == 4
        totals = absence_totals(s, [pupil.id], date(2026, 9, 1), date(2026, 9, 30))
        assert totals[pupil.id] == Counter({"Н": 1, "Б": 1})
        assert absence_totals(s, [pupil.id], date(2026, 9, 1), date(2026, 9, 10))[pupil.id] == Counter({"Н": 1})
