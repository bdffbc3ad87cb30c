"""Forms of the operator's ESIA client page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange

from labkit.forms import FlaskForm


class EsiaClientForm(FlaskForm):
    """Register a system that logs in over ESIA's protocol with its certificate(s)."""

    client_id = StringField(_l("Мнемоника системы (client_id)"), validators=[InputRequired(), Length(max=100)])
    client_name = StringField(_l("Название"), validators=[Length(max=200)])
    redirect_uris = TextAreaField(
        _l("Адреса возврата (redirect_uri), по одному в строке"), validators=[InputRequired(), Length(max=4000)]
    )
    scope = StringField(_l("Области доступа (scope)"), default="openid fullname", validators=[Length(max=2000)])
    min_level = IntegerField(_l("Минимальный уровень учётной записи"), default=1, validators=[NumberRange(1, 3)])
    access_token_alg = SelectField(
        _l("Подпись маркера доступа"), choices=[("RS256", "RS256"), ("GOST3410_2012_256", "ГОСТ Р 34.10-2012")]
    )
    signature_mode = SelectField(
        _l("Проверка client_secret"),
        choices=[("lab", _l("лабораторная (как реальные клиенты)")), ("strict", _l("строгая (как ЕСИА)"))],
    )
    certificates = TextAreaField(
        _l("Сертификаты (PEM), один или несколько"), validators=[InputRequired(), Length(max=200_000)]
    )
    submit = SubmitField(_l("Зарегистрировать"))


class RemoveForm(FlaskForm):
    """Remove a client (a button with the CSRF token)."""

    submit = SubmitField(_l("Удалить"))
