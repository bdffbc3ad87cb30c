"""Made-up personal data for test accounts: unique within a test, valid for the IdP's rules."""

from __future__ import annotations

import itertools
import secrets

from shared.validators import make_snils

#: One counter per process, from a random start: made-up phones, e-mails and ids never repeat within a process,
#: whichever handle makes them, and hardly ever across processes sharing a database (``fedlab lab apply``).
_serial = itertools.count(1 + secrets.randbelow(8_000_000))


def next_serial() -> int:
    """Return a number not handed out before in this process."""
    return next(_serial)


def made_up_phone(n: int) -> str:
    """Return the ``n``-th test phone number (``+7 990 ...``: a range no demo person uses)."""
    return f"+7990{n:07d}"


def made_up_snils(n: int) -> str:
    """Return the ``n``-th test SNILS (valid check number, above the exempt range)."""
    return make_snils(f"{300_000_000 + n:09d}")
