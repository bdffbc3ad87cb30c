"""Forms of access recovery: the login, the code from the SMS or e-mail, the new password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from idp.forms.registration import REQUIRED
from idp.forms.registration import CodeForm
from idp.forms.registration import ResendForm
from idp.forms.registration import password_field
from labkit.forms import FlaskForm


class RecoveryForm(FlaskForm):
    """Step 1: the phone, e-mail or SNILS of the account."""

    login = StringField(
        _l("Телефон / Email / СНИЛС"),
        validators=[InputRequired(REQUIRED), Length(max=254)],
        description=_l("Укажите данные, которые привязаны к вашей учётной записи."),
    )
    submit = SubmitField(_l("Получить код"))


#: Step 2 (the code that was sent) and "send again" are the registration's forms.
RecoveryCodeForm = CodeForm
RecoveryResendForm = ResendForm


class NewPasswordForm(FlaskForm):
    """Step 3: the new password, typed twice."""

    password = password_field(_l("Новый пароль"))
    password_repeat = password_field(_l("Повторите пароль"))
    submit = SubmitField(_l("Сохранить пароль"))
