"""Access rules on every diary page and API route: someone else's data is a 403 or 404, never data."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers.forms import csrf_token
from tests.rp.helpers import accept_consent
from tests.rp.helpers import client_for

LOGINS = ("uchenik", "ivanova.m", "uchitel", "klassruk", "operator")


PUPIL_PAGES = (
    "/diary/pupil/{}/week",
    "/diary/pupil/{}/day",
    "/diary/pupil/{}/marks",
    "/diary/pupil/{}/period-marks",
    "/diary/pupil/{}/achievements",
    "/api/diary/pupil/{}/marks",
)


def matrix(t):
    """(url, logins allowed to read it); every other login must get 403/404."""
    rows = []
    for page in PUPIL_PAGES:
        rows.append((page.format(t["own_pupil"]), {"uchenik", "klassruk", "operator"}))
        rows.append((page.format(t["ivanova_child"]), {"ivanova.m", "klassruk", "operator"}))
        rows.append((page.format(t["pupil_7a"]), {"operator"}))
    rows += [
        ("/diary/news", set(LOGINS)),
        ("/journal", {"uchitel", "klassruk", "operator"}),
        (f"/journal/group/{t['group']}", {"uchitel", "klassruk", "operator"}),
        (f"/journal/group/{t['other_group']}", {"klassruk", "operator"}),
        (f"/journal/lesson/{t['lesson']}", {"uchitel", "klassruk", "operator"}),
        (f"/journal/mark/{t['mark']}", {"uchitel", "operator"}),
        (f"/journal/class/{t['class']}/messages", {"klassruk", "operator"}),
        (f"/journal/class/{t['class_7a']}/messages", {"operator"}),
        ("/reports", {"klassruk", "operator"}),
        (f"/reports/class/{t['class']}/sheet", {"klassruk", "operator"}),
        (f"/reports/class/{t['class']}/sheet?format=csv", {"klassruk", "operator"}),
        (f"/reports/class/{t['class']}/sheet?format=xlsx", {"klassruk", "operator"}),
        (f"/reports/class/{t['class_7a']}/sheet", {"operator"}),
        ("/school", {"operator"}),
        ("/school/people", {"operator"}),
        (f"/school/class/{t['class']}", {"operator"}),
    ]
    return rows


def test_every_route_for_every_role(rp_app, targets):
    clients = {login: client_for(rp_app, login) for login in LOGINS}
    failures = []
    for url, allowed in matrix(targets):
        for login, client in clients.items():
            res = client.get(url)
            ok = res.status_code == 200
            denied = res.status_code in (403, 404)
            if (login in allowed and not ok) or (login not in allowed and not denied):
                failures.append((url, login, res.status_code))
    assert failures == []


def test_denied_pages_show_no_data(rp_app, targets):
    from rp.extensions import db
    from rp.models import Person

    with rp_app.app_context():
        child = db.session.get(Person, targets["ivanova_child"])
        name = child.last_name
    res = client_for(rp_app, "uchenik").get(f"/diary/pupil/{targets['ivanova_child']}/week")
    assert res.status_code == 404
    assert name not in res.get_data(as_text=True)
    res = client_for(rp_app, "ivanova.m").get(f"/diary/pupil/{targets['ivanova_child']}/week")
    assert name in res.get_data(as_text=True)


def test_teacher_cannot_write_to_another_teachers_lesson(rp_app, targets):
    from sqlalchemy import func

    from rp.extensions import db
    from rp.models import Enrolment
    from rp.models import Lesson
    from rp.models import Mark
    from rp.models import WorkType

    with rp_app.app_context():
        other = db.session.scalar(select(Lesson.id).where(Lesson.group_id == targets["other_group"]))
        pupil = db.session.scalar(select(Enrolment.pupil_id).where(Enrolment.class_id == targets["class"]))
        work_type = db.session.scalar(select(WorkType.id).order_by(WorkType.id))
    client = client_for(rp_app, "uchitel")
    token = csrf_token(client.get(f"/journal/lesson/{targets['lesson']}").get_data(as_text=True))
    mark = {"mark-csrf_token": token, "mark-pupil": pupil, "mark-work_type": work_type, "mark-value": "5"}

    def marks_of(lesson_id: int) -> int:
        with rp_app.app_context():
            return db.session.scalar(select(func.count()).select_from(Mark).where(Mark.lesson_id == lesson_id))

    before = marks_of(other)
    assert client.post(f"/journal/lesson/{other}/marks", data=mark).status_code == 404
    assert marks_of(other) == before
    # The same valid form on the teacher's own lesson is accepted: the refusal above is the access rule.
    own_before = marks_of(targets["lesson"])
    assert client.post(f"/journal/lesson/{targets['lesson']}/marks", data=mark).status_code == 302
    assert marks_of(targets["lesson"]) == own_before + 1


def test_parent_with_two_children_gets_a_switcher(rp_app, school):
    accept_consent(rp_app, "kuznetsov.a")
    client = client_for(rp_app, "kuznetsov.a")
    res = client.get("/diary")
    assert res.status_code == 302
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert page.count('class="switcher"') == 1


def test_anonymous_is_sent_to_login(rp_app, targets):
    res = rp_app.test_client().get(f"/diary/pupil/{targets['own_pupil']}/week")
    assert res.status_code == 302
    assert res.headers["Location"].startswith("/login?next=")
