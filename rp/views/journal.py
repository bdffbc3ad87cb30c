"""The teacher's journal: a class's subject over a period, lessons with marks, attendance and homework; messages."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from rp.domain import access
from rp.domain.calendar import period_on
from rp.domain.marks import averages_for_pupils
from rp.domain.marks import suggest_period_mark
from rp.domain.messaging import send_by_smtp
from rp.domain.messaging import send_to_class_parents
from rp.domain.reports import class_pupils
from rp.extensions import db
from rp.forms.journal import AttendanceForm
from rp.forms.journal import IndividualHomeworkForm
from rp.forms.journal import LessonForm
from rp.forms.journal import MarkEditForm
from rp.forms.journal import MarkForm
from rp.forms.journal import MessageForm
from rp.forms.journal import PeriodMarksForm
from rp.models.comms import Message
from rp.models.journal import AttendanceCode
from rp.models.journal import AttendanceEntry
from rp.models.journal import Mark
from rp.models.journal import PeriodMark
from rp.models.journal import WorkType
from rp.models.school import Period
from rp.models.school import SchoolClass
from rp.models.school import SubjectGroup
from rp.models.timetable import Homework
from rp.models.timetable import IndividualHomework
from rp.models.timetable import Lesson
from rp.views.diarykit import diary_page
from rp.views.diarykit import nav_context
from rp.views.diarykit import now
from rp.views.diarykit import require
from rp.views.diarykit import today
from rp.views.diarykit import viewer

bp = Blueprint("journal", __name__)

PERIOD_VALUES = ("5", "4", "3", "2", "н/а", "зач")


@bp.get("/journal")
@diary_page
def index():
    """The teacher's subject groups and the class teacher's classes."""
    who = viewer()
    require(who.is_teacher or who.is_operator)
    groups = access.teacher_groups(db.session, who)
    classes = access.viewable_classes(db.session, who)
    return render_template("journal/index.html", **nav_context(), groups=groups, classes=classes)


def _group(group_id: int) -> SubjectGroup:
    require(access.can_view_group(db.session, viewer(), group_id))
    return db.session.get(SubjectGroup, group_id)


@bp.route("/journal/group/<int:group_id>", methods=["GET", "POST"])
@diary_page
def group(group_id: int):
    """The journal grid of a subject group for a period: pupils × lessons, averages, period marks."""
    grp = _group(group_id)
    cls = grp.school_class
    periods = list(db.session.scalars(select(Period).where(Period.year_id == cls.year_id).order_by(Period.starts_on)))
    period = next((p for p in periods if p.id == request.args.get("period", type=int)), None)
    period = period or period_on(db.session, cls.year_id, today())
    require(period is not None)
    can_edit = access.can_edit_group(db.session, viewer(), grp.id)
    pupils = class_pupils(db.session, cls.id)
    form = PeriodMarksForm()
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if form.validate_on_submit():
            _save_period_marks(grp, period, [p.id for p in pupils])
            db.session.commit()
            flash(_("Итоговые оценки сохранены."), "success")
            return redirect(url_for("journal.group", group_id=grp.id, period=period.id))
    lessons = list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.group_id == grp.id, Lesson.date >= period.starts_on, Lesson.date <= period.ends_on)
            .order_by(Lesson.date, Lesson.number)
        )
    )
    lesson_ids = [lesson.id for lesson in lessons]
    cells: dict[tuple[int, int], list[str]] = {}
    if lesson_ids:
        for mark in db.session.scalars(select(Mark).where(Mark.lesson_id.in_(lesson_ids)).order_by(Mark.id)):
            cells.setdefault((mark.pupil_id, mark.lesson_id), []).append(str(mark.value))
        for entry, code in db.session.execute(
            select(AttendanceEntry, AttendanceCode.code)
            .join(AttendanceCode, AttendanceCode.id == AttendanceEntry.code_id)
            .where(AttendanceEntry.lesson_id.in_(lesson_ids))
        ):
            cells.setdefault((entry.pupil_id, entry.lesson_id), []).insert(0, code)
    averages = {
        pupil_id: avg
        for (pupil_id, subject_id), avg in averages_for_pupils(
            db.session, [p.id for p in pupils], period.starts_on, period.ends_on
        ).items()
        if subject_id == grp.subject_id
    }
    finals = {
        pm.pupil_id: pm.value
        for pm in db.session.scalars(
            select(PeriodMark).where(PeriodMark.period_id == period.id, PeriodMark.subject_id == grp.subject_id)
        )
    }
    return render_template(
        "journal/group.html",
        **nav_context(),
        group=grp,
        cls=cls,
        periods=periods,
        period=period,
        lessons=lessons,
        pupils=pupils,
        cells=cells,
        averages=averages,
        suggested={pid: suggest_period_mark(avg) for pid, avg in averages.items()},
        finals=finals,
        can_edit=can_edit,
        form=form,
        period_values=PERIOD_VALUES,
    )


def _save_period_marks(grp: SubjectGroup, period: Period, pupil_ids: list[int]) -> None:
    existing = {
        pm.pupil_id: pm
        for pm in db.session.scalars(
            select(PeriodMark).where(PeriodMark.period_id == period.id, PeriodMark.subject_id == grp.subject_id)
        )
    }
    who = viewer()
    for pupil_id in pupil_ids:
        value = (request.form.get(f"pm_{pupil_id}") or "").strip()
        if value and value not in PERIOD_VALUES:
            continue
        current = existing.get(pupil_id)
        if not value:
            if current is not None:
                db.session.delete(current)
        elif current is None:
            db.session.add(
                PeriodMark(
                    pupil_id=pupil_id,
                    subject_id=grp.subject_id,
                    period_id=period.id,
                    value=value,
                    set_by=who.person_id,
                    set_at=now(),
                )
            )
        elif current.value != value:
            current.value, current.set_by, current.set_at = value, who.person_id, now()


def _lesson(lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    require(lesson is not None and access.can_view_group(db.session, viewer(), lesson.group_id))
    return lesson


def _fill_choices(lesson: Lesson, *forms) -> list:
    pupils = class_pupils(db.session, lesson.group.class_id)
    pupil_choices = [(p.id, p.full_name) for p in pupils]
    school_id = lesson.group.school_class.school_id
    works = db.session.scalars(select(WorkType).where(WorkType.school_id == school_id).order_by(WorkType.id)).all()
    codes = db.session.scalars(
        select(AttendanceCode).where(AttendanceCode.school_id == school_id).order_by(AttendanceCode.position)
    ).all()
    for form in forms:
        if hasattr(form, "pupil"):
            form.pupil.choices = pupil_choices
        if hasattr(form, "work_type"):
            form.work_type.choices = [
                (w.id, _("%(title)s (вес %(weight)s)", title=w.title, weight=w.weight)) for w in works
            ]
        if hasattr(form, "code"):
            form.code.choices = [(0, _("Присутствовал"))] + [(c.id, f"{c.code} — {c.title}") for c in codes]
    return pupils


def _render_lesson(lesson: Lesson, status: int = 200, **forms):
    lesson_form = forms.get("lesson_form") or LessonForm(prefix="lesson", formdata=None)
    if "lesson_form" not in forms:
        lesson_form.theme.data = lesson.theme
        lesson_form.status.data = lesson.status
        lesson_form.note.data = lesson.note
    mark_form = forms.get("mark_form") or MarkForm(prefix="mark", formdata=None)
    att_form = forms.get("att_form") or AttendanceForm(prefix="att", formdata=None)
    ihw_form = forms.get("ihw_form") or IndividualHomeworkForm(prefix="ihw", formdata=None)
    pupils = _fill_choices(lesson, mark_form, att_form, ihw_form)
    who = viewer()
    window = current_app.config["MARK_EDIT_WINDOW_DAYS"]
    marks = db.session.scalars(select(Mark).where(Mark.lesson_id == lesson.id).order_by(Mark.id)).all()
    by_pupil: dict[int, list[Mark]] = {}
    for mark in marks:
        by_pupil.setdefault(mark.pupil_id, []).append(mark)
    attendance = {
        e.pupil_id: e for e in db.session.scalars(select(AttendanceEntry).where(AttendanceEntry.lesson_id == lesson.id))
    }
    return render_template(
        "journal/lesson.html",
        **nav_context(),
        lesson=lesson,
        pupils=pupils,
        marks=by_pupil,
        editable={m.id: access.can_change_mark(db.session, who, m, today(), window) for m in marks},
        attendance=attendance,
        homework=db.session.scalars(select(Homework).where(Homework.lesson_id == lesson.id)).all(),
        individual=db.session.scalars(
            select(IndividualHomework).where(IndividualHomework.lesson_id == lesson.id)
        ).all(),
        can_edit=access.can_edit_lesson(db.session, who, lesson),
        lesson_form=lesson_form,
        mark_form=mark_form,
        att_form=att_form,
        ihw_form=ihw_form,
    ), status


@bp.get("/journal/lesson/<int:lesson_id>")
@diary_page
def lesson(lesson_id: int):
    """A lesson: its theme and homework, and every pupil's marks and attendance, with the entry forms."""
    return _render_lesson(_lesson(lesson_id))


