"""Property-based tests (hypothesis) for the diary's linking normalisation (shared/names.py).

The oracles come from the rules in the module docstring: case, ё/е, whitespace and
hyphen spacing do not count, SNILS punctuation does not count, and any other letter does.
"""

from __future__ import annotations

import unicodedata

from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from shared import names

FAST = settings(max_examples=200, deadline=None)

LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
UPPER = LOWER.upper()
#: Anything at all, lone surrogates, controls and unassigned code points included.
anything = st.text(alphabet=st.characters(codec=None, categories=None), max_size=60)
spaces = st.text(alphabet=" \t\u00a0\u2009\u3000", min_size=1, max_size=3)
dashes = st.sampled_from("-\u2010\u2011\u2012\u2013\u2014\u2212")
word = st.text(alphabet=LOWER, min_size=1, max_size=12)
#: A Russian name: one to three words joined by a space or a hyphen (``Римская-Корсакова``, ``Анна Мария``).
name = st.builds(
    lambda first, rest: first + "".join(sep + w for sep, w in rest),
    word,
    st.lists(st.tuples(st.sampled_from([" ", "-"]), word), max_size=2),
)


@st.composite
def spelled_differently(draw, value: str) -> str:
    """Return ``value`` with random case, ё/е swaps, extra whitespace and spacing or other dashes around hyphens."""
    out = [draw(st.text(alphabet=" \t\u00a0", max_size=2))]
    for char in value:
        if char == " ":
            out.append(draw(spaces))
        elif char == "-":
            out.append(draw(st.text(alphabet=" \u00a0", max_size=2)) + draw(dashes) + draw(st.text(" ", max_size=2)))
        else:
            if char in "её":
                char = draw(st.sampled_from(["е", "ё", "\u0435\u0308"]))  # ё also decomposed (macOS input)
            out.append(char.upper() if draw(st.booleans()) else char)
    out.append(draw(st.text(alphabet=" \t\n", max_size=2)))
    return "".join(out)


@FAST
@given(anything)
def test_normalisation_never_raises_and_returns_text(raw):
    for func in (names.normalize_name, names.snils_digits, names.normalize_gender, names.normalize_birthdate):
        assert isinstance(func(raw), str)
    assert isinstance(names.mask_snils(raw), str)


@FAST
@given(anything)
def test_name_normalisation_is_idempotent(raw):
    once = names.normalize_name(raw)
    assert names.normalize_name(once) == once


@FAST
@given(st.one_of(anything, name))
def test_normalised_name_has_no_case_yo_or_loose_spacing(raw):
    normal = names.normalize_name(raw)
    assert "ё" not in normal and "Ё" not in normal
    assert normal == normal.strip()
    assert "  " not in normal and " -" not in normal and "- " not in normal


@FAST
@given(st.data(), name)
def test_case_yo_space_and_hyphen_spacing_do_not_count(data, value):
    variant = data.draw(spelled_differently(value))
    assert names.normalize_name(variant) == names.normalize_name(value)


@FAST
@given(st.data(), name)
def test_a_different_letter_always_counts(data, value):
    index = data.draw(st.sampled_from([i for i, c in enumerate(value) if c in LOWER]))
    old = value[index]
    new = data.draw(st.sampled_from(LOWER + UPPER))
    # Case and ё/е are the only letter differences the rules forgive.
    assume(new.casefold().replace("ё", "е") != old.replace("ё", "е"))
    other = value[:index] + new + value[index + 1 :]
    assert names.normalize_name(other) != names.normalize_name(value)
    variant = data.draw(spelled_differently(other))
    assert names.normalize_name(variant) != names.normalize_name(value)


@FAST
@given(st.data(), st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_snils_punctuation_does_not_count(data, digits):
    gaps = data.draw(st.lists(st.text(alphabet=" -.\u00a0\t", max_size=2), min_size=12, max_size=12))
    typed = gaps[0] + "".join(d + gaps[i + 1] for i, d in enumerate(digits))
    assert names.snils_digits(typed) == digits
    printed = f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"
    assert names.snils_digits(typed) == names.snils_digits(printed)


@FAST
@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(0, 10), st.sampled_from("0123456789"))
def test_snils_differing_in_a_digit_is_another_snils(digits, index, digit):
    assume(digits[index] != digit)
    other = digits[:index] + digit + digits[index + 1 :]
    assert names.snils_digits(other) != names.snils_digits(digits)


@FAST
@given(anything)
def test_normalised_snils_is_ascii_digits_only(raw):
    # Full-width or Arabic-Indic digits are not a SNILS: they must never match the diary's ASCII digits.
    assert all(c in "0123456789" for c in names.snils_digits(raw))


def test_decomposed_yo_is_yo():
    decomposed = unicodedata.normalize("NFD", "Семёнов")
    assert decomposed != "Семёнов"
    assert names.normalize_name(decomposed) == names.normalize_name("Семенов")
