"""A school worth showing: what a parent, a pupil and a teacher see of the demo school (issue 14)."""

from __future__ import annotations

import re
from datetime import date
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from tests.helpers.forms import csrf_token
from tests.rp.helpers import TODAY
from tests.rp.helpers import accept_consent
from tests.rp.helpers import client_for
from tests.rp.helpers import person_id


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _themes(page: str) -> list[str]:
    return [unescape(t).strip() for t in re.findall(r'<div class="small">Тема: ([^<]+)</div>', page)]


def test_lesson_topics_come_from_the_programme_and_homework_follows_them(rp_app, school):
    from rp.demo_programme import TOPICS

    pupil = person_id(rp_app, "uchenik")
    page = client_for(rp_app, "uchenik").get(f"/diary/pupil/{pupil}/week?d={TODAY}").get_data(as_text=True)
    themes = _themes(page)
    assert len(themes) >= 20
    assert not [t for t in themes if re.search(r"тема \d", t)]
    fifth = {t for subject in TOPICS.values() for t in subject[5]}
    assert all(any(t == topic or t.startswith((topic + ". ", topic + " ")) for topic in fifth) for t in themes), themes
    assert not [t for t in themes if re.search(r"[?!.]\. ", t)]
    assert "§ " in page and "упр." in page  # Russian homework names the paragraph and an exercise


def test_parents_and_children_share_the_family_name(rp_app, school):
    from rp.demo import family_name
    from rp.extensions import db
    from rp.models import Guardian
    from rp.models import Person

    with rp_app.app_context():
        pairs = db.session.execute(select(Guardian.parent_id, Guardian.pupil_id)).all()
        people = {p.id: p for p in db.session.scalars(select(Person))}
    odd = [
        (people[a].last_name, people[b].last_name)
        for a, b in pairs
        if family_name(people[a].last_name, people[a].gender) != family_name(people[b].last_name, people[b].gender)
    ]
    assert len(pairs) > 120 and odd == []
    assert family_name("Иванова", "F") == "Иванов" and family_name("Корельская", "F") == "Корельский"
    accept_consent(rp_app, "ivanova.m")
    page = client_for(rp_app, "ivanova.m").get("/diary", follow_redirects=True).get_data(as_text=True)
    assert re.search(r"<h1>Иванов[а]? ", page)


def test_every_week_of_the_current_quarter_has_lessons(rp_app, school):
    from rp.demo import _year_dates

    pupil = person_id(rp_app, "uchenik")
    client = client_for(rp_app, "uchenik")
    start, end = _year_dates(2026)["Q1"]
    monday = start - timedelta(days=start.weekday())
    weeks = 0
    while monday <= end:
        page = client.get(f"/diary/pupil/{pupil}/week?d={monday}").get_data(as_text=True)
        assert page.count('class="lesson lesson-') >= 20, monday
        monday += timedelta(days=7)
        weeks += 1
    assert weeks == 8


def test_quarters_start_on_a_school_day():
    from rp.demo import _year_dates

    for year in range(2020, 2035):
        for key in ("Q1", "Q2", "Q3", "Q4"):
            assert _year_dates(year)[key][0].weekday() < 5, (year, key)
    assert _year_dates(2026)["Q3"][0] == date(2027, 1, 11)  # 9 January 2027 is a Saturday


def test_news_appear_once_and_in_season(rp_app, school):
    accept_consent(rp_app, "kuznetsov.a")  # two children in two classes: the shared school news once
    page = client_for(rp_app, "kuznetsov.a").get("/diary/news").get_data(as_text=True)
    titles = re.findall(r"<h2[^>]*>([^<]+)</h2>", page)
    assert len(titles) >= 3 and len(titles) == len(set(titles)), titles
    assert "Лыжня России" not in page and "Последний звонок" not in page  # mid-September
    dates = [date(int(y), int(m), int(d)) for d, m, y in re.findall(r"(\d\d)\.(\d\d)\.(\d{4})", page)]
    assert dates and max(dates) <= TODAY


def test_holiday_news_name_the_days_the_quarters_leave_free():
    from rp.demo import _year_dates
    from rp.demo_seasons import SCHOOL_NEWS
    from rp.demo_seasons import holiday_words

    dates = _year_dates(2027)  # 5 November 2027 is a Friday, 9 January 2028 a Sunday
    words = holiday_words([dates[q] for q in ("Q1", "Q2", "Q3", "Q4")])
    bodies = {title: body.format(**words) for _, _, title, body in SCHOOL_NEWS}
    assert "с 25 октября по 4 ноября. Занятия начнутся 5 ноября" in bodies["Осенние каникулы"]
    assert "Каникулы — с 28 декабря по 9 января" in bodies["Новогодние праздники"]
    assert dates["Q3"][0] == date(2028, 1, 10)


