"""Forms of the diary's login, the Gosuslugi linking pages and the profile settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import ValidationError

from labkit.forms import FlaskForm
from rp.domain.passwords import password_problem
from shared import validators

_FIELD_MESSAGES = {
    "phone_required": _l("Укажите номер телефона."),
    "phone_format": _l("Номер телефона в формате +7 xxx xxxxxxx."),
    "phone_not_mobile": _l("Нужен номер мобильного телефона (+7 9xx xxxxxxx)."),
    "email_required": _l("Укажите адрес электронной почты."),
    "email_format": _l("Адрес электронной почты указан неверно."),
}


class LoginForm(FlaskForm):
    """The diary's own login and password."""

    login = StringField(_l("Логин"), validators=[DataRequired(_l("Введите логин.")), Length(max=64)])
    password = PasswordField(_l("Пароль"), validators=[DataRequired(_l("Введите пароль.")), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Войти"))


class EsiaStartForm(FlaskForm):
    """The "Войти через ГосУслуги" button of a regional login page: a CSRF-checked POST that starts the login."""

    next = HiddenField()
    submit = SubmitField(_l("Войти через ГосУслуги"))


class LinkLoginForm(FlaskForm):
    """Diary login and password typed on the "profile not found" page to link the accounts."""

    login = StringField(_l("Логин"), validators=[DataRequired(_l("Введите логин.")), Length(max=64)])
    password = PasswordField(_l("Пароль"), validators=[DataRequired(_l("Введите пароль.")), Length(max=200)])
    submit = SubmitField(_l("Привязать"))


class ContinueForm(FlaskForm):
    """A single "Далее" (or confirm) button, CSRF-protected."""

    submit = SubmitField(_l("Далее"))


class ContactsForm(FlaskForm):
    """Page 2 of the first login: phone and e-mail, both required."""

    phone = StringField(_l("Телефон"), description=_l("Формат: +7 xxx xxxxxxx"))
    email = StringField(_l("Электронная почта"))
    submit = SubmitField(_l("Далее"))

    def validate_phone(self, field: StringField) -> None:
        """Accept any usual typing of a Russian mobile number; keep it normalised."""
        try:
            field.data = validators.normalize_phone(field.data or "")
        except validators.ValidationError as exc:
            raise ValidationError(str(_FIELD_MESSAGES[exc.code])) from None

    def validate_email(self, field: StringField) -> None:
        """Accept a syntactically valid address; keep it normalised."""
        try:
            field.data = validators.normalize_email(field.data or "")
        except validators.ValidationError as exc:
            raise ValidationError(str(_FIELD_MESSAGES[exc.code])) from None


class DiaryPasswordForm(FlaskForm):
    """Page 3 of the first login: the diary password, typed twice."""

    password = PasswordField(_l("Пароль для Дневник.ру"))
    repeat = PasswordField(_l("Повторите пароль"), validators=[EqualTo("password", _l("Пароли не совпадают."))])
    submit = SubmitField(_l("Далее"))

    def validate_password(self, field: PasswordField) -> None:
        """Apply the diary password rule: at least 6 characters, digits or Latin letters only."""
        problem = password_problem(field.data)
        if problem == "password_short":
            raise ValidationError(str(_l("Пароль должен быть не короче 6 символов.")))
        if problem == "password_chars":
            raise ValidationError(str(_l("Только цифры и латинские буквы (английская раскладка).")))


class UnlinkForm(FlaskForm):
    """Remove the Gosuslugi link from the profile settings."""

    submit = SubmitField(_l("Отвязать учётную запись госуслуг"))


class LogoutForm(FlaskForm):
    """Log out (a POST with CSRF)."""

    submit = SubmitField(_l("Выйти"))
