"""Forms of the operator's pages: people, enrolment, guardians, classes, teachers, news and achievements.

The rules live in ``rp.domain.people`` and ``rp.domain.school_admin``; their refusal codes are turned into
the messages below and shown next to the field with what was typed (:func:`show_errors`).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange

from labkit.forms import FlaskForm
from rp.domain.people import RELATIONS
from rp.labels import ACHIEVEMENT_KIND_LABELS
from rp.labels import ACHIEVEMENT_LEVEL_LABELS
from rp.labels import ACHIEVEMENT_RESULT_LABELS
from rp.labels import ROLE_LABELS

MESSAGES = {
    "name_required": _l("Заполните это поле."),
    "name_format": _l("Только буквы, пробел, дефис и апостроф, до 100 символов."),
    "gender_required": _l("Укажите пол."),
    "date_required": _l("Укажите дату."),
    "date_format": _l("Дата в формате ДД.ММ.ГГГГ."),
    "date_in_future": _l("Дата не может быть в будущем."),
    "date_too_old": _l("Дата не может быть раньше 1900 года."),
    "snils_format": _l("СНИЛС — 11 цифр в формате XXX-XXX-XXX YY."),
    "snils_checksum": _l("СНИЛС введён с ошибкой: не сходится контрольное число."),
    "snils_taken": _l("Этот СНИЛС уже указан у другого человека."),
    "phone_format": _l("Номер телефона в формате +7 xxx xxxxxxx."),
    "phone_not_mobile": _l("Нужен номер мобильного телефона (+7 9xx xxxxxxx)."),
    "email_format": _l("Адрес электронной почты указан неверно."),
    "login_format": _l("Логин: от 3 до 64 латинских букв, цифр, точек, дефисов или подчёркиваний."),
    "login_taken": _l("Этот логин уже занят."),
    "login_required": _l("Укажите логин, для которого задаётся пароль."),
    "password_required": _l("Задайте начальный пароль для нового логина."),
    "password_short": _l("Пароль должен быть не короче 6 символов."),
    "password_chars": _l("Только цифры и латинские буквы (английская раскладка)."),
    "role_required": _l("Выберите хотя бы одну роль."),
    "role_unknown": _l("Такой роли нет."),
    "pupil_and_adult": _l("Ученик не может быть одновременно родителем или учителем."),
    "class_unknown": _l("Выберите класс этой школы."),
    "class_not_current": _l("Класс не текущего учебного года."),
    "class_has_teacher": _l("У этого класса уже есть классный руководитель."),
    "already_enrolled": _l("Ученик уже зачислен в другой класс этого учебного года."),
    "not_a_pupil": _l("Этот человек не ученик."),
    "guardian_self": _l("Человек не может быть родителем самому себе."),
    "guardian_exists": _l("Этот родитель уже привязан к ученику."),
    "parent_is_pupil": _l("Ученик не может быть родителем."),
    "relation_unknown": _l("Выберите, кем приходится родитель."),
    "contact_required": _l("Выберите хотя бы один способ связи."),
    "parent_no_email": _l("У родителя не указан адрес электронной почты."),
    "parent_no_phone": _l("У родителя не указан телефон."),
    "letter_format": _l("Буква класса — одна или две русские буквы."),
    "class_exists": _l("Такой класс в этом году уже есть."),
    "grade_range": _l("Параллель — число от 1 до 11."),
    "year_unknown": _l("Выберите учебный год школы."),
    "year_archived": _l("Прошедший учебный год только для чтения."),
    "not_a_teacher": _l("Этот человек не учитель школы."),
    "subject_unknown": _l("Выберите предмет школы."),
    "required": _l("Заполните это поле."),
    "choice": _l("Выберите значение из списка."),
}

ROLE_CHOICES = [(role, _l(ROLE_LABELS[role])) for role in ("pupil", "parent", "teacher", "class_teacher")]
GENDER_CHOICES = [("", "—"), ("M", _l("мужской")), ("F", _l("женский"))]
KIND_CHOICES = [(kind, _l(label)) for kind, label in ACHIEVEMENT_KIND_LABELS.items()]
LEVEL_CHOICES = [(level, _l(label)) for level, label in ACHIEVEMENT_LEVEL_LABELS.items()]
RESULT_CHOICES = [(result, _l(label)) for result, label in ACHIEVEMENT_RESULT_LABELS.items()]


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def show_errors(form: FlaskForm, errors: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> None:
    """Put domain refusal codes next to their fields (unknown fields go to the form's general errors)."""
    for name, code in errors.items():
        name = (aliases or {}).get(name, name)
        message = str(MESSAGES.get(code, code))
        field = getattr(form, name, None)
        if field is None or not hasattr(field, "errors"):
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]


