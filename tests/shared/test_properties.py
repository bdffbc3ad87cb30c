"""Property-based tests (hypothesis) for every validator and the password policy.

Oracles are written here independently of the code under test, from the published rules.
"""

from __future__ import annotations

import string
from datetime import date
from datetime import timedelta

import pytest
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from shared import passwords as pw
from shared import validators as v

FAST = settings(max_examples=150, deadline=None)

digits = st.text(alphabet=string.digits, min_size=1, max_size=1)
#: Anything a person could paste: every Unicode category, control characters included.
any_text = st.text(max_size=80)
dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31))


def n_digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=string.digits, min_size=n, max_size=n)


def sprinkle(value: str, separators: str) -> st.SearchStrategy[str]:
    """Insert random runs of ``separators`` between the characters of ``value``."""
    gaps = st.lists(
        st.text(alphabet=separators, max_size=2),
        min_size=len(value) + 1,
        max_size=len(value) + 1,
    )
    return gaps.map(lambda g: g[0] + "".join(c + g[i + 1] for i, c in enumerate(value)))


def refuses_only_with_validation_error(func, *args) -> None:
    """Call ``func``; any exception other than ValidationError fails the test."""
    try:
        func(*args)
    except v.ValidationError as exc:
        assert isinstance(exc.code, str) and exc.code


def _accepts(func, *args) -> bool:
    """Return whether ``func`` accepts the input (False on ValidationError)."""
    try:
        func(*args)
    except v.ValidationError:
        return False
    return True


# Random input never crashes -----------------------------------------------------------

TEXT_VALIDATORS = [
    v.normalize_phone,
    v.normalize_email,
    v.canonical_snils,
    v.normalize_passport_series,
    v.normalize_passport_number,
    v.normalize_department_code,
    v.normalize_inn,
    v.normalize_person_name,
]


@pytest.mark.parametrize("func", TEXT_VALIDATORS, ids=lambda f: f.__name__)
@settings(max_examples=100, deadline=None)
@given(text=any_text)
def test_random_text_is_refused_only_with_validation_error(func, text):
    refuses_only_with_validation_error(func, text)


@pytest.mark.parametrize("func", TEXT_VALIDATORS, ids=lambda f: f.__name__)
@settings(max_examples=60, deadline=None)
@given(text=any_text)
def test_every_validator_is_idempotent(func, text):
    try:
        once = func(text)
    except v.ValidationError:
        return
    assert func(once) == once


@FAST
@given(birth=dates, today=dates, issue=dates)
def test_date_rules_raise_only_validation_error(birth, today, issue):
    refuses_only_with_validation_error(v.check_birth_date, birth, today)
    refuses_only_with_validation_error(v.check_issue_date, issue, birth, today)
    refuses_only_with_validation_error(v.check_issue_date, issue, None, today)


# Phone ---------------------------------------------------------------------------------

mobile = n_digits(9).map(lambda d: "9" + d)  # the ten digits after +7


@FAST
@given(ten=mobile, style=st.sampled_from(["+7 {a} {b}", "8 ({a}) {b}", "7{a}{b}", "{a}{b}", "+7({a}){b}"]))
def test_phone_any_reasonable_typing_normalises_to_plus7(ten, style):
    typed = style.format(a=ten[:3], b=ten[3:])
    assert v.normalize_phone(typed) == "+7" + ten


@FAST
@given(ten=mobile, typed=st.data())
def test_phone_with_spaces_hyphens_dots_and_brackets(ten, typed):
    text = typed.draw(sprinkle(ten, " -.()"))
    assert v.normalize_phone("8" + text) == "+7" + ten


@FAST
@given(ten=mobile)
def test_phone_format_and_normalise_round_trip(ten):
    normalised = v.normalize_phone(ten)
    assert v.format_phone(normalised) == f"+7 {ten[:3]} {ten[3:6]}-{ten[6:8]}-{ten[8:]}"
    assert v.normalize_phone(v.format_phone(normalised)) == normalised
    assert v.normalize_phone(v.format_phone_esia(normalised)) == normalised


@FAST
@given(first=st.sampled_from("012345678"), rest=n_digits(9))
def test_phone_that_is_not_mobile_is_refused(first, rest):
    with pytest.raises(v.ValidationError) as exc:
        v.normalize_phone("+7" + first + rest)
    assert exc.value.code == "phone_not_mobile"


@FAST
@given(text=n_digits(1) | st.text(alphabet=string.digits, min_size=12, max_size=20) | n_digits(5))
def test_phone_with_a_wrong_digit_count_is_refused(text):
    with pytest.raises(v.ValidationError):
        v.normalize_phone(text)


# SNILS ---------------------------------------------------------------------------------


def snils_check_oracle(first_nine: str) -> int:
    """The check number exactly as the published SNILS rule writes it."""
    s = sum(int(d) * (10 - i) for i, d in enumerate(first_nine, start=1))
    if s < 100:
        return s
    if s in (100, 101):
        return 0
    rest = s % 101
    return 0 if rest == 100 else rest


