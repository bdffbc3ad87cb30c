"""The diary's words in the person's language: periods, work types, attendance letters, the login page's
region sentence, the scenario library, the linking decisions and the "why?" panel's field names; plurals by
each language's rules (Russian has three forms).
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from shared import scenarios
from tests.rp.helpers import client_for

pytestmark = pytest.mark.any_database  # wording does not depend on the database

RU_CATALOGUE = Path(__file__).resolve().parents[2] / "rp" / "translations" / "ru" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module", autouse=True)
def russian_plurals_compiled():
    """Compile the diary's Russian plural catalogue (as ``make translations`` does) and drop cached ones."""
    with RU_CATALOGUE.open("rb") as f:
        catalogue = read_po(f, locale="ru")
    target = RU_CATALOGUE.with_suffix(".mo")
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".mo.tmp")
    with os.fdopen(fd, "wb") as f:
        write_mo(f, catalogue)
    os.replace(tmp, target)
    from rp.extensions import babel

    domain = vars(babel).get("domain_instance")
    if domain is not None:
        domain.cache.clear()


def page(client, path: str, lang: str) -> str:
    """Return the page at ``path`` in ``lang``, entities decoded."""
    resp = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
    assert resp.status_code == 200, path
    return html.unescape(resp.get_data(as_text=True))


def test_periods_are_named_in_the_persons_language(rp_app, school):
    from rp.extensions import db
    from rp.models.people import User

    with rp_app.app_context():
        pupil_id = db.session.scalar(select(User.person_id).where(User.login == "uchenik"))
    operator = client_for(rp_app, "operator")
    english = page(operator, f"/diary/pupil/{pupil_id}/marks", "en")
    assert "Quarter 1" in english and "четверть" not in english
    final = page(operator, f"/diary/pupil/{pupil_id}/period-marks", "en")
    assert "Quarter 1" in final and "Half-year 1" in final and "полугодие" not in final
    russian = page(operator, f"/diary/pupil/{pupil_id}/period-marks", "ru")
    assert "1 четверть" in russian and "1 полугодие" in russian and "Quarter" not in russian


def test_work_types_and_attendance_letters_in_the_persons_language(rp_app, school):
    from rp.extensions import db
    from rp.models.journal import AttendanceEntry
    from rp.models.journal import Mark
    from rp.models.timetable import Lesson

    with rp_app.app_context():
        pupil_id, day = db.session.execute(select(Mark.pupil_id, Lesson.date).join(Lesson).limit(1)).one()
        entry = db.session.scalars(select(AttendanceEntry).limit(1)).one()
        absent_id, absent_day = entry.pupil_id, db.session.get(Lesson, entry.lesson_id).date
    operator = client_for(rp_app, "operator")
    english = page(operator, f"/diary/pupil/{pupil_id}/week?d={day.isoformat()}", "en")
    titles = re.findall(r'class="mark mark-\d" title="([^"]+)"', english)
    assert titles and all(re.match(r"^[A-Z][a-z ]+ \(weight \d\)", t) for t in titles), titles
    russian = page(operator, f"/diary/pupil/{pupil_id}/week?d={day.isoformat()}", "ru")
    assert all(
        re.match(r"^[А-Я][а-я ]+ \(вес \d\)", t) for t in re.findall(r'class="mark mark-\d" title="([^"]+)"', russian)
    )

    week = f"/diary/pupil/{absent_id}/week?d={absent_day.isoformat()}"
    letters_en = re.findall(r'<span class="att" title="([^"]+)">([^<]+)</span>', page(operator, week, "en"))
    assert letters_en and all(
        letter in "AIEL" and title in ("absent", "ill", "excused", "late") for title, letter in letters_en
    )
    letters_ru = re.findall(r'<span class="att" title="([^"]+)">([^<]+)</span>', page(operator, week, "ru"))
    assert letters_ru and all(letter in ("Н", "Б", "УП", "ОП") for _, letter in letters_ru)