def _editable_lesson(lesson_id: int) -> Lesson:
    lesson = _lesson(lesson_id)
    if not access.can_edit_lesson(db.session, viewer(), lesson):
        abort(403)
    return lesson


@bp.post("/journal/lesson/<int:lesson_id>/info")
@diary_page
def lesson_info(lesson_id: int):
    """Save the lesson's theme, class homework and timetable change."""
    lesson = _editable_lesson(lesson_id)
    form = LessonForm(prefix="lesson")
    if not form.validate_on_submit():
        return _render_lesson(lesson, 400, lesson_form=form)
    lesson.theme = form.theme.data or None
    lesson.status = form.status.data
    lesson.note = form.note.data or None
    if form.homework.data and form.homework.data.strip():
        db.session.add(
            Homework(
                lesson_id=lesson.id, text=form.homework.data.strip(), created_by=viewer().person_id, created_at=now()
            )
        )
    db.session.commit()
    flash(_("Урок сохранён."), "success")
    return redirect(url_for("journal.lesson", lesson_id=lesson.id))


@bp.post("/journal/lesson/<int:lesson_id>/marks")
@diary_page
def add_mark(lesson_id: int):
    """Give a pupil a mark for a typed work at the lesson."""
    lesson = _editable_lesson(lesson_id)
    form = MarkForm(prefix="mark")
    _fill_choices(lesson, form)
    if not form.validate_on_submit():
        return _render_lesson(lesson, 400, mark_form=form)
    db.session.add(
        Mark(
            pupil_id=form.pupil.data,
            lesson_id=lesson.id,
            work_type_id=form.work_type.data,
            value=form.value.data,
            comment=form.comment.data or None,
            created_at=now(),
            created_by=viewer().person_id,
        )
    )
    db.session.commit()
    flash(_("Оценка поставлена."), "success")
    return redirect(url_for("journal.lesson", lesson_id=lesson.id))


