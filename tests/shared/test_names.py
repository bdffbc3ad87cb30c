"""Each normalisation rule of shared/names.py."""

from __future__ import annotations

from datetime import date

import pytest

from shared import names


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ИВАНОВА", "иванова"),  # case
        ("Семёнов", "Семенов"),  # ё/е
        ("ЁЛКИН", "елкин"),  # capital Ё
        ("  Мария ", "Мария"),  # leading/trailing spaces
        ("Анна  Мария", "Анна Мария"),  # repeated spaces
        ("Анна\u00a0\tМария", "Анна Мария"),  # other whitespace
        ("Римская - Корсакова", "Римская-Корсакова"),  # hyphen spacing
        ("Римская -Корсакова", "Римская- Корсакова"),
        ("Римская – Корсакова", "Римская-Корсакова"),  # en dash
        (None, ""),  # missing patronymic on both sides
        (None, "   "),
    ],
)
def test_names_equal_after_normalisation(a, b):
    assert names.normalize_name(a) == names.normalize_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Иванова", "Иванов"),
        ("Петровна", ""),  # a patronymic on one side only
        ("Римская-Корсакова", "Римская Корсакова"),  # hyphen is not a space
        ("Анна Мария", "АннаМария"),
    ],
)
def test_names_that_differ_stay_different(a, b):
    assert names.normalize_name(a) != names.normalize_name(b)


def test_snils_with_or_without_punctuation():
    assert names.snils_digits("112-233-445 95") == names.snils_digits("11223344595") == "11223344595"
    assert names.snils_digits(None) == ""
    assert names.snils_digits("112-233-445 96") != names.snils_digits("11223344595")


def test_birthdate_formats():
    assert names.normalize_birthdate("1984-03-14") == "1984-03-14"
    assert names.normalize_birthdate("14.03.1984") == "1984-03-14"
    assert names.normalize_birthdate(date(1984, 3, 14)) == "1984-03-14"
    assert names.normalize_birthdate(None) == ""
    assert names.normalize_birthdate("14/03/1984") == "14/03/1984"  # unreadable: never equals an ISO date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("male", "M"), ("M", "M"), ("м", "M"), ("Female", "F"), ("F", "F"), ("жен", "F"), ("other", "other"), (None, "")],
)
def test_gender(raw, expected):
    assert names.normalize_gender(raw) == expected


def test_mask_snils():
    assert names.mask_snils("11223344595") == "112-***-445 95"
    assert names.mask_snils("") == ""
