"""Every rule of shared.validators with good and bad inputs."""

from __future__ import annotations

from datetime import date

import pytest

from shared import validators as v


def code_of(func, *args, **kwargs) -> str:
    """Return the rule code that ``func`` refuses the input with."""
    with pytest.raises(v.ValidationError) as exc:
        func(*args, **kwargs)
    return exc.value.code


# Phone -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "+79123456789",
        "+7 912 3456789",
        "+7 (912) 345-67-89",
        "8 (912) 345-67-89",
        "89123456789",
        "79123456789",
        "9123456789",
        "  912.345.67.89 ",
    ],
)
def test_phone_any_reasonable_typing_is_normalised(raw):
    assert v.normalize_phone(raw) == "+79123456789"


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "phone_required"),
        ("   ", "phone_required"),
        ("+7 912 345678", "phone_format"),  # 10 digits after +
        ("+7 912 34567890", "phone_format"),
        ("+8 912 3456789", "phone_format"),  # + must be followed by 7
        ("+1 912 3456789", "phone_format"),
        ("912345678", "phone_format"),  # 9 digits
        ("69123456789", "phone_format"),  # 11 digits not starting with 7 or 8
        ("9123456789x", "phone_format"),
        ("+7 912 +3456789", "phone_format"),
        ("7+9123456789", "phone_format"),
        ("+7 ９１２ 3456789", "phone_format"),  # full-width digits are not digits here
        ("+7 ٩١٢ 3456789", "phone_format"),  # nor Arabic-Indic ones
        ("+7 812 3456789", "phone_not_mobile"),
        ("8 495 1234567", "phone_not_mobile"),
        ("4951234567", "phone_not_mobile"),
    ],
)
def test_phone_bad_inputs(raw, code):
    assert code_of(v.normalize_phone, raw) == code


def test_phone_formats():
    assert v.format_phone("+79123456789") == "+7 912 345-67-89"
    assert v.format_phone_esia("+79123456789") == "+7(912)3456789"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+79123456789", "+7 912 345-67-89"),
        ("89123456789", "+7 912 345-67-89"),
        ("+7 912 3456789", "+7 912 345-67-89"),
        ("ivanova@example.test", "ivanova@example.test"),
        ("+7 495 1234567", "+7 495 1234567"),
        ("", ""),
        (None, ""),
    ],
)
def test_display_phone_writes_mobile_numbers_one_way_and_leaves_the_rest(value, shown):
    assert v.display_phone(value) == shown


# E-mail ------------------------------------------------------------------------


def test_email_is_lower_cased_and_trimmed():
    assert v.normalize_email("  Ivan.Petrov@Example.RU ") == "ivan.petrov@example.ru"


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "email_required"),
        ("ivan", "email_format"),
        ("ivan@", "email_format"),
        ("@example.ru", "email_format"),
        ("ivan@@example.ru", "email_format"),
        ("ivan petrov@example.ru", "email_format"),
        ("a" * 250 + "@example.ru", "email_format"),
    ],
)
def test_email_bad_inputs(raw, code):
    assert code_of(v.normalize_email, raw) == code


# SNILS ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first_nine, expected",
    [
        ("112233445", 95),  # the published example, S = 95 < 100
        ("001002000", 15),  # S = 15 < 100
        ("001326679", 0),  # S = 100 -> 00
        ("001508816", 0),  # S = 101 -> 00
        ("001168299", 7),  # S = 108 > 101 -> 108 mod 101 = 7
        ("017996174", 0),  # S = 201 -> 201 mod 101 = 100 -> 00
    ],
)
def test_snils_check_number_rule(first_nine, expected):
    assert v.snils_check_number(first_nine) == expected


@pytest.mark.parametrize("raw", ["112-233-445 95", "11223344595", "112 233 445 95", "112-233-445-95", " 112233445 95 "])
def test_snils_accepted_typings(raw):
    assert v.canonical_snils(raw) == "11223344595"


@pytest.mark.parametrize("first_nine", ["001326679", "001508816", "001168299", "017996174", "001002000"])
def test_snils_valid_numbers_pass(first_nine):
    assert v.canonical_snils(v.make_snils(first_nine)) == v.make_snils(first_nine)


@pytest.mark.parametrize(
    "raw",
    ["112-233-445 96", "112-233-445 00", "001-326-679 01", "001-168-299 08", "017-996-174 100"[:14], "001-001-999 00"],
)
def test_snils_bad_check_number(raw):
    assert code_of(v.canonical_snils, raw) == "snils_checksum"


@pytest.mark.parametrize(
    "raw",
    ["001-001-998 00", "001-001-998 99", "000-000-600 06", "000-000-600 01", "000-000-001 42", "000-000-000 00"],
)
def test_snils_at_or_below_001_001_998_is_exempt_from_the_check(raw):
    assert v.canonical_snils(raw) == "".join(c for c in raw if c.isdigit())


