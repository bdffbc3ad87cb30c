"""Forms of the registration steps: contacts, confirmation code, password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms import RadioField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.fields import EmailField
from wtforms.fields import TelField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from idp.messages import rule_message
from labkit.forms import FlaskForm

REQUIRED = _l("Заполните это поле.")


class PhoneRegistrationForm(FlaskForm):
    """The registration window's first way: surname, name and mobile phone; the code comes by SMS."""

    last_name = StringField(_l("Фамилия"), validators=[Length(max=100)])
    first_name = StringField(_l("Имя"), validators=[Length(max=100)])
    phone = TelField(
        _l("Мобильный телефон"),
        validators=[Length(max=32)],
        description=_l("Формат: +7 xxx xxxxxxx"),
    )
    submit = SubmitField(_l("Зарегистрироваться"))


class RegistrationForm(PhoneRegistrationForm):
    """«Другой способ регистрации»: surname, name, mobile phone, e-mail and how to confirm (the domain checks all)."""

    email = EmailField(_l("Электронная почта"), validators=[Length(max=254)])
    channel = RadioField(
        _l("Как подтвердить"),
        choices=[
            ("sms", _l("Кодом из SMS на мобильный телефон")),
            ("email", _l("Ссылкой из письма на электронную почту")),
        ],
        default="sms",
        validators=[InputRequired(REQUIRED)],
    )
    submit = SubmitField(_l("Зарегистрироваться"))


class CodeForm(FlaskForm):
    """Step 2: the confirmation code from the SMS."""

    code = StringField(_l("Код подтверждения"), validators=[InputRequired(REQUIRED), Length(max=16)])
    submit = SubmitField(_l("Продолжить"))


class ResendForm(FlaskForm):
    """Ask for a new code or link (only the CSRF token)."""

    submit = SubmitField(_l("Отправить код ещё раз"))


def password_field(label) -> PasswordField:
    """Return a required password field of at most 128 characters (the new password or its repeat)."""
    return PasswordField(label, validators=[InputRequired(REQUIRED), Length(max=128)])


class PasswordForm(FlaskForm):
    """Step 3: the password, typed twice."""

    password = password_field(_l("Пароль"))
    password_repeat = password_field(_l("Повторите пароль"))
    submit = SubmitField(_l("Сохранить пароль"))


def attach_errors(form: FlaskForm, errors: dict[str, list[str]]) -> None:
    """Show domain rule codes as messages under the matching fields of ``form``."""
    for name, codes in errors.items():
        field = form._fields.get(name)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = field.errors = list(target)
        target.extend(rule_message(code) for code in codes)
