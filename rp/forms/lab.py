"""Forms of the diary's lab pages for trainers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from labkit.forms import FlaskForm


class DemoResetForm(FlaskForm):
    """Confirm returning the diary to the demo start."""

    submit = SubmitField(_l("Да, сбросить Дневник"))


class ScenarioLoadForm(FlaskForm):
    """Load one scenario of the library into both apps (the button of each row; only the CSRF token)."""

    submit = SubmitField(_l("Загрузить"))
