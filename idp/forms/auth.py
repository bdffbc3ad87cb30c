"""Forms of the log-in page and the log-out button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from labkit.forms import FlaskForm

REQUIRED = _l("Заполните это поле.")


class LoginForm(FlaskForm):
    """Phone, e-mail or SNILS, and the password."""

    login = StringField(_l("Телефон / Email / СНИЛС"), validators=[InputRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Пароль"), validators=[InputRequired(REQUIRED), Length(max=128)])
    next = HiddenField()
    submit = SubmitField(_l("Войти"))


class LogoutForm(FlaskForm):
    """The "Выйти" button (only the CSRF token)."""

    submit = SubmitField(_l("Выйти"))
