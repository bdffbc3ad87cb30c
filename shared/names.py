"""Normalisation of identity attributes before the diary compares them with Gosuslugi's.

The rules, applied in this order (each is unit tested in tests/shared/test_names.py):

Names (surname, name, patronymic):
  1. ``None`` and blank strings become ``""`` (so a missing patronymic on both sides is equal).
  2. Leading and trailing spaces are dropped; runs of whitespace (tabs, NBSP) become one space.
  3. Letter case is ignored (``casefold``).
  4. ``ё`` is read as ``е`` (``Семёнов`` = ``Семенов``), also when typed decomposed (Unicode NFC first).
  5. Dashes (``-``, ``‐``, ``–``, ``—``) are one hyphen, with no spaces around it
     (``Римская - Корсакова`` = ``Римская-Корсакова``).
Date of birth: ``YYYY-MM-DD`` (OIDC ``birthdate``) and ``DD.MM.YYYY`` (ESIA REST) give the same ISO date.
Sex: ``male``/``M``/``м``/``муж`` → ``M``; ``female``/``F``/``ж``/``жен`` → ``F``; case ignored.
SNILS: only the ASCII digits count (``112-233-445 95`` = ``11223344595``); no digits at all → ``""``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from datetime import datetime

_DASHES = re.compile(r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]\s*")
#: Only ASCII digits count (``\D`` would keep full-width and other scripts' digits).
_NON_DIGITS = re.compile(r"[^0-9]")

_GENDERS = {
    "m": "M",
    "male": "M",
    "м": "M",
    "муж": "M",
    "мужской": "M",
    "f": "F",
    "female": "F",
    "ж": "F",
    "жен": "F",
    "женский": "F",
}


def normalize_spaces(raw: str | None) -> str:
    """Drop leading and trailing whitespace and collapse inner runs of whitespace to one space."""
    return " ".join((raw or "").split())


def normalize_name(raw: str | None) -> str:
    """Return a surname, name or patronymic in comparable form (rules 1-5 above)."""
    # NFC first: a decomposed ё (е + U+0308, as macOS keyboards send it) is ё.
    text = unicodedata.normalize("NFC", normalize_spaces(raw)).casefold().replace("ё", "е")
    return _DASHES.sub("-", text)


def normalize_birthdate(raw: str | date | None) -> str:
    """Return a birth date as ``YYYY-MM-DD``; unreadable text is returned stripped, so it never matches a date."""
    if raw is None:
        return ""
    if isinstance(raw, date):
        return raw.isoformat()
    text = raw.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


def normalize_gender(raw: str | None) -> str:
    """Return ``M`` or ``F`` for the usual spellings of sex; anything else as typed, stripped."""
    text = normalize_spaces(raw)
    return _GENDERS.get(text.casefold(), text)


def snils_digits(raw: str | None) -> str:
    """Return only the digits of a SNILS (punctuation and spaces do not count)."""
    return _NON_DIGITS.sub("", raw or "")


def mask_snils(raw: str | None) -> str:
    """Show a SNILS with its middle digits hidden: ``112-***-445 95``; empty stays empty."""
    digits = snils_digits(raw)
    if len(digits) != 11:
        return "*" * len(digits)
    return f"{digits[0:3]}-***-{digits[6:9]} {digits[9:11]}"
