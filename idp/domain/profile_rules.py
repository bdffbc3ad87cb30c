"""What makes a valid profile (the data the registries check): one set of rules for every way in.

The profile form, the CLI and scenarios (through ``create_account``) all apply :func:`profile_problems`.
The field formats themselves are the shared validators'; these are the rules between fields.
"""

from __future__ import annotations

from datetime import date

from shared import validators as v

#: The only citizenship a Russian passport (the one identity document accepted) belongs to.
PROFILE_CITIZENSHIP = "RUS"

#: A person under 14 has no profile to fill in (a simplified account is enough).
UNDER_14 = "under_14"
#: A Russian passport belongs to a citizen of the Russian Federation only.
CITIZENSHIP_NOT_RUS = "citizenship_rus"
#: A required field is empty.
REQUIRED = "required"


def profile_problems(
    birth_date: date | None, birth_place: str | None, citizenship: str | None, today: date
) -> dict[str, str]:
    """Return the profile rules these values break, as field → rule code (empty when none).

    A profile belongs to a person aged 14 or older, names a birthplace, and (with a Russian passport)
    a Russian citizen. A missing birth date is left to the caller's own required-field check.
    """
    problems: dict[str, str] = {}
    if birth_date is not None and not v.needs_full_profile(birth_date, today):
        problems["birth_date"] = UNDER_14
    if not " ".join((birth_place or "").split()):
        problems["birth_place"] = REQUIRED
    if citizenship != PROFILE_CITIZENSHIP:
        problems["citizenship"] = CITIZENSHIP_NOT_RUS
    return problems
