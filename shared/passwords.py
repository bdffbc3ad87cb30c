"""The IdP password policy, and argon2 hashing for both apps.

Policy: at least 8 characters; upper-case and lower-case Latin letters, digits and
symbols must all occur; only characters of the English keyboard layout are allowed.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

MIN_LENGTH = 8
#: Symbols on the English (US) keyboard layout; at least one must occur.
ALLOWED_SYMBOLS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
ALLOWED_CHARACTERS = frozenset(string.ascii_letters + string.digits + ALLOWED_SYMBOLS)


def password_problems(password: str) -> list[str]:
    """Return the codes of every policy rule the password breaks, in a stable order.

    Codes: ``too_short``, ``no_upper``, ``no_lower``, ``no_digit``, ``no_symbol``,
    ``cyrillic`` (typed on the Russian layout), ``bad_characters`` (anything else
    outside the English layout, spaces included).
    """
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    if not any(c in string.ascii_uppercase for c in password):
        problems.append("no_upper")
    if not any(c in string.ascii_lowercase for c in password):
        problems.append("no_lower")
    if not any(c in string.digits for c in password):
        problems.append("no_digit")
    if not any(c in ALLOWED_SYMBOLS for c in password):
        problems.append("no_symbol")
    if any("\u0400" <= c <= "\u04ff" for c in password):
        problems.append("cyrillic")
    elif any(c not in ALLOWED_CHARACTERS for c in password):
        problems.append("bad_characters")
    return problems


@dataclass(frozen=True)
class HashParams:
    """argon2id cost parameters; tests use cheap ones, production the library defaults."""

    time_cost: int = 3
    memory_cost: int = 65536
    parallelism: int = 4


#: Production: argon2-cffi's defaults (RFC 9106's second recommendation, 64 MiB, 3 passes, 4 lanes).
PRODUCTION_HASH = HashParams(time_cost=3, memory_cost=65536, parallelism=4)
#: Lab (development): a lab holds demo people, so a login's hash costs about a millisecond, not 200.
LAB_HASH = HashParams(time_cost=1, memory_cost=4096, parallelism=1)


def make_hasher(params: HashParams | None = None) -> PasswordHasher:
    """Return an argon2id hasher with the given cost parameters."""
    p = params or HashParams()
    return PasswordHasher(time_cost=p.time_cost, memory_cost=p.memory_cost, parallelism=p.parallelism)


def verify_password(hasher: PasswordHasher, stored_hash: str | None, password: str) -> bool:
    """Return whether ``password`` matches ``stored_hash``; a missing or corrupt hash never matches."""
    if not stored_hash:
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def rehashed(hasher: PasswordHasher, stored_hash: str | None, password: str) -> str | None:
    """Return a new hash of a just-verified password whose stored hash used other parameters, else None."""
    if not stored_hash:
        return None
    try:
        needs = hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return None
    return hasher.hash(password) if needs else None
