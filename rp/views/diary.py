"""The parent's and pupil's diary: week, day summary, marks with averages and a chart, news, achievements."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from flask import Blueprint
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from sqlalchemy import select

from rp.domain import access
from rp.domain.calendar import FIRST_DAY
from rp.domain.calendar import in_time_order
from rp.domain.calendar import week_start
from rp.domain.calendar import year_periods
from rp.domain.charts import attendance_chart
from rp.domain.charts import marks_chart
from rp.domain.diary import achievements_of
from rp.domain.diary import attendance_weeks
from rp.domain.diary import news_for
from rp.domain.diary import pupil_classes
from rp.domain.diary import pupil_days
from rp.domain.journal import attendance_codes
from rp.domain.marks import pupil_marks
from rp.extensions import db
from rp.models.journal import PeriodMark
from rp.models.people import Person
from rp.models.school import Period
from rp.views.dates import requested_day
from rp.views.diarykit import chosen_period
from rp.views.diarykit import diary_page
from rp.views.diarykit import nav_context
from rp.views.diarykit import require
from rp.views.diarykit import today
from rp.views.diarykit import viewer
from shared.i18n import N_

bp = Blueprint("diary", __name__)

#: Day names; the templates translate them with ``_(name)``.
WEEKDAYS = (
    N_("Понедельник"),
    N_("Вторник"),
    N_("Среда"),
    N_("Четверг"),
    N_("Пятница"),
    N_("Суббота"),
    N_("Воскресенье"),
)


def _pupil(pupil_id: int) -> Person:
    require(access.can_view_pupil(db.session, viewer(), pupil_id))
    pupil = db.session.get(Person, pupil_id)
    require(pupil is not None)
    session["diary_pupil"] = pupil_id
    return pupil


def _context(pupil: Person, tab: str, on: date | None = None) -> dict:
    """What every pupil page shows: the pupil, the tab, and the class (the one of ``on``'s school year, if any)."""
    classes = pupil_classes(db.session, pupil.id)
    that_year = [c for c in classes if on is not None and c.year.starts_on <= on <= c.year.ends_on]
    shown = that_year[0] if that_year else (classes[0] if classes else None)
    codes = attendance_codes(db.session, shown.school_id) if shown else []
    return {**nav_context(), "pupil": pupil, "tab": tab, "pupil_class": shown, "att_codes": codes}


@bp.get("/diary")
@diary_page
def index():
    """Landing page after login: the child's week for parents and pupils, the journal or school for staff."""
    who = viewer()
    pupils = access.visible_pupils(db.session, who)
    if pupils:
        chosen = session.get("diary_pupil")
        target = chosen if chosen in {p.id for p in pupils} else pupils[0].id
        return redirect(url_for("diary.week", pupil_id=target))
    if who.is_teacher:
        return redirect(url_for("journal.index"))
    if who.is_operator:
        return redirect(url_for("school.index"))
    return render_template("diary/no_roles.html", **nav_context())


@bp.get("/diary/pupil/<int:pupil_id>/week")
@diary_page
def week(pupil_id: int):
    """The diary week: lessons by day with timetable changes, marks, attendance and homework."""
    pupil = _pupil(pupil_id)
    monday = week_start(requested_day("d", today()))
    days = pupil_days(db.session, pupil.id, monday, monday + timedelta(days=6))
    week_days = [(monday + timedelta(days=i), WEEKDAYS[i]) for i in range(6)]
    return render_template(
        "diary/week.html",
        **_context(pupil, "week", monday + timedelta(days=5)),
        days=days,
        week_days=week_days,
        monday=monday,
        prev_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        today=today(),
    )


@bp.get("/diary/pupil/<int:pupil_id>/day")
@diary_page
def day(pupil_id: int):
    """The daily summary: the day's lessons, marks, absences and homework."""
    pupil = _pupil(pupil_id)
    the_day = requested_day("d", today())
    lessons = pupil_days(db.session, pupil.id, the_day, the_day).get(the_day, [])
    return render_template(
        "diary/day.html",
        **_context(pupil, "day", the_day),
        lessons=lessons,
        the_day=the_day,
        weekday=WEEKDAYS[the_day.weekday()],
        prev_day=the_day - timedelta(days=1),
        next_day=the_day + timedelta(days=1),
    )


def _periods_for(pupil: Person) -> list[Period]:
    return year_periods(db.session, [c.year_id for c in pupil_classes(db.session, pupil.id)])


@bp.get("/diary/pupil/<int:pupil_id>/marks")
@diary_page
def marks(pupil_id: int):
    """Marks by subject for a period, with weighted averages and a chart of the marks over time."""
    pupil = _pupil(pupil_id)
    periods = in_time_order(_periods_for(pupil))
    period = chosen_period(periods)
    subjects = pupil_marks(db.session, pupil.id, period.starts_on, period.ends_on) if period else []
    chosen = request.args.get("subject", type=int)
    if chosen not in {s.subject_id for s in subjects}:
        chosen = None
    series = [
        (s.subject_id, s.subject_name, [(m.date, m.value, m.weight) for m in s.marks])
        for s in subjects
        if chosen in (None, s.subject_id)
    ]
    weeks = attendance_weeks(db.session, pupil.id, period.starts_on, min(period.ends_on, today())) if period else []
    return render_template(
        "diary/marks.html",
        **_context(pupil, "marks", period.starts_on if period else None),
        periods=periods,
        period=period,
        subjects=subjects,
        chosen_subject=chosen,
        chart=marks_chart(series),
        attendance=attendance_chart(weeks),
    )


@bp.get("/diary/pupil/<int:pupil_id>/period-marks")
@diary_page
def period_marks(pupil_id: int):
    """The pupil's final marks for every period of each school year."""
    pupil = _pupil(pupil_id)
    periods = _periods_for(pupil)
    rows = db.session.scalars(select(PeriodMark).where(PeriodMark.pupil_id == pupil.id)).all()
    finals = {(pm.subject_id, pm.period_id): pm.value for pm in rows}
    years: dict[int, dict] = {}
    for period in in_time_order(periods):
        years.setdefault(period.year_id, {"year": period.year, "periods": []})["periods"].append(period)
    from rp.domain.reports import class_subjects

    classes = pupil_classes(db.session, pupil.id)
    subjects_by_year = {c.year_id: class_subjects(db.session, c.id) for c in classes}
    return render_template(
        "diary/period_marks.html",
        **_context(pupil, "period_marks"),
        years=list(years.values()),
        finals=finals,
        subjects_by_year=subjects_by_year,
        class_by_year={c.year_id: c for c in classes},
    )


@bp.get("/diary/pupil/<int:pupil_id>/achievements")
@diary_page
def achievements(pupil_id: int):
    """Olympiads, contests and sport results of the pupil."""
    pupil = _pupil(pupil_id)
    return render_template(
        "diary/achievements.html", **_context(pupil, "achievements"), items=achievements_of(db.session, pupil.id)
    )


@bp.get("/diary/news")
@diary_page
def news():
    """News of the school and of the classes the viewer's pupils (or classes) belong to."""
    who = viewer()
    classes = [c for p in access.visible_pupils(db.session, who) for c in pupil_classes(db.session, p.id)]
    classes += access.viewable_classes(db.session, who)
    school_ids = {c.school_id for c in classes} | set(who.operator_schools)
    items = news_for(db.session, school_ids, {c.id for c in classes})
    return render_template("diary/news.html", **nav_context(), items=items, tab="news")


@bp.get("/api/diary/pupil/<int:pupil_id>/marks")
@diary_page
def api_marks(pupil_id: int):
    """JSON: the pupil's marks by subject with weighted averages between ``from`` and ``to`` (ISO dates)."""
    require(access.can_view_pupil(db.session, viewer(), pupil_id))
    end = requested_day("to", today())
    start = requested_day("from", max(end - timedelta(days=30), FIRST_DAY))
    subjects = pupil_marks(db.session, pupil_id, start, end)
    return jsonify(
        pupil_id=pupil_id,
        start=start.isoformat(),
        end=end.isoformat(),
        subjects=[
            {
                "subject": s.subject_name,
                "average": str(s.average) if s.average is not None else None,
                "suggested": s.suggested,
                "marks": [
                    {"date": m.date.isoformat(), "value": m.value, "weight": m.weight, "work": m.work_abbr}
                    for m in s.marks
                ],
            }
            for s in subjects
        ],
    )