@bp.post("/journal/lesson/<int:lesson_id>/attendance")
@diary_page
def set_attendance(lesson_id: int):
    """Record a pupil's absence or lateness (or presence, which removes the entry)."""
    lesson = _editable_lesson(lesson_id)
    form = AttendanceForm(prefix="att")
    _fill_choices(lesson, form)
    if not form.validate_on_submit():
        return _render_lesson(lesson, 400, att_form=form)
    entry = db.session.scalar(
        select(AttendanceEntry).where(
            AttendanceEntry.lesson_id == lesson.id, AttendanceEntry.pupil_id == form.pupil.data
        )
    )
    if form.code.data == 0:
        if entry is not None:
            db.session.delete(entry)
    elif entry is None:
        db.session.add(
            AttendanceEntry(
                lesson_id=lesson.id,
                pupil_id=form.pupil.data,
                code_id=form.code.data,
                comment=form.comment.data or None,
                created_by=viewer().person_id,
                created_at=now(),
            )
        )
    else:
        entry.code_id, entry.comment = form.code.data, form.comment.data or None
    db.session.commit()
    flash(_("Посещаемость сохранена."), "success")
    return redirect(url_for("journal.lesson", lesson_id=lesson.id))


@bp.post("/journal/lesson/<int:lesson_id>/individual")
@diary_page
def add_individual(lesson_id: int):
    """Set homework for one pupil (e.g. to catch up on missed lessons)."""
    lesson = _editable_lesson(lesson_id)
    form = IndividualHomeworkForm(prefix="ihw")
    _fill_choices(lesson, form)
    if not form.validate_on_submit():
        return _render_lesson(lesson, 400, ihw_form=form)
    db.session.add(
        IndividualHomework(
            lesson_id=lesson.id,
            pupil_id=form.pupil.data,
            text=form.text.data.strip(),
            due_on=form.due_on.data,
            created_by=viewer().person_id,
            created_at=now(),
        )
    )
    db.session.commit()
    flash(_("Индивидуальное задание выдано."), "success")
    return redirect(url_for("journal.lesson", lesson_id=lesson.id))


