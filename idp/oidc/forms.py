"""Forms of the OpenID Provider's own pages: consent and the logout confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms import SubmitField

from labkit.forms import FlaskForm


class ConsentForm(FlaskForm):
    """The consent decision: "Предоставить" or "Отказать"."""

    allow = SubmitField(_l("Предоставить"))
    deny = SubmitField(_l("Отказать"))


class EndSessionForm(FlaskForm):
    """Confirmation of a logout request that came without ``id_token_hint``."""

    post_logout_redirect_uri = HiddenField()
    client_id = HiddenField()
    state = HiddenField()
    confirm = SubmitField(_l("Выйти"))
