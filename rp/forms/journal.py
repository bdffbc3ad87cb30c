"""Forms of the teacher's journal and the class teacher's messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from labkit.forms import FlaskForm
from rp.domain.journal import MARK_SCALE
from rp.models.timetable import LESSON_CANCELLED
from rp.models.timetable import LESSON_MOVED
from rp.models.timetable import LESSON_NORMAL
from rp.models.timetable import LESSON_REPLACED

MARK_CHOICES = [(v, str(v)) for v in MARK_SCALE]
STATUS_CHOICES = [
    (LESSON_NORMAL, _l("По расписанию")),
    (LESSON_CANCELLED, _l("Отменён")),
    (LESSON_REPLACED, _l("Замена")),
    (LESSON_MOVED, _l("Перенесён")),
]


class LessonForm(FlaskForm):
    """Theme, homework and timetable change of a lesson."""

    theme = StringField(_l("Тема урока"), validators=[Optional(), Length(max=255)])
    homework = TextAreaField(_l("Домашнее задание для класса"), validators=[Optional(), Length(max=2000)])
    status = SelectField(_l("Состояние урока"), choices=STATUS_CHOICES, default=LESSON_NORMAL)
    note = StringField(_l("Пояснение для родителей"), validators=[Optional(), Length(max=255)])
    save = SubmitField(_l("Сохранить урок"))


class MarkForm(FlaskForm):
    """A new mark for a pupil at the lesson."""

    pupil = SelectField(_l("Ученик"), coerce=int, validators=[InputRequired()])
    value = SelectField(_l("Оценка"), coerce=int, choices=MARK_CHOICES, validators=[InputRequired()])
    work_type = SelectField(_l("Вид работы"), coerce=int, validators=[InputRequired()])
    comment = StringField(_l("Комментарий"), validators=[Optional(), Length(max=255)])
    add = SubmitField(_l("Поставить оценку"))


class MarkEditForm(FlaskForm):
    """Change or delete a mark within the editing window."""

    value = SelectField(_l("Оценка"), coerce=int, choices=MARK_CHOICES, validators=[InputRequired()])
    work_type = SelectField(_l("Вид работы"), coerce=int, validators=[InputRequired()])
    comment = StringField(_l("Комментарий"), validators=[Optional(), Length(max=255)])
    save = SubmitField(_l("Сохранить"))
    delete = SubmitField(_l("Удалить оценку"))


class AttendanceForm(FlaskForm):
    """A pupil's attendance at the lesson (``0`` = present, removes the entry)."""

    pupil = SelectField(_l("Ученик"), coerce=int, validators=[InputRequired()])
    code = SelectField(_l("Отметка"), coerce=int, validators=[InputRequired()])
    comment = StringField(_l("Комментарий"), validators=[Optional(), Length(max=255)])
    mark_attendance = SubmitField(_l("Отметить"))


class IndividualHomeworkForm(FlaskForm):
    """Homework for one pupil, e.g. for the lessons they missed."""

    pupil = SelectField(_l("Ученик"), coerce=int, validators=[InputRequired()])
    text = TextAreaField(_l("Задание"), validators=[DataRequired(), Length(max=2000)])
    due_on = DateField(_l("Срок"), validators=[InputRequired()])
    assign = SubmitField(_l("Задать"))


class MessageForm(FlaskForm):
    """A message to all parents of a class."""

    subject = StringField(_l("Тема"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Текст сообщения"), validators=[DataRequired(), Length(max=2000)])
    send = SubmitField(_l("Отправить всем родителям класса"))


class PeriodMarksForm(FlaskForm):
    """The period marks of a subject group (fields ``pm_<pupil id>`` are read from the request)."""

    save = SubmitField(_l("Сохранить итоговые оценки"))