def test_snils_just_above_the_threshold_is_checked():
    assert code_of(v.canonical_snils, "001-001-999 00") == "snils_checksum"
    assert v.canonical_snils("001-001-999 65") == "00100199965"


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "snils_required"),
        ("112-233-445 9", "snils_format"),
        ("112-233-445 955", "snils_format"),
        ("112-233-445/95", "snils_format"),
        ("112.233.445 95", "snils_format"),
        ("SNILS 11223344595", "snils_format"),
        ("１１２-233-445 95", "snils_format"),
    ],
)
def test_snils_bad_format(raw, code):
    assert code_of(v.canonical_snils, raw) == code


def test_snils_display_format():
    assert v.format_snils("11223344595") == "112-233-445 95"


# Passport and department code ----------------------------------------------------


@pytest.mark.parametrize("raw, expected", [("4510", "4510"), ("45 10", "4510"), (" 4510 ", "4510")])
def test_passport_series_good(raw, expected):
    assert v.normalize_passport_series(raw) == expected


@pytest.mark.parametrize("raw", ["", "451", "45100", "45a0", "45-10", "４５１０"])
def test_passport_series_bad(raw):
    assert code_of(v.normalize_passport_series, raw) == "passport_series_format"


@pytest.mark.parametrize("raw, expected", [("123456", "123456"), ("123 456", "123456")])
def test_passport_number_good(raw, expected):
    assert v.normalize_passport_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "1234567", "12345a", "123-456", "１２３４５６"])
def test_passport_number_bad(raw):
    assert code_of(v.normalize_passport_number, raw) == "passport_number_format"


@pytest.mark.parametrize("raw", ["770-001", "770001", " 770-001 "])
def test_department_code_good(raw):
    assert v.normalize_department_code(raw) == "770-001"


@pytest.mark.parametrize(
    "raw", ["", "77-0001", "770-01", "7700-01", "770_001", "77000", "7700011", "abc-def", "７７０-００１"]
)
def test_department_code_bad(raw):
    assert code_of(v.normalize_department_code, raw) == "department_code_format"


# INN ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1234567894", "123456789047", " 123456789047 "])
def test_inn_good(raw):
    assert v.normalize_inn(raw) == raw.strip()


@pytest.mark.parametrize(
    "raw, code",
    [
        ("12345678", "inn_format"),
        ("12345678901", "inn_format"),
        ("12345678904a", "inn_format"),
        ("１２３４５６７８９４", "inn_format"),
        ("1234567895", "inn_checksum"),
        ("123456789048", "inn_checksum"),
        ("123456789037", "inn_checksum"),
    ],
)
def test_inn_bad(raw, code):
    assert code_of(v.normalize_inn, raw) == code


# Dates and age ---------------------------------------------------------------------

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    "birth, age",
    [
        (date(2011, 6, 15), 14),  # 14th birthday today
        (date(2011, 6, 16), 13),  # tomorrow
        (date(2011, 6, 14), 14),
        (date(2000, 12, 31), 24),
        (date(2008, 2, 29), 17),  # leap-day birthday
    ],
)
def test_age_on(birth, age):
    assert v.age_on(birth, TODAY) == age


def test_needs_full_profile_from_14():
    assert v.needs_full_profile(date(2011, 6, 15), TODAY) is True  # exactly 14
    assert v.needs_full_profile(date(2011, 6, 16), TODAY) is False  # 13, one day short
    assert v.needs_full_profile(date(2020, 1, 1), TODAY) is False
    assert v.needs_full_profile(date(1980, 1, 1), TODAY) is True
    assert v.needs_full_profile(None, TODAY) is True  # unknown: ask


def test_birth_date_rules():
    assert v.check_birth_date(TODAY, TODAY) == TODAY
    assert v.check_birth_date(date(1900, 1, 1), TODAY) == date(1900, 1, 1)
    assert code_of(v.check_birth_date, date(2025, 6, 16), TODAY) == "date_in_future"
    assert code_of(v.check_birth_date, date(1899, 12, 31), TODAY) == "date_too_old"


def test_issue_date_rules():
    birth = date(2000, 3, 10)
    assert v.check_issue_date(date(2014, 3, 10), birth, TODAY) == date(2014, 3, 10)  # on the 14th birthday
    assert code_of(v.check_issue_date, date(2014, 3, 9), birth, TODAY) == "issue_date_before_14"
    assert code_of(v.check_issue_date, date(2025, 6, 16), birth, TODAY) == "date_in_future"
    assert v.check_issue_date(date(2020, 1, 1), None, TODAY) == date(2020, 1, 1)


# Names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Иванов", "Иванов"),
        ("  Римский-Корсаков ", "Римский-Корсаков"),
        ("Д'Артаньян", "Д'Артаньян"),
        ("Анна  Мария", "Анна Мария"),
        ("Ёлкина", "Ёлкина"),
        ("Smith", "Smith"),
    ],
)
def test_person_name_good(raw, expected):
    assert v.normalize_person_name(raw) == expected


@pytest.mark.parametrize("raw", ["Иван2", "-Иван", "Иван!", "Ivan_", "И" * 101, "'Иван"])
def test_person_name_bad(raw):
    assert code_of(v.normalize_person_name, raw) == "name_format"


def test_person_name_required_unless_optional():
    assert code_of(v.normalize_person_name, "   ") == "name_required"
    assert v.normalize_person_name("", required=False) == ""