class PersonForm(FlaskForm):
    """A person's data, roles and diary login (create and edit)."""

    last_name = StringField(_l("Фамилия"), validators=[Length(max=100)])
    first_name = StringField(_l("Имя"), validators=[Length(max=100)])
    middle_name = StringField(
        _l("Отчество"), validators=[Length(max=100)], description=_l("Оставьте пустым, если отчества нет.")
    )
    gender = SelectField(_l("Пол"), choices=GENDER_CHOICES, default="")
    birth_date = StringField(
        _l("Дата рождения"),
        validators=[Length(max=10)],
        description=_l("ДД.ММ.ГГГГ"),
        render_kw={"placeholder": _l("ДД.ММ.ГГГГ")},
    )
    snils = StringField(_l("СНИЛС"), validators=[Length(max=20)], description=_l("Необязательно. XXX-XXX-XXX YY"))
    phone = StringField(_l("Телефон"), validators=[Length(max=30)], description=_l("+7 xxx xxxxxxx"))
    email = StringField(_l("Электронная почта"), validators=[Length(max=254)])
    roles = MultiCheckboxField(_l("Роли"), choices=ROLE_CHOICES)
    class_id = SelectField(
        _l("Класс"),
        coerce=int,
        default=0,
        description=_l("Ученика зачислят в этот класс; классный руководитель получит этот класс."),
    )
    login = StringField(_l("Логин в дневнике"), validators=[Length(max=64)])
    password = PasswordField(
        _l("Начальный пароль"),
        validators=[Length(max=200)],
        description=_l("Не короче 6 символов: цифры и латинские буквы."),
    )
    save = SubmitField(_l("Сохранить"))

    def person_fields(self) -> dict[str, str]:
        """Return the typed personal data as the domain expects it."""
        names = ("last_name", "first_name", "middle_name", "gender", "birth_date", "snils", "phone", "email")
        return {name: getattr(self, name).data or "" for name in names}


class EnrolForm(FlaskForm):
    """Enrol a pupil in a class of the current year."""

    enrol_class = SelectField(_l("Класс"), coerce=int, validators=[InputRequired()])
    enrol = SubmitField(_l("Зачислить"))


class GuardianForm(FlaskForm):
    """Link a parent to a pupil with contact preferences."""

    parent_id = SelectField(_l("Родитель"), coerce=int, validators=[InputRequired()])
    relation = SelectField(_l("Кем приходится"), choices=[(r, _l(r)) for r in RELATIONS], default=RELATIONS[0])
    contact_email = BooleanField(_l("Сообщать по электронной почте"), default=True)
    contact_sms = BooleanField(_l("Сообщать по SMS"))
    link = SubmitField(_l("Привязать родителя"))


class ClassForm(FlaskForm):
    """A new class."""

    year_id = SelectField(_l("Учебный год"), coerce=int, validators=[InputRequired()])
    grade = IntegerField(
        _l("Параллель"),
        validators=[InputRequired(_l("Укажите параллель.")), NumberRange(1, 11, _l("Параллель — число от 1 до 11."))],
    )
    letter = StringField(_l("Буква"), validators=[DataRequired(_l("Укажите букву класса.")), Length(max=4)])
    class_teacher_id = SelectField(_l("Классный руководитель"), coerce=int, default=0)
    create = SubmitField(_l("Создать класс"))


class TeachingForm(FlaskForm):
    """Assign a teacher to a subject of a class."""

    subject_id = SelectField(_l("Предмет"), coerce=int, validators=[InputRequired()])
    teacher_id = SelectField(_l("Учитель"), coerce=int, validators=[InputRequired()])
    assign = SubmitField(_l("Назначить"))


class NewsForm(FlaskForm):
    """A news item for the school or one class."""

    target = SelectField(_l("Для кого"), coerce=int, validators=[InputRequired()])
    title = StringField(_l("Заголовок"), validators=[DataRequired(_l("Заполните это поле.")), Length(max=255)])
    body = TextAreaField(_l("Текст"), validators=[DataRequired(_l("Заполните это поле.")), Length(max=5000)])
    publish = SubmitField(_l("Опубликовать"))


class AchievementForm(FlaskForm):
    """A pupil's olympiad, contest or sport result."""

    kind = SelectField(_l("Вид"), choices=KIND_CHOICES)
    title = StringField(_l("Название"), validators=[DataRequired(_l("Заполните это поле.")), Length(max=255)])
    level = SelectField(_l("Уровень"), choices=LEVEL_CHOICES)
    result = SelectField(_l("Результат"), choices=RESULT_CHOICES)
    held_on = StringField(
        _l("Дата"),
        validators=[DataRequired(_l("Укажите дату.")), Length(max=10)],
        render_kw={"placeholder": _l("ДД.ММ.ГГГГ")},
    )
    add = SubmitField(_l("Добавить достижение"))