def test_the_demo_children_have_achievements_in_season(rp_app, school):
    from shared.demo_people import DEMO_PEOPLE

    for demo in DEMO_PEOPLE:
        accept_consent(rp_app, demo.rp_login)
        client = client_for(rp_app, demo.rp_login)
        page = client.get("/diary", follow_redirects=True)
        pupil = re.search(r"/diary/pupil/(\d+)/", page.headers.get("Location", "") or page.request.path).group(1)
        items = client.get(f"/diary/pupil/{pupil}/achievements").get_data(as_text=True)
        held = [date(int(y), int(m), int(d)) for d, m, y in re.findall(r"<td>(\d\d)\.(\d\d)\.(\d{4})</td>", items)]
        assert held and max(held) <= TODAY, demo.rp_login
        assert "лыжн" not in items.lower() or all(d.month in (1, 2, 3) for d in held if d.month in (1, 2))


def _marks_page(rp_app, query: str = "") -> str:
    pupil = person_id(rp_app, "uchenik")
    return client_for(rp_app, "uchenik").get(f"/diary/pupil/{pupil}/marks{query}").get_data(as_text=True)


def _svg(page: str, css: str) -> str:
    match = re.search(rf'<svg class="{css}"[^>]*>.*?</svg>', page, re.S)
    assert match, css
    return match.group(0)


