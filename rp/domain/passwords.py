"""The diary's own password rule: 6 or more characters, only digits and Latin letters. No Flask."""

from __future__ import annotations

import re

#: The shortest diary password.
MIN_LENGTH = 6
#: Only digits and Latin letters (the English keyboard layout), at least :data:`MIN_LENGTH` of them.
DIARY_PASSWORD = re.compile(rf"^[0-9A-Za-z]{{{MIN_LENGTH},}}$")


def password_problem(password: str | None) -> str | None:
    """Return why a diary password breaks the rule (``password_short`` or ``password_chars``), or None."""
    if len(password or "") < MIN_LENGTH:
        return "password_short"
    if not DIARY_PASSWORD.match(password or ""):
        return "password_chars"
    return None
