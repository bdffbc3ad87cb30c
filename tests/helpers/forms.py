"""Reading forms out of rendered pages, as a browser would submit them."""

from __future__ import annotations

import re

#: A CSRF field of a form, prefixed (``mark-csrf_token``) or not, with or without ``type="hidden"``.
CSRF_FIELD = re.compile(r'<input[^>]*name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)
