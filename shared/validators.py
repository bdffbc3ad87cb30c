"""Validators and normalisers for Russian identity data (phone, SNILS, passport, INN, dates).

Each validator either returns the normalised value or raises :class:`ValidationError`
with a machine-readable ``code``; the apps turn codes into translated messages.
"""

from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError
from email_validator import validate_email


class ValidationError(ValueError):
    """A value failed a rule; ``code`` names the rule."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


_NON_DIGITS = re.compile(r"[^0-9]")
_PHONE_ALLOWED = re.compile(r"^[0-9\s()+\-.]+$")


def normalize_phone(raw: str) -> str:
    """Return a Russian mobile number as ``+7XXXXXXXXXX`` from any reasonable typing.

    Accepted: ``+7 912 3456789``, ``8 (912) 345-67-89``, ``79123456789``, ``9123456789``.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError("phone_required")
    if not _PHONE_ALLOWED.match(text) or text.count("+") > 1 or ("+" in text and not text.startswith("+")):
        raise ValidationError("phone_format")
    digits = _NON_DIGITS.sub("", text)
    if text.startswith("+"):
        if not digits.startswith("7") or len(digits) != 11:
            raise ValidationError("phone_format")
    elif len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    else:
        raise ValidationError("phone_format")
    if digits[1] != "9":
        # Russian mobile numbers (DEF codes) start with 9 after the country code.
        raise ValidationError("phone_not_mobile")
    return "+" + digits


def format_phone(normalized: str) -> str:
    """Show a normalised phone the way both apps write it: ``+7 912 345-67-89``."""
    digits = _NON_DIGITS.sub("", normalized)
    return f"+7 {digits[1:4]} {digits[4:7]}-{digits[7:9]}-{digits[9:11]}"


def display_phone(value: str | None) -> str:
    """Return ``value`` as :func:`format_phone` writes it when it is a Russian mobile number, else unchanged.

    The template filter ``phone`` of both apps: a recipient may be an e-mail address, an empty field stays empty.
    """
    if not value:
        return value or ""
    try:
        return format_phone(normalize_phone(value))
    except ValidationError:
        return value


def format_phone_esia(normalized: str) -> str:
    """Show a normalised phone the way ESIA's REST API does: ``+7(xxx)xxxxxxx``."""
    digits = _NON_DIGITS.sub("", normalized)
    return f"+7({digits[1:4]}){digits[4:]}"


def normalize_email(raw: str) -> str:
    """Return a syntactically valid e-mail address, lower-cased; no DNS look-up."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError("email_required")
    if len(text) > 254:
        raise ValidationError("email_format")
    try:
        # test_environment: the lab uses reserved domains such as example.test for its demo people.
        result = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValidationError("email_format", str(exc)) from None
    return result.normalized.lower()


# SNILS -----------------------------------------------------------------------

_SNILS_ALLOWED = re.compile(r"^[0-9\s\-]+$")
#: Numbers at or below this one predate the check-number rule and are exempt from it.
SNILS_CHECK_THRESHOLD = 1001998


def snils_check_number(first_nine: str) -> int:
    """Compute the SNILS check number (0..99) for its first nine digits."""
    total = sum(int(d) * (9 - i) for i, d in enumerate(first_nine))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    rest = total % 101
    return 0 if rest == 100 else rest


def canonical_snils(raw: str) -> str:
    """Return SNILS as 11 digits, checking format and check number.

    Accepts ``XXX-XXX-XXX YY``, ``XXXXXXXXXXX`` and other spacing or hyphenation.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError("snils_required")
    if not _SNILS_ALLOWED.match(text):
        raise ValidationError("snils_format")
    digits = _NON_DIGITS.sub("", text)
    if len(digits) != 11:
        raise ValidationError("snils_format")
    if int(digits[:9]) > SNILS_CHECK_THRESHOLD and snils_check_number(digits[:9]) != int(digits[9:]):
        raise ValidationError("snils_checksum")
    return digits


def format_snils(digits: str) -> str:
    """Show 11 SNILS digits as ``XXX-XXX-XXX YY``."""
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:11]}"


def make_snils(first_nine: str) -> str:
    """Return a valid 11-digit SNILS for nine leading digits (for demo and test data)."""
    return first_nine + f"{snils_check_number(first_nine):02d}"


# Passport ----------------------------------------------------------------------


def normalize_passport_series(raw: str) -> str:
    """Return a Russian passport series: exactly 4 digits (spaces ignored)."""
    text = re.sub(r"\s", "", raw or "")
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ValidationError("passport_series_format")
    return text


def normalize_passport_number(raw: str) -> str:
    """Return a Russian passport number: exactly 6 digits."""
    text = re.sub(r"\s", "", raw or "")
    if not re.fullmatch(r"[0-9]{6}", text):
        raise ValidationError("passport_number_format")
    return text


def normalize_department_code(raw: str) -> str:
    """Return a department code as ``XXX-XXX`` (``XXXXXX`` is accepted too)."""
    text = re.sub(r"\s", "", raw or "")
    if re.fullmatch(r"[0-9]{6}", text):
        text = f"{text[:3]}-{text[3:]}"
    if not re.fullmatch(r"[0-9]{3}-[0-9]{3}", text):
        raise ValidationError("department_code_format")
    return text


# INN -----------------------------------------------------------------------------


def _inn_check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def normalize_inn(raw: str) -> str:
    """Return a personal (12-digit) or organisation (10-digit) INN with valid check digits."""
    text = re.sub(r"\s", "", raw or "")
    if not re.fullmatch(r"[0-9]{10}|[0-9]{12}", text):
        raise ValidationError("inn_format")
    if len(text) == 10:
        ok = _inn_check(text, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(text[9])
    else:
        ok = _inn_check(text, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(text[10]) and _inn_check(
            text, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
        ) == int(text[11])
    if not ok:
        raise ValidationError("inn_checksum")
    return text


# Dates and age -------------------------------------------------------------------

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
PROFILE_AGE = 14


def age_on(birth_date: date, today: date) -> int:
    """Return full years of age on ``today``."""
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def needs_full_profile(birth_date: date | None, today: date) -> bool:
    """Return whether this person is asked to fill in the profile (14 and older).

    With no birth date known yet, the person is asked (the form collects it).
    """
    return birth_date is None or age_on(birth_date, today) >= PROFILE_AGE


def check_birth_date(value: date, today: date) -> date:
    """Reject birth dates in the future or before 1900."""
    if value > today:
        raise ValidationError("date_in_future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError("date_too_old")
    return value


def check_issue_date(value: date, birth_date: date | None, today: date) -> date:
    """Reject document issue dates in the future or before the holder turned 14."""
    if value > today:
        raise ValidationError("date_in_future")
    if birth_date is not None and age_on(birth_date, value) < PROFILE_AGE:
        raise ValidationError("issue_date_before_14")
    return value


_NAME = re.compile(r"^[А-ЯЁа-яёA-Za-z][А-ЯЁа-яёA-Za-z\s'.\-]*$")


def normalize_person_name(raw: str, *, required: bool = True) -> str:
    """Return a surname, name or patronymic with spaces collapsed; letters, hyphen, apostrophe."""
    text = " ".join((raw or "").split())
    if not text:
        if required:
            raise ValidationError("name_required")
        return ""
    if len(text) > 100 or not _NAME.match(text):
        raise ValidationError("name_format")
    return text
