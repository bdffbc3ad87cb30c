"""Templates' ``_()`` with the request's translations looked up once, not on every string.

Flask-Babel's template callables resolve the request's domain, locale and catalogue on each call
(~50 µs); a page of the diary calls them 50-120 times (the quarter marks page: 114), a few
milliseconds per page. These callables keep the catalogue on the request's Flask-Babel context
next to the locale it belongs to, so a ``flask_babel.refresh()`` (which drops the locale) is
followed, as before, by the new language's catalogue.
"""

from __future__ import annotations

from flask import Flask
from flask import g
from flask_babel import get_translations

_KEY = "rp_translations"


def _translations():
    ns = getattr(g, "_flask_babel", None) if g else None
    if ns is not None:
        cached = getattr(ns, _KEY, None)
        if cached is not None and cached[0] is getattr(ns, "babel_locale", None) and cached[0] is not None:
            return cached[1]
    found = get_translations()
    ns = getattr(g, "_flask_babel", None) if g else None
    if ns is not None:
        setattr(ns, _KEY, (getattr(ns, "babel_locale", None), found))
    return found


def install(app: Flask) -> None:
    """Replace Flask-Babel's template gettext callables by ones that read the catalogue once per request."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