@bp.route("/journal/mark/<int:mark_id>", methods=["GET", "POST"])
@diary_page
def edit_mark(mark_id: int):
    """Change or delete a mark: its teacher within the editing window, the operator at any time."""
    mark = db.session.get(Mark, mark_id)
    require(mark is not None)
    lesson = _lesson(mark.lesson_id)
    window = current_app.config["MARK_EDIT_WINDOW_DAYS"]
    if not access.can_change_mark(db.session, viewer(), mark, today(), window):
        abort(403, description=_("Срок изменения оценки истёк: исправить её может только оператор школы."))
    form = MarkEditForm(obj=None)
    _fill_choices(lesson, form)
    if request.method == "GET":
        form.value.data, form.work_type.data, form.comment.data = mark.value, mark.work_type_id, mark.comment
    elif form.validate_on_submit():
        if form.delete.data:
            db.session.delete(mark)
            flash(_("Оценка удалена."), "success")
        else:
            mark.value, mark.work_type_id = form.value.data, form.work_type.data
            mark.comment = form.comment.data or None
            mark.updated_at, mark.updated_by = now(), viewer().person_id
            flash(_("Оценка изменена."), "success")
        db.session.commit()
        return redirect(url_for("journal.lesson", lesson_id=lesson.id))
    return render_template(
        "journal/mark.html", **nav_context(), mark=mark, lesson=lesson, form=form
    ), 200 if request.method == "GET" else 400


@bp.route("/journal/class/<int:class_id>/messages", methods=["GET", "POST"])
@diary_page
def messages(class_id: int):
    """The class teacher's messages to all parents of the class, with each recipient's delivery."""
    require(access.can_view_class(db.session, viewer(), class_id))
    cls = db.session.get(SchoolClass, class_id)
    can_send = access.can_message_class(db.session, viewer(), class_id)
    form = MessageForm()
    if request.method == "POST":
        if not can_send:
            abort(403)
        if form.validate_on_submit():
            message = send_to_class_parents(
                db.session, class_id, viewer().person_id, form.subject.data.strip(), form.body.data.strip(), now()
            )
            if current_app.config.get("SMTP_URL"):
                send_by_smtp(
                    db.session, message, current_app.config["SMTP_URL"], current_app.config["MAIL_FROM"], now()
                )
            db.session.commit()
            flash(
                _("Сообщение отправлено: получателей — %(n)s.", n=len({d.recipient_id for d in message.deliveries})),
                "success",
            )
            return redirect(url_for("journal.messages", class_id=class_id))
    sent = db.session.scalars(
        select(Message).where(Message.class_id == class_id).order_by(Message.created_at.desc(), Message.id.desc())
    ).all()
    return render_template(
        "journal/messages.html", **nav_context(), cls=cls, form=form, sent=sent, can_send=can_send
    ), 400 if form.errors else 200
