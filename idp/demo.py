"""Demo data of the IdP's lab registry of citizens: the demo people plus generated citizens.

Everything is made up and deterministic, so every demo starts from the same registry.
"""

from __future__ import annotations

import random
from datetime import date
from datetime import timedelta

from sqlalchemy.orm import Session

from idp.domain import registry
from shared.demo_people import DEMO_PEOPLE
from shared.validators import make_snils

#: Passport (series, number) of each demo person, by ``DemoPerson.key``; series 11xx is the Arkhangelsk region.
DEMO_PASSPORTS: dict[str, tuple[str, str]] = {
    person.key: (f"11{4 + index:02d}", f"{500001 + index * 1111:06d}") for index, person in enumerate(DEMO_PEOPLE)
}

GENERATED_COUNT = 20
_SURNAMES = [
    ("Смирнов", "Смирнова"),
    ("Попов", "Попова"),
    ("Соколов", "Соколова"),
    ("Лебедев", "Лебедева"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Соловьёв", "Соловьёва"),
    ("Зайцев", "Зайцева"),
    ("Павлов", "Павлова"),
    ("Поморцев", "Поморцева"),
    ("Баранов", "Баранова"),
]
_MALE_NAMES = ["Александр", "Сергей", "Никита", "Егор", "Артём", "Илья", "Михаил", "Фёдор"]
_FEMALE_NAMES = ["Анна", "Елена", "Дарья", "Екатерина", "Алёна", "Ксения", "Виктория", "Наталья"]
_FATHERS = [
    ("Александрович", "Александровна"),
    ("Сергеевич", "Сергеевна"),
    ("Николаевич", "Николаевна"),
    ("Иванович", "Ивановна"),
    ("Юрьевич", "Юрьевна"),
    ("Андреевич", "Андреевна"),
]


def demo_passport(key: str) -> tuple[str, str]:
    """Return the made-up passport (series, number) of a demo person."""
    return DEMO_PASSPORTS[key]


def generated_citizens() -> list[dict]:
    """Return the generated citizens' fields (deterministic: the same list every time)."""
    rng = random.Random(29)
    people = []
    for index in range(GENERATED_COUNT):
        male = index % 2 == 0
        surname = rng.choice(_SURNAMES)[0 if male else 1]
        first = rng.choice(_MALE_NAMES if male else _FEMALE_NAMES)
        # Every fifth person has no patronymic on record.
        middle = None if index % 5 == 4 else rng.choice(_FATHERS)[0 if male else 1]
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
        people.append(
            {
                "last_name": surname,
                "first_name": first,
                "middle_name": middle,
                "gender": "M" if male else "F",
                "birth_date": birth,
                "snils": make_snils(f"{600100100 + index * 10101:09d}"),
                "passport_series": f"11{20 + index % 10:02d}",
                "passport_number": f"{700001 + index * 313:06d}",
            }
        )
    return people


def seed_registry(session: Session) -> int:
    """Fill the lab registry with every demo person (IdP side) and the generated citizens; return how many added.

    Idempotent: citizens whose SNILS or passport is already there are skipped. The caller commits.
    """
    citizens = []
    for person in DEMO_PEOPLE:
        if person.idp is None:
            continue
        side = person.idp
        series, number = DEMO_PASSPORTS[person.key]
        citizens.append(
            {
                "last_name": side.last_name,
                "first_name": side.first_name,
                "middle_name": side.middle_name,
                "gender": side.gender,
                "birth_date": side.birth_date,
                # A simplified account has no SNILS yet at the IdP, but the СФР knows the person's one.
                "snils": side.snils or (person.rp.snils if person.rp else None),
                "passport_series": series,
                "passport_number": number,
            }
        )
    citizens.extend(generated_citizens())
    added = 0
    for fields in citizens:
        if fields["snils"] and registry.find_by_snils(session, fields["snils"]) is not None:
            continue
        if registry.find_by_passport(session, fields["passport_series"], fields["passport_number"]) is not None:
            continue
        registry.add_citizen(session, **fields)
        added += 1
    return added
