"""Flow: the teacher enters a mark and absence at a lesson; the pupil's diary week shows them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.helpers.forms import csrf_token
from tests.rp.helpers import client_for
from tests.rp.helpers import person_id


def test_mark_entered_by_teacher_appears_in_the_diary(rp_app, school):
    from rp.extensions import db
    from rp.models import Lesson
    from rp.models import Mark
    from rp.models import SubjectGroup
    from rp.models import WorkType

    teacher, pupil = person_id(rp_app, "uchitel"), person_id(rp_app, "uchenik")
    with rp_app.app_context():
        lesson = db.session.scalar(
            select(Lesson)
            .join(SubjectGroup)
            .where(
                SubjectGroup.teacher_id == teacher,
                Lesson.date
                == select(Lesson.date)
                .where(Lesson.date <= date(2026, 9, 16))
                .order_by(Lesson.date.desc())
                .limit(1)
                .scalar_subquery(),
            )
            .order_by(SubjectGroup.class_id)
        )
        lesson_id, day = lesson.id, lesson.date
        work = db.session.scalar(select(WorkType.id).where(WorkType.abbr == "К"))
        before = db.session.scalar(select(Mark.id).order_by(Mark.id.desc()))
    client = client_for(rp_app, "uchitel")
    page = client.get(f"/journal/lesson/{lesson_id}").get_data(as_text=True)
    res = client.post(
        f"/journal/lesson/{lesson_id}/marks",
        data={
            "csrf_token": csrf_token(page),
            "mark-pupil": pupil,
            "mark-value": 2,
            "mark-work_type": work,
            "mark-comment": "Не решил задачу 3",
        },
    )
    assert res.status_code == 302
    bad = client.post(
        f"/journal/lesson/{lesson_id}/marks",
        data={"csrf_token": csrf_token(page), "mark-pupil": pupil, "mark-value": 7, "mark-work_type": work},
    )
    assert bad.status_code == 400
    with rp_app.app_context():
        assert db.session.scalar(select(Mark.id).order_by(Mark.id.desc())) == before + 1
    week = client_for(rp_app, "uchenik").get(f"/diary/pupil/{pupil}/week?d={day.isoformat()}").get_data(as_text=True)
    assert "Не решил задачу 3" in week


def test_the_diary_nav_logs_out_with_a_csrf_protected_form(rp_app, school):
    client = client_for(rp_app, "uchenik")
    page = client.get("/diary", follow_redirects=True).get_data(as_text=True)
    assert 'action="/logout"' in page and 'method="post"' in page
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    res = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert res.status_code == 302
    assert client.get("/diary").headers["Location"].startswith("/login")
