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
from markupsafe import Markup
from markupsafe import escape
from sqlalchemy import select

from rp.domain import access
from rp.domain import journal
from rp.domain.calendar import in_time_order
from rp.domain.calendar import year_periods
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
from rp.labels import attendance_letter
from rp.labels import school_word
from rp.models.comms import Message
from rp.models.journal import Mark
from rp.models.school import SchoolClass
from rp.models.school import SubjectGroup
from rp.models.timetable import Lesson
from rp.views.diarykit import chosen_period
from rp.views.diarykit import diary_page
from rp.views.diarykit import nav_context
from rp.views.diarykit import now
from rp.views.diarykit import require
from rp.views.diarykit import today
from rp.views.diarykit import viewer

bp = Blueprint("journal", __name__)


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
    periods = in_time_order(year_periods(db.session, [cls.year_id]))
    period = chosen_period(periods)
    require(period is not None)
    can_edit = access.can_edit_group(db.session, viewer(), grp.id)
    pupils = class_pupils(db.session, cls.id)
    form = PeriodMarksForm()
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if form.validate_on_submit():
            values = journal.period_mark_values(request.form, [p.id for p in pupils])
            journal.save_period_marks(db.session, grp, period, values, viewer().person_id, now())
            db.session.commit()
            flash(_("Итоговые оценки сохранены."), "success")
            return redirect(url_for("journal.group", group_id=grp.id, period=period.id))
    grid = journal.journal_grid(db.session, grp, period, [p.id for p in pupils])
    return render_template(
        "journal/group.html",
        **nav_context(),
        group=grp,
        cls=cls,
        periods=periods,
        period=period,
        lessons=grid.lessons,
        pupils=pupils,
        row_cells=_row_cells(grid, pupils),
        averages=grid.averages,
        suggested=grid.suggested,
        finals=grid.finals,
        can_edit=can_edit,
        form=form,
        period_values=journal.PERIOD_VALUES,
        att_codes=journal.attendance_codes(db.session, cls.school_id),
    )


def _row_cells(grid: journal.JournalGrid, pupils: list) -> dict[int, Markup]:
    """Return {pupil id: the row's lesson cells as HTML}, built here: a thousand cells cost the template ~10 ms."""
    lesson_ids = [lesson.id for lesson in grid.lessons]
    cells = grid.cells
    return {
        p.id: Markup("".join(f"<td>{escape(' '.join(cells.get((p.id, lid), ())))}</td>" for lid in lesson_ids))
        for p in pupils
    }


def _lesson(lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    require(lesson is not None and access.can_view_group(db.session, viewer(), lesson.group_id))
    return lesson


def _fill_choices(lesson: Lesson, *forms) -> list:
    pupils = class_pupils(db.session, lesson.group.class_id)
    pupil_choices = [(p.id, p.full_name) for p in pupils]
    school_id = lesson.group.school_class.school_id
    works = journal.work_types(db.session, school_id)
    codes = journal.attendance_codes(db.session, school_id)
    for form in forms:
        if hasattr(form, "pupil"):
            form.pupil.choices = pupil_choices
        if hasattr(form, "work_type"):
            form.work_type.choices = [
                (w.id, _("%(title)s (вес %(weight)s)", title=school_word(w.title), weight=w.weight)) for w in works
            ]
        if hasattr(form, "code"):
            form.code.choices = [(0, _("Присутствовал"))] + [
                (c.id, f"{attendance_letter(c.code)} — {school_word(c.title)}") for c in codes
            ]
    return pupils


def _render_lesson(lesson: Lesson, status: int = 200, **forms):
    entries = journal.lesson_entries(db.session, lesson)
    lesson_form = forms.get("lesson_form") or LessonForm(prefix="lesson", formdata=None)
    if "lesson_form" not in forms:
        lesson_form.theme.data = lesson.theme
        lesson_form.homework.data = "\n".join(h.text for h in entries.homework)
        lesson_form.status.data = lesson.status
        lesson_form.note.data = lesson.note
    mark_form = forms.get("mark_form") or MarkForm(prefix="mark", formdata=None)
    att_form = forms.get("att_form") or AttendanceForm(prefix="att", formdata=None)
    ihw_form = forms.get("ihw_form") or IndividualHomeworkForm(prefix="ihw", formdata=None)
    pupils = _fill_choices(lesson, mark_form, att_form, ihw_form)
    who = viewer()
    window = current_app.config["MARK_EDIT_WINDOW_DAYS"]
    return render_template(
        "journal/lesson.html",
        **nav_context(),
        lesson=lesson,
        pupils=pupils,
        marks=entries.marks_by_pupil,
        editable={m.id: access.can_change_mark(db.session, who, m, today(), window) for m in entries.marks},
        attendance=entries.attendance,
        homework=entries.homework,
        individual=entries.individual,
        can_edit=access.can_edit_lesson(db.session, who, lesson),
        lesson_form=lesson_form,
        mark_form=mark_form,
        att_form=att_form,
        ihw_form=ihw_form,
        att_codes=journal.attendance_codes(db.session, lesson.group.school_class.school_id),
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
    journal.update_lesson(
        db.session,
        lesson,
        theme=form.theme.data,
        status=form.status.data,
        note=form.note.data,
        homework=form.homework.data,
        by=viewer().person_id,
        at=now(),
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
    journal.add_mark(
        db.session,
        lesson,
        pupil_id=form.pupil.data,
        work_type_id=form.work_type.data,
        value=form.value.data,
        comment=form.comment.data,
        by=viewer().person_id,
        at=now(),
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
    journal.set_attendance(
        db.session,
        lesson,
        pupil_id=form.pupil.data,
        code_id=form.code.data,
        comment=form.comment.data,
        by=viewer().person_id,
        at=now(),
    )
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
    journal.add_individual_homework(
        db.session,
        lesson,
        pupil_id=form.pupil.data,
        text=form.text.data,
        due_on=form.due_on.data,
        by=viewer().person_id,
        at=now(),
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
            journal.delete_mark(db.session, mark)
            flash(_("Оценка удалена."), "success")
        else:
            journal.change_mark(
                mark,
                value=form.value.data,
                work_type_id=form.work_type.data,
                comment=form.comment.data,
                by=viewer().person_id,
                at=now(),
            )
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
