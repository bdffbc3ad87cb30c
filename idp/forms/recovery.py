"""Forms of access recovery: the login, the code from the SMS or e-mail, the new password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from fedlab.forms import FlaskForm
from idp.forms.registration import REQUIRED


class RecoveryForm(FlaskForm):
    """Step 1: the phone, e-mail or SNILS of the account."""

    login = StringField(
        _l("Телефон / Email / СНИЛС"),
        validators=[InputRequired(REQUIRED), Length(max=254)],
        description=_l("Укажите данные, которые привязаны к вашей учётной записи."),
    )
    submit = SubmitField(_l("Получить код"))


class RecoveryCodeForm(FlaskForm):
    """Step 2: the code that was sent."""

    code = StringField(_l("Код подтверждения"), validators=[InputRequired(REQUIRED), Length(max=16)])
    submit = SubmitField(_l("Продолжить"))


class RecoveryResendForm(FlaskForm):
    """Ask for a new code (only the CSRF token)."""

    submit = SubmitField(_l("Отправить код ещё раз"))


class NewPasswordForm(FlaskForm):
    """Step 3: the new password, typed twice."""

    password = PasswordField(_l("Новый пароль"), validators=[InputRequired(REQUIRED), Length(max=128)])
    password_repeat = PasswordField(_l("Повторите пароль"), validators=[InputRequired(REQUIRED), Length(max=128)])
    submit = SubmitField(_l("Сохранить пароль"))
