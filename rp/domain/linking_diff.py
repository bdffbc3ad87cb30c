"""Which characters two compared values differ in, and which script each is from. No Flask.

The linking record shows a surname typed with a Latin ``a`` next to the diary's Cyrillic ``а``: the two
look the same on screen, so the record marks every character outside the common parts of the two
values and names its script (``latin``, ``cyrillic``, ``digit``, ``space`` or ``other``).
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Char:
    """One character of a compared value: whether the other value has it at that place, and its script."""

    char: str
    same: bool
    script: str

    @property
    def code(self) -> str:
        """Return the code point as ``U+0061``."""
        return f"U+{ord(self.char):04X}"


def script_of(char: str) -> str:
    """Return ``latin``, ``cyrillic``, ``digit``, ``space`` or ``other`` for one character."""
    if char.isspace():
        return "space"
    if char.isdigit():
        return "digit"
    name = unicodedata.name(char, "")
    if name.startswith("LATIN "):
        return "latin"
    if name.startswith("CYRILLIC "):
        return "cyrillic"
    return "other"


def char_diff(left: str | None, right: str | None) -> tuple[list[Char], list[Char]]:
    """Return both values character by character, each marked ``same`` when it lies in a common part."""
    a, b = left or "", right or ""
    ours: list[Char] = []
    theirs: list[Char] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        same = tag == "equal"
        ours.extend(Char(c, same, script_of(c)) for c in a[i1:i2])
        theirs.extend(Char(c, same, script_of(c)) for c in b[j1:j2])
    return ours, theirs


def digit_positions(left: str, right: str) -> list[int]:
    """Return the 1-based positions where two digit strings of the same length differ (``[]`` otherwise)."""
    if len(left) != len(right):
        return []
    return [i + 1 for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
