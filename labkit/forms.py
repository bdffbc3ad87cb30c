"""The form base class of both apps: Flask-WTF's ``FlaskForm`` that reads only HTML form bodies.

Flask-WTF fills a form from a JSON body too (``ImmutableMultiDict(request.get_json())``): a JSON list or
number then crashes, and numbers, lists or objects as field values reach validators that expect text.
No page of the lab is submitted as JSON, so a JSON body counts as an empty submission (the form is
re-shown with "required" errors) and never as data.
"""

from __future__ import annotations

from functools import lru_cache

import flask_wtf
from babel import support
from flask import current_app
from flask import request
from flask_babel import get_locale
from flask_wtf.form import _Auto
from wtforms.i18n import messages_path


class FlaskForm(flask_wtf.FlaskForm):
    """``flask_wtf.FlaskForm`` without JSON bodies: use it for every form of both apps."""

    class Meta(flask_wtf.FlaskForm.Meta):
        """WTForms options: form data from the request's form, never its JSON body."""

        def wrap_formdata(self, form, formdata):  # noqa: D102  (WTForms hook)
            if formdata is _Auto and request.is_json and not request.form and not request.files:
                return None
            return super().wrap_formdata(form, formdata)

        def get_translations(self, form):  # noqa: D102  (WTForms hook)
            # Flask-WTF re-reads WTForms' catalogue on every request; it never changes while the app runs.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations(str(get_locale()))


@lru_cache(maxsize=16)
def wtforms_translations(locale: str) -> support.Translations:
    """Return WTForms' own messages (``This field is required.``…) in ``locale``, read once per process."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")
