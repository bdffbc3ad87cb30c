"""The people who exist on both sides of the demo, so that linking can be shown and tested.

The IdP seeds them as Gosuslugi accounts and the diary as diary people; where the two
records differ, they differ on purpose (see ``note``). Everything here is made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.validators import make_snils

#: Password of every demo Gosuslugi account (it satisfies the IdP password policy).
DEMO_IDP_PASSWORD = "Gosuslugi+2024"
#: Password of every demo diary login (the diary's own rule: 6+ digits or Latin letters).
DEMO_RP_PASSWORD = "dnevnik2024"


@dataclass(frozen=True)
class Side:
    """One side's record of a person: names, sex, birth date and SNILS as that side holds them."""

    last_name: str
    first_name: str
    middle_name: str | None
    gender: str
    birth_date: date
    snils: str | None


@dataclass(frozen=True)
class DemoPerson:
    """A person known to both demo apps (or to one, where ``idp`` or ``rp`` is None)."""

    key: str
    note: str
    idp: Side | None
    rp: Side | None
    #: IdP account: fixed ESIA oid, contacts and level.
    oid: int | None = None
    phone: str | None = None
    email: str | None = None
    level: str = "standard"
    #: Diary login, and whether the diary already links it to the IdP account.
    rp_login: str | None = None
    linked: bool = False


_IVANOVA = Side("Иванова", "Мария", "Петровна", "F", date(1984, 3, 14), make_snils("112233445"))
_VASILIEV = Side("Васильев", "Дмитрий", "Олегович", "M", date(1979, 11, 2), make_snils("123456789"))

DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        key="ivanova",
        note="Exact match, not linked yet: the first-login sequence (name, contacts, password).",
        idp=_IVANOVA,
        rp=_IVANOVA,
        oid=1000000001,
        phone="+79111000001",
        email="ivanova@example.test",
        rp_login="ivanova.m",
    ),
    DemoPerson(
        key="semenov",
        note="Differs only by ё/е (Семёнов Пётр / Семенов Петр): matches after normalisation.",
        idp=Side("Семёнов", "Пётр", "Алексеевич", "M", date(1981, 7, 30), make_snils("234567891")),
        rp=Side("Семенов", "Петр", "Алексеевич", "M", date(1981, 7, 30), make_snils("234567891")),
        oid=1000000002,
        phone="+79111000002",
        email="semenov@example.test",
        rp_login="semenov.p",
    ),
    DemoPerson(
        key="kuznetsov",
        note="Patronymic missing at Gosuslugi but present in the diary: profile not found, link by login.",
        idp=Side("Кузнецов", "Андрей", None, "M", date(1986, 1, 21), make_snils("345678912")),
        rp=Side("Кузнецов", "Андрей", "Викторович", "M", date(1986, 1, 21), make_snils("345678912")),
        oid=1000000003,
        phone="+79111000003",
        email="kuznetsov@example.test",
        rp_login="kuznetsov.a",
    ),
    DemoPerson(
        key="smirnova",
        note="Simplified Gosuslugi account (no SNILS released): the diary says what is missing.",
        idp=Side("Смирнова", "Ольга", "Игоревна", "F", date(1990, 5, 5), None),
        rp=Side("Смирнова", "Ольга", "Игоревна", "F", date(1990, 5, 5), make_snils("456789123")),
        oid=1000000004,
        phone="+79111000004",
        email="smirnova@example.test",
        level="simplified",
        rp_login="smirnova.o",
    ),
    DemoPerson(
        key="vasiliev",
        note="Already linked: the diary signs him in straight away.",
        idp=_VASILIEV,
        rp=_VASILIEV,
        oid=1000000005,
        phone="+79111000005",
        email="vasiliev@example.test",
        level="verified",
        rp_login="vasiliev.d",
        linked=True,
    ),
)
