"""Forms of the service-centre operator page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from labkit.forms import FlaskForm


class OperatorLoginForm(FlaskForm):
    """The operator password from the configuration."""

    password = PasswordField(_l("Пароль оператора"), validators=[InputRequired(_l("Введите пароль.")), Length(max=256)])
    submit = SubmitField(_l("Войти"))


class DecisionForm(FlaskForm):
    """Approve or reject a pending check; a rejection needs a reason."""

    reason = StringField(_l("Причина отказа"), validators=[Length(max=400)])
    approve = SubmitField(_l("Одобрить"))
    reject = SubmitField(_l("Отклонить"))


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token (confirm identity, log out)."""

    submit = SubmitField(_l("Подтвердить личность"))