above = n_digits(9).filter(lambda d: int(d) > v.SNILS_CHECK_THRESHOLD)


@FAST
@given(nine=n_digits(9), data=st.data())
def test_make_snils_passes_in_any_punctuation(nine, data):
    snils = v.make_snils(nine)
    assert snils == nine + f"{snils_check_oracle(nine):02d}"
    typed = data.draw(sprinkle(snils, " -"))
    assume(typed.strip())
    assert v.canonical_snils(typed) == snils
    assert v.canonical_snils(v.format_snils(snils)) == snils


@FAST
@given(nine=above, suffix=n_digits(2))
def test_snils_above_the_threshold_needs_exactly_the_check_number(nine, suffix):
    good = f"{snils_check_oracle(nine):02d}"
    if suffix == good:
        assert v.canonical_snils(nine + suffix) == nine + suffix
    else:
        with pytest.raises(v.ValidationError) as exc:
            v.canonical_snils(nine + suffix)
        assert exc.value.code == "snils_checksum"


@FAST
@given(nine=above, position=st.integers(0, 10), delta=st.integers(1, 9))
def test_changing_one_digit_of_a_checked_snils_fails(nine, position, delta):
    snils = v.make_snils(nine)
    changed = snils[:position] + str((int(snils[position]) + delta) % 10) + snils[position + 1 :]
    new_nine, new_check = changed[:9], int(changed[9:])
    # The rule maps several sums to 00 (100, 101, 201, ...): a change that lands on the same
    # check number, or below the exempt threshold, is legitimately accepted.
    assume(int(new_nine) > v.SNILS_CHECK_THRESHOLD and snils_check_oracle(new_nine) != new_check)
    with pytest.raises(v.ValidationError) as exc:
        v.canonical_snils(changed)
    assert exc.value.code == "snils_checksum"


@FAST
@given(number=st.integers(0, v.SNILS_CHECK_THRESHOLD), suffix=n_digits(2))
def test_snils_at_or_below_the_threshold_is_exempt(number, suffix):
    snils = f"{number:09d}{suffix}"
    assert v.canonical_snils(snils) == snils


# Passport, department code, INN -------------------------------------------------------


@FAST
@given(series=n_digits(4), number=n_digits(6), data=st.data())
def test_passport_series_and_number_round_trip_through_spaces(series, number, data):
    assert v.normalize_passport_series(data.draw(sprinkle(series, " "))) == series
    assert v.normalize_passport_number(data.draw(sprinkle(number, " \t"))) == number
    assert v.normalize_passport_series(f"{series[:2]} {series[2:]}") == series


@FAST
@given(text=st.text(alphabet=string.digits + "-x", max_size=12))
def test_passport_series_and_number_need_exact_digit_counts(text):
    series_ok = len(text) == 4 and text.isdigit()
    number_ok = len(text) == 6 and text.isdigit()
    assert _accepts(v.normalize_passport_series, text) == series_ok
    assert _accepts(v.normalize_passport_number, text) == number_ok


@FAST
@given(code=n_digits(6))
def test_department_code_round_trips(code):
    shown = f"{code[:3]}-{code[3:]}"
    assert v.normalize_department_code(code) == shown
    assert v.normalize_department_code(shown) == shown
    assert v.normalize_department_code(f" {code[:3]} - {code[3:]} ") == shown


@FAST
@given(text=st.text(alphabet=string.digits + "-", max_size=9))
def test_department_code_shape(text):
    accepted = _accepts(v.normalize_department_code, text)
    expected = (len(text) == 6 and text.isdigit()) or (
        len(text) == 7 and text[3] == "-" and (text[:3] + text[4:]).isdigit()
    )
    assert accepted == expected


def inn_oracle(body: str) -> str:
    """Append the INN check digit(s) (python-stdnum's rule)."""

    def check(ds: str, weights: tuple[int, ...]) -> str:
        return str(sum(int(d) * w for d, w in zip(ds, weights, strict=True)) % 11 % 10)

    if len(body) == 9:
        return body + check(body, (2, 4, 10, 3, 5, 9, 4, 6, 8))
    first = body + check(body, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
    return first + check(first, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))


@FAST
@given(body=n_digits(9) | n_digits(10), delta=st.integers(1, 9))
def test_inn_with_check_digits_passes_and_a_changed_last_digit_fails(body, delta):
    inn = inn_oracle(body)
    assert v.normalize_inn(inn) == inn
    changed = inn[:-1] + str((int(inn[-1]) + delta) % 10)
    with pytest.raises(v.ValidationError) as exc:
        v.normalize_inn(changed)
    assert exc.value.code == "inn_checksum"


# E-mail and names ----------------------------------------------------------------------


@FAST
@given(local=st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20))
def test_email_is_lower_cased_and_stable(local):
    address = f"{local}@Example.RU"
    normalised = v.normalize_email(f"  {address} ")
    assert normalised == address.lower()
    assert v.normalize_email(normalised) == normalised


