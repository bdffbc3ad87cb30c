"""Forms of the lab page: the clock, the registry policy, the verification pace and the demo reset."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from labkit.forms import FlaskForm
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


#: The registry policies by name, as the lab page says which one is on.
POLICY_NAMES = {"lenient": _l("мягкая"), "strict": _l("строгая")}


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


class PaceForm(FlaskForm):
    """Choose how fast registry checks complete: real, instant or accelerated by a factor."""

    pace = SelectField(
        _l("Скорость проверки"),
        choices=[
            ("real", _l("Реальная: задержка как в настройках стенда")),
            ("accelerated", _l("Ускоренная: задержка делится на множитель")),
            ("instant", _l("Мгновенная: проверка завершается при следующем запросе")),
        ],
    )
    factor = IntegerField(
        _l("Множитель"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10_000_000, message=_l("Множитель — целое число от 1 до 10 000 000.")),
        ],
        description=_l("Для ускоренной скорости: 1440 — сутки за минуту, 60 — час за минуту."),
    )
    submit = SubmitField(_l("Применить скорость"))


class DemoResetForm(FlaskForm):
    """Confirm returning the demo to its start (both apps)."""

    submit = SubmitField(_l("Да, сбросить демо"))
