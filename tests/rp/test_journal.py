"""Flow: the teacher records attendance and period marks in the journal; the pupil's diary shows them."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpers.forms import csrf_token
from tests.rp.helpers import TODAY
from tests.rp.helpers import client_for
from tests.rp.helpers import person_id


def _teacher_group(app):
    from rp.extensions import db
    from rp.models import Lesson
    from rp.models import SubjectGroup

    teacher = person_id(app, "uchitel")
    with app.app_context():
        return db.session.scalar(
            select(SubjectGroup.id)
            .join(Lesson, Lesson.group_id == SubjectGroup.id)
            .where(SubjectGroup.teacher_id == teacher, Lesson.date <= TODAY)
            .order_by(Lesson.date.desc(), SubjectGroup.class_id)
            .limit(1)
        )


def _period_marks(app, pupils):
    from rp.extensions import db
    from rp.models import PeriodMark

    with app.app_context():
        rows = db.session.scalars(select(PeriodMark).where(PeriodMark.pupil_id.in_(pupils)))
        return {(pm.pupil_id, pm.subject_id, pm.period_id): pm.value for pm in rows}


def _changed(before, after):
    """Return {pupil id: value or None} for the period marks added, changed or removed."""
    keys = set(before) | set(after)
    return {key[0]: after.get(key) for key in keys if before.get(key) != after.get(key)}


def test_period_marks_are_set_changed_and_removed(rp_app, school):  # noqa: F811
    group_id = _teacher_group(rp_app)
    client = client_for(rp_app, "uchitel")
    url = f"/journal/group/{group_id}"
    page = client.get(url).get_data(as_text=True)
    pupils = [int(pid) for pid in re.findall(r'name="pm_(\d+)"', page)]
    assert pupils
    before = _period_marks(rp_app, pupils)
    first, *others = pupils
    data = {"csrf_token": csrf_token(page), f"pm_{first}": "н/а"}
    data.update({f"pm_{pid}": "7" for pid in others})  # off the list: ignored, nothing stored
    assert client.post(url, data=data).status_code == 302
    assert _changed(before, _period_marks(rp_app, pupils)) == {first: "н/а"}
    assert client.post(url, data={"csrf_token": csrf_token(page), f"pm_{first}": "5"}).status_code == 302
    assert _changed(before, _period_marks(rp_app, pupils)) == {first: "5"}
    assert ">5</option>" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_token(page), f"pm_{first}": ""}).status_code == 302
    assert _period_marks(rp_app, pupils) == before


def test_attendance_is_recorded_changed_and_cleared(rp_app, school):  # noqa: F811
    from rp.extensions import db
    from rp.models import AttendanceCode
    from rp.models import AttendanceEntry
    from rp.models import Lesson

    group_id = _teacher_group(rp_app)
    pupil = person_id(rp_app, "uchenik")
    with rp_app.app_context():
        lesson_id = db.session.scalar(
            select(Lesson.id).where(Lesson.group_id == group_id, Lesson.date <= TODAY).order_by(Lesson.date)
        )
        code = db.session.scalar(select(AttendanceCode.id).order_by(AttendanceCode.position))
        db.session.execute(AttendanceEntry.__table__.delete().where(AttendanceEntry.lesson_id == lesson_id))
        db.session.commit()
    client = client_for(rp_app, "uchitel")
    page = client.get(f"/journal/lesson/{lesson_id}").get_data(as_text=True)
    token = csrf_token(page)
    url = f"/journal/lesson/{lesson_id}/attendance"
    form = {"csrf_token": token, "att-pupil": pupil, "att-code": code, "att-comment": "к врачу"}
    assert client.post(url, data=form).status_code == 302
    with rp_app.app_context():
        entries = db.session.scalars(select(AttendanceEntry).where(AttendanceEntry.lesson_id == lesson_id)).all()
        assert [(e.pupil_id, e.code_id, e.comment) for e in entries] == [(pupil, code, "к врачу")]
    assert client.post(url, data={**form, "att-code": 0}).status_code == 302
    with rp_app.app_context():
        assert db.session.scalars(select(AttendanceEntry).where(AttendanceEntry.lesson_id == lesson_id)).all() == []