def test_the_login_page_says_the_region_in_one_language(rp_app, rp_client):
    from rp.domain.regions import ensure_region
    from rp.extensions import db

    with rp_app.app_context():
        ensure_region(db.session, rp_app.config["DEFAULT_REGION"], "Архангельская область", "http://idp.test", "c", "s")
        db.session.commit()
    english = page(rp_client, "/login", "en")
    assert "Region: Arkhangelsk Oblast. Do not fill in the login and password fields above in this case." in english
    russian = page(rp_client, "/login", "ru")
    assert "Регион: Архангельская область. Поля логина и пароля выше при этом не заполняйте." in russian


def test_the_scenario_library_speaks_the_persons_language(rp_client):
    library = scenarios.load_all()
    english = page(rp_client, "/lab/scenarios", "en")
    russian = page(rp_client, "/lab/scenarios", "ru")
    for scenario in library:
        assert scenario.title in english and scenario.title_ru not in english
        assert scenario.title_ru in russian and scenario.description_ru in russian
        assert scenario.description not in russian
    assert "the first-login sequence starts" in english
    assert "начинается первый вход" in russian and "first-login sequence starts" not in russian


def linking_record(rp_app, outcome: str, compared: int, matching: int = 0) -> int:
    """Store a linking record that compared ``compared`` diary profiles, ``matching`` of them equal."""
    from rp.extensions import db
    from rp.models.linking import LinkingRecord

    fields = [
        {
            "field": "last_name",
            "received": "Иванова",
            "received_normalized": "иванова",
            "diary": "Иванова",
            "diary_normalized": "иванова",
            "equal": True,
        },
        {
            "field": "snils",
            "received": "***-***-445 95",
            "received_normalized": "x",
            "diary": "***-***-446 96",
            "diary_normalized": "y",
            "equal": False,
        },
    ]
    candidates = [
        {
            "person_id": i,
            "full_name": f"Иванова {i}",
            "login": f"ivanova{i}",
            "linked": False,
            "match": i < matching,
            "fields": fields,
        }
        for i in range(compared)
    ]
    with rp_app.app_context():
        record = LinkingRecord(
            outcome=outcome,
            detail="stored for the logs",
            candidates=candidates,
            attributes={"last_name": "Иванова", "snils": "***-***-445 95"},
        )
        db.session.add(record)
        db.session.commit()
        return record.id


@pytest.mark.parametrize(
    ("compared", "russian", "english"),
    [
        (1, "(сравнён 1 профиль)", "(1 profile compared)"),
        (3, "(сравнено 3 профиля)", "(3 profiles compared)"),
        (5, "(сравнено 5 профилей)", "(5 profiles compared)"),
        (21, "(сравнён 21 профиль)", "(21 profiles compared)"),
    ],
)
def test_not_found_counts_the_compared_profiles_by_each_languages_plural_rules(
    rp_app, rp_client, compared, russian, english
):
    record_id = linking_record(rp_app, "not_found", compared)
    shown_ru = page(rp_client, f"/lab/linking/{record_id}", "ru")
    assert f"ни один профиль дневника не совпал по всем шести полям {russian}" in shown_ru
    assert "candidates compared" not in shown_ru and "stored for the logs" not in shown_ru
    assert f"no diary profile matches on all six fields {english}" in page(rp_client, f"/lab/linking/{record_id}", "en")


def test_ambiguous_names_the_logins_with_russian_plurals(rp_app, rp_client):
    record_id = linking_record(rp_app, "ambiguous", 2, matching=2)
    assert "2 логина дневника совпадают по всем шести полям: ivanova0, ivanova1" in page(
        rp_client, f"/lab/linking/{record_id}", "ru"
    )
    assert "2 diary logins match on all six fields: ivanova0, ivanova1" in page(rp_client, "/lab/linking", "en")


def test_the_why_panel_names_the_fields_in_the_persons_language(rp_app, rp_client):
    record_id = linking_record(rp_app, "not_found", 1)
    russian = page(rp_client, f"/lab/linking/{record_id}", "ru")
    assert "<td>Фамилия</td>" in russian and "<td>СНИЛС</td>" in russian and '<th scope="row">Фамилия</th>' in russian
    assert "last_name" not in russian and ">snils<" not in russian
    english = page(rp_client, f"/lab/linking/{record_id}", "en")
    assert "<td>Last name</td>" in english and "<td>SNILS</td>" in english