def test_marks_chart_draws_a_line_per_subject_with_a_legend_inside_its_box(rp_app, school):
    page = _marks_page(rp_app)
    svg = _svg(page, "chart")
    width = float(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    subjects = re.findall(r'<th scope="row">([^<]+)</th>', page.split('class="marks-table"')[1].split("</table>")[0])
    lines = re.findall(r'<polyline class="line line-(\d+)"', svg)
    legend = [unescape(t).strip() for t in re.findall(r'<li class="legend-item[^"]*">.*?<span>([^<]+)</span>', page)]
    assert len(subjects) >= 5 and len(lines) == len(subjects) and legend == [unescape(s) for s in subjects]
    labels = re.findall(r'<text class="axis x"[^>]*x="([\d.]+)"[^>]*text-anchor="(\w+)"', svg)
    x, anchor = float(labels[-1][0]), labels[-1][1]
    assert x + {"end": 0, "middle": 20, "start": 40}[anchor] <= width  # "16.09" is about 40 units wide
    assert 'role="img"' in svg and "chart-data" in page  # the text alternative stays


def test_marks_chart_of_one_chosen_subject(rp_app, school):
    page = _marks_page(rp_app)
    choice = re.search(r'<option value="(\d+)"[^>]*>Математика</option>', page)
    assert choice, "a subject choice for the chart"
    one = _marks_page(rp_app, f"?subject={choice.group(1)}")
    assert len(re.findall(r'<polyline class="line', _svg(one, "chart"))) == 1
    assert re.search(r'<option value="\d+" selected>Математика</option>', one)


def test_marks_page_pictures_the_periods_attendance_by_week(rp_app, school):
    from rp.extensions import db
    from rp.models import AttendanceEntry

    pupil = person_id(rp_app, "uchenik")
    with rp_app.app_context():
        entries = db.session.scalars(select(AttendanceEntry).where(AttendanceEntry.pupil_id == pupil)).all()
        absences = len([e for e in entries if e.lesson.date >= date(2026, 9, 1) and e.code.is_absence])
    page = _marks_page(rp_app)
    svg = _svg(page, "attendance-chart")
    assert "Посещаемость" in page
    for word in ("присутствовал", "пропуск", "опоздание"):
        assert word in page.split('class="attendance-chart"')[1].lower()
    weeks = re.findall(r'<g class="week"', svg)
    assert len(weeks) == 3  # 1–16 September: three weeks so far
    summary = _text(page.split('id="attendance-summary"')[1].split("</")[0])
    assert f"пропущено: {absences} " in summary


def test_final_marks_columns_go_in_time_order_and_the_archive_week_shows_that_years_class(rp_app, school):
    pupil = person_id(rp_app, "uchenik")
    client = client_for(rp_app, "uchenik")
    page = client.get(f"/diary/pupil/{pupil}/period-marks").get_data(as_text=True)
    assert re.search(r"2025/2026 <span class=\"muted\">· 4А</span>", page)
    assert re.search(r"2026/2027 <span class=\"muted\">· 5А</span>", page)
    archive = page.split("2025/2026")[1]
    heads = re.findall(r'<th scope="col">([^<]+)</th>', archive.split("</thead>")[0])
    assert heads[1:] == ["1 четверть", "2 четверть", "1 полугодие", "3 четверть", "4 четверть", "2 полугодие", "Год"]
    marks = client.get(f"/diary/pupil/{pupil}/marks").get_data(as_text=True)
    options = re.findall(r"<option value=\"\d+\" ?(?:selected)?>2025/2026 — ([^<]+)</option>", marks)
    assert options == ["1 четверть", "2 четверть", "1 полугодие", "3 четверть", "4 четверть", "2 полугодие", "Год"]
    old_week = client.get(f"/diary/pupil/{pupil}/week?d=2026-02-11").get_data(as_text=True)
    assert "· 4А," in old_week and "· 5А," not in old_week
    assert "· 5А," in client.get(f"/diary/pupil/{pupil}/week?d={TODAY}").get_data(as_text=True)


LETTERS = (("Н", "отсутствовал"), ("Б", "болел"), ("УП", "уважительная причина"), ("ОП", "опоздал"))


def test_attendance_letters_come_with_a_legend(rp_app, school):
    from rp.extensions import db
    from rp.models import AttendanceEntry
    from rp.models import Lesson

    with rp_app.app_context():
        entry = db.session.scalar(
            select(AttendanceEntry).join(Lesson).where(Lesson.date >= date(2026, 9, 1)).order_by(AttendanceEntry.id)
        )
        pupil, day = entry.pupil_id, entry.lesson.date
    client = client_for(rp_app, "operator")
    for path in (f"/diary/pupil/{pupil}/week?d={day}", f"/diary/pupil/{pupil}/day?d={day}"):
        page = client.get(path).get_data(as_text=True)
        legend = page.split('class="att-legend"')[1].split("</dl>")[0]
        for letter, meaning in LETTERS:
            assert f"<dt>{letter}</dt>" in legend and meaning in legend, path


def test_journal_keeps_average_and_final_in_view_and_shows_the_lessons_homework(rp_app, school):
    from rp.extensions import db
    from rp.models import Homework
    from rp.models import Lesson
    from rp.models import SubjectGroup

    teacher = person_id(rp_app, "uchitel")
    with rp_app.app_context():
        hw = db.session.scalar(
            select(Homework)
            .join(Lesson)
            .join(SubjectGroup)
            .where(SubjectGroup.teacher_id == teacher, Lesson.date <= TODAY)
            .order_by(Lesson.date.desc())
        )
        lesson_id, group_id, text = hw.lesson_id, hw.lesson.group_id, hw.text
    client = client_for(rp_app, "uchitel")
    grid = client.get(f"/journal/group/{group_id}").get_data(as_text=True)
    assert re.search(r'<th scope="col" class="sticky-avg">', grid) and re.search(r'<td class="avg sticky-avg">', grid)
    assert re.search(r'<th scope="col" class="sticky-final">', grid)
    assert 'class="att-legend"' in grid
    page = client.get(f"/journal/lesson/{lesson_id}").get_data(as_text=True)
    box = re.search(r'<textarea[^>]*name="lesson-homework"[^>]*>(.*?)</textarea>', page, re.S)
    assert box and unescape(box.group(1)).strip() == text
    res = client.post(
        f"/journal/lesson/{lesson_id}/info",
        data={
            "csrf_token": csrf_token(page),
            "lesson-theme": "Десятичные дроби",
            "lesson-homework": "№ 12, 14",
            "lesson-status": "normal",
        },
    )
    assert res.status_code == 302
    with rp_app.app_context():
        texts = db.session.scalars(select(Homework.text).where(Homework.lesson_id == lesson_id)).all()
    assert texts == ["№ 12, 14"]  # the box is the lesson's homework: saving it replaces, not appends


def test_a_pupil_keeps_their_level_from_one_year_to_the_next(rp_app, school):
    from rp.extensions import db
    from rp.models import Lesson
    from rp.models import Mark

    with rp_app.app_context():
        rows = db.session.execute(select(Mark.pupil_id, Mark.value, Lesson.date).join(Lesson)).all()
    by_year: dict[tuple[int, bool], list[int]] = {}
    for pupil, value, day in rows:
        by_year.setdefault((pupil, day >= date(2026, 9, 1)), []).append(value)
    gaps = [
        abs(sum(now) / len(now) - sum(by_year[(pupil, False)]) / len(by_year[(pupil, False)]))
        for (pupil, current), now in by_year.items()
        if current and len(now) >= 8 and (pupil, False) in by_year
    ]
    assert len(gaps) > 50 and sum(gaps) / len(gaps) < 0.35