@FAST
@given(
    words=st.lists(
        st.text(alphabet="АБВГДЕЁЖЗабвгдеёжзийклмнопрстуфхцчшщыэюя", min_size=1, max_size=12), min_size=1, max_size=3
    ),
    spaces=st.sampled_from([" ", "  ", "\t", " \n "]),
)
def test_person_names_collapse_spaces(words, spaces):
    typed = spaces + spaces.join(words) + spaces
    assert v.normalize_person_name(typed) == " ".join(words)


# Dates and age ---------------------------------------------------------------------------


@FAST
@given(birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), years=st.integers(0, 120))
def test_age_on_each_birthday_is_the_number_of_years(birth, years):
    assume(not (birth.month == 2 and birth.day == 29))
    birthday = birth.replace(year=birth.year + years) if birth.year + years <= 9999 else None
    assume(birthday is not None)
    assert v.age_on(birth, birthday) == years
    if birthday > birth:
        assert v.age_on(birth, birthday - timedelta(days=1)) == years - 1


@FAST
@given(birth=dates, first=dates, second=dates)
def test_age_never_decreases_as_time_goes_on(birth, first, second):
    early, late = sorted((first, second))
    assert v.age_on(birth, early) <= v.age_on(birth, late)
    if early >= birth:
        assert v.age_on(birth, early) >= 0


@FAST
@given(birth=dates, today=dates)
def test_full_profile_is_asked_from_fourteen(birth, today):
    assert v.needs_full_profile(birth, today) == (v.age_on(birth, today) >= 14)
    assert v.needs_full_profile(None, today)


@FAST
@given(birth=dates, today=dates)
def test_birth_date_rules(birth, today):
    if birth > today:
        expected = "date_in_future"
    elif birth < date(1900, 1, 1):
        expected = "date_too_old"
    else:
        assert v.check_birth_date(birth, today) == birth
        return
    with pytest.raises(v.ValidationError) as exc:
        v.check_birth_date(birth, today)
    assert exc.value.code == expected


@FAST
@given(birth=dates, issue=dates, today=dates)
def test_issue_date_rules(birth, issue, today):
    try:
        fourteenth = birth.replace(year=birth.year + 14)
    except ValueError:  # born on 29 February: the 14th birthday is 1 March
        fourteenth = date(birth.year + 14, 3, 1)
    if issue > today:
        expected = "date_in_future"
    elif issue < fourteenth:
        expected = "issue_date_before_14"
    else:
        assert v.check_issue_date(issue, birth, today) == issue
        return
    with pytest.raises(v.ValidationError) as exc:
        v.check_issue_date(issue, birth, today)
    assert exc.value.code == expected


# Password policy --------------------------------------------------------------------------

US_SYMBOLS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
password_text = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + "".join(US_SYMBOLS) + CYRILLIC + " №€é\t\u00a0"),
    max_size=16,
) | st.text(max_size=16)


def password_oracle(password: str) -> set[str]:
    """Which password rules the password breaks, computed without the module's code."""
    broken = set()
    if len(password) < 8:
        broken.add("too_short")
    if not any("A" <= c <= "Z" for c in password):
        broken.add("no_upper")
    if not any("a" <= c <= "z" for c in password):
        broken.add("no_lower")
    if not any("0" <= c <= "9" for c in password):
        broken.add("no_digit")
    if not US_SYMBOLS & set(password):
        broken.add("no_symbol")
    if any(c in CYRILLIC or "\u0400" <= c <= "\u04ff" for c in password):
        broken.add("cyrillic")
    elif any(not (c.isascii() and (c.isalnum() or c in US_SYMBOLS)) for c in password):
        broken.add("bad_characters")
    return broken


@settings(max_examples=200, deadline=None)
@given(password=password_text)
def test_password_problems_match_the_oracle(password):
    problems = pw.password_problems(password)
    assert set(problems) == password_oracle(password)
    assert len(problems) == len(set(problems))  # each rule named once


@FAST
@given(
    upper=st.sampled_from(string.ascii_uppercase),
    lower=st.sampled_from(string.ascii_lowercase),
    digit=st.sampled_from(string.digits),
    symbol=st.sampled_from(sorted(US_SYMBOLS)),
    rest=st.text(alphabet=sorted(pw.ALLOWED_CHARACTERS), min_size=4, max_size=20),
    order=st.randoms(use_true_random=False),
)
def test_a_password_meeting_every_rule_has_no_problems(upper, lower, digit, symbol, rest, order):
    chars = list(upper + lower + digit + symbol + rest)
    order.shuffle(chars)
    assert pw.password_problems("".join(chars)) == []


@FAST
@given(password=password_text)
def test_password_problems_empty_iff_all_rules_hold(password):
    all_hold = (
        len(password) >= 8
        and any(c.isascii() and c.isupper() for c in password)
        and any(c.isascii() and c.islower() for c in password)
        and any(c.isascii() and c.isdigit() for c in password)
        and any(c in US_SYMBOLS for c in password)
        and all(c.isascii() and (c.isalnum() or c in US_SYMBOLS) for c in password)
    )
    assert (pw.password_problems(password) == []) == all_hold
