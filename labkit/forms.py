"""The form base class of both apps: Flask-WTF's ``FlaskForm`` that reads only HTML form bodies.

Flask-WTF fills a form from a JSON body too (``ImmutableMultiDict(request.get_json())``): a JSON list or
number then crashes, and numbers, lists or objects as field values reach validators that expect text.
No page of the lab is submitted as JSON, so a JSON body counts as an empty submission (the form is
re-shown with "required" errors) and never as data.
"""

from __future__ import annotations

import flask_wtf
from flask import request
from flask_wtf.form import _Auto


class FlaskForm(flask_wtf.FlaskForm):
    """``flask_wtf.FlaskForm`` without JSON bodies: use it for every form of both apps."""

    class Meta(flask_wtf.FlaskForm.Meta):
        """WTForms options: form data from the request's form, never its JSON body."""

        def wrap_formdata(self, form, formdata):  # noqa: D102  (WTForms hook)
            if formdata is _Auto and request.is_json and not request.form and not request.files:
                return None
            return super().wrap_formdata(form, formdata)
