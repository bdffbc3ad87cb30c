"""Forms of the lab page: the clock and the registry policy."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import ValidationError

from fedlab.forms import FlaskForm
from shared.clock import parse_duration


class AdvanceClockForm(FlaskForm):
    """Move the lab clock forward by a duration such as ``2d`` or ``1d12h``."""

    duration = StringField(
        _l("На сколько"),
        validators=[InputRequired(_l("Укажите, например, 2d или 15m.")), Length(max=32)],
        description=_l("s — секунды, m — минуты, h — часы, d — дни, w — недели; например 2d или 1d12h"),
    )
    submit = SubmitField(_l("Перемотать"))

    def validate_duration(self, field) -> None:
        """Refuse anything that is not a duration."""
        try:
            parse_duration(field.data)
        except ValueError:
            raise ValidationError(_l("Не понимаю длительность: пишите, например, 2d, 3h или 1d12h.")) from None


class ResetClockForm(FlaskForm):
    """Put the lab clock back on real time."""

    submit = SubmitField(_l("Сбросить часы"))


class PolicyForm(FlaskForm):
    """Choose how the registries check profiles."""

    policy = SelectField(
        _l("Политика проверки"),
        choices=[
            ("lenient", _l("Мягкая: проходят любые корректно заполненные данные")),
            ("strict", _l("Строгая: паспорт и СНИЛС должны быть в реестре граждан")),
        ],
    )
    submit = SubmitField(_l("Применить"))
