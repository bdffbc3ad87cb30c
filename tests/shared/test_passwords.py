"""The IdP password policy, rule by rule, and the argon2 helpers."""

from __future__ import annotations

import pytest

from shared.passwords import ALLOWED_SYMBOLS
from shared.passwords import HashParams
from shared.passwords import make_hasher
from shared.passwords import password_problems
from shared.passwords import verify_password


@pytest.mark.parametrize("password", ["Qwerty+123", "Aa1!aaaa", "Zz9-Zz9-", "P@ssw0rd", "A" + "a" * 50 + "1~"])
def test_good_passwords_pass(password):
    assert password_problems(password) == []


@pytest.mark.parametrize("symbol", list(ALLOWED_SYMBOLS))
def test_every_allowed_symbol_counts_as_a_symbol(symbol):
    assert password_problems("Qwerty12" + symbol) == []


def test_seed_symbols_are_allowed():
    for symbol in "+-!":
        assert symbol in ALLOWED_SYMBOLS


@pytest.mark.parametrize(
    "password, problems",
    [
        ("Qw+1abc", ["too_short"]),  # 7 characters
        ("qwerty+123", ["no_upper"]),
        ("QWERTY+123", ["no_lower"]),
        ("Qwerty+abc", ["no_digit"]),
        ("Qwerty1234", ["no_symbol"]),
        ("", ["too_short", "no_upper", "no_lower", "no_digit", "no_symbol"]),
        ("abc", ["too_short", "no_upper", "no_digit", "no_symbol"]),
    ],
)
def test_each_rule_is_reported(password, problems):
    assert password_problems(password) == problems


def test_exactly_eight_characters_is_enough():
    assert password_problems("Qwe+1234") == []
    assert password_problems("Qwe+123") == ["too_short"]


@pytest.mark.parametrize("password", ["Пароль+123Q", "Qwerty+123ж", "ЙЦУКЕН+123qQ", "Qwerty+123Ё"])
def test_cyrillic_is_refused_with_the_layout_hint(password):
    assert "cyrillic" in password_problems(password)
    assert "bad_characters" not in password_problems(password)


def test_all_cyrillic_password_reports_latin_rules_too():
    assert password_problems("пароль12+") == ["no_upper", "no_lower", "cyrillic"]


@pytest.mark.parametrize(
    "password",
    [
        "Qwerty +123",
        "Qwerty\t+123",
        "Qwerty+123\n",
        "Qwerty+123№",
        "Qwerty+123é",
        "Qwerty+123€",
        "Qwerty+１23",
        "Qw\u00a0+1234",
    ],
)
def test_spaces_and_other_non_ascii_are_refused(password):
    assert password_problems(password)[-1] == "bad_characters"


def test_fullwidth_digit_alone_does_not_count_as_a_digit():
    assert password_problems("Qwerty+１") == ["no_digit", "bad_characters"]


def test_hash_and_verify():
    hasher = make_hasher(HashParams(time_cost=1, memory_cost=8, parallelism=1))
    stored = hasher.hash("Qwerty+123")
    assert "Qwerty+123" not in stored
    assert verify_password(hasher, stored, "Qwerty+123") is True
    assert verify_password(hasher, stored, "Qwerty+124") is False
    assert verify_password(hasher, None, "Qwerty+123") is False
    assert verify_password(hasher, "", "Qwerty+123") is False
    assert verify_password(hasher, "not-a-hash", "Qwerty+123") is False
