"""The operator's forms (people, enrolment, guardians, classes, teachers, news, achievements) and who may use them."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from shared.validators import make_snils
from tests.helpers.forms import csrf_token
from tests.rp.helpers import accept_consent
from tests.rp.helpers import client_for
from tests.rp.helpers import person_id
from tests.rp.helpers import token_of

GOOD_SNILS = make_snils("246813579")
BAD_SNILS = GOOD_SNILS[:9] + f"{(int(GOOD_SNILS[9:]) + 1) % 100:02d}"


def post_form(client, url: str, data: dict, page: str | None = None):
    """GET the form page (``page`` or ``url``), then POST ``data`` with its CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **data})


def person_data(**overrides) -> dict:
    data = {
        "last_name": "Зимородкова",
        "first_name": "Анна",
        "middle_name": "Игоревна",
        "gender": "F",
        "birth_date": "12.03.1985",
        "snils": "",
        "phone": "+7 921 5550101",
        "email": "lebedeva@example.test",
        "roles": ["parent"],
        "class_id": "0",
        "login": "",
        "password": "",
    }
    data.update(overrides)
    return data


def count(app, model) -> int:
    from rp.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def find_person(app, last_name: str):
    from rp.extensions import db
    from rp.models import Person

    with app.app_context():
        return db.session.scalar(select(Person.id).where(Person.last_name == last_name))


def class_id(app, name: str, status: str = "current") -> int:
    from rp.extensions import db
    from rp.models import SchoolClass
    from rp.models import SchoolYear

    with app.app_context():
        return db.session.scalar(
            select(SchoolClass.id)
            .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
            .where(SchoolYear.status == status, SchoolClass.grade == int(name[:-1]), SchoolClass.letter == name[-1])
        )


def first_pupil(app, cls: int) -> int:
    from rp.extensions import db
    from rp.models import Enrolment

    with app.app_context():
        return db.session.scalar(select(Enrolment.pupil_id).where(Enrolment.class_id == cls).order_by(Enrolment.id))


@pytest.fixture
def operator(rp_app, school):
    return client_for(rp_app, "operator")


# People ---------------------------------------------------------------------------------------------------------


def test_operator_creates_a_parent_with_a_login(rp_app, operator):
    from labkit.web import password_hasher
    from rp.extensions import db
    from rp.models import User
    from shared.passwords import verify_password

    res = post_form(
        operator, "/school/people/new", person_data(snils=GOOD_SNILS, login="lebedeva.a", password="start2024")
    )
    assert res.status_code == 302
    page = operator.get(res.headers["Location"]).get_data(as_text=True)
    assert "Зимородкова Анна Игоревна" in page and "lebedeva.a" in page and "родитель" in page
    with rp_app.app_context():
        user = db.session.scalar(select(User).where(User.login == "lebedeva.a"))
        assert user.person.snils == GOOD_SNILS and user.person.phone == "+79215550101"
        assert verify_password(password_hasher(), user.password_hash, "start2024")
        assert user.password_hash != "start2024"


def test_person_without_patronymic_and_snils(rp_app, operator):
    res = post_form(operator, "/school/people/new", person_data(middle_name="", snils="", roles=["teacher"]))
    assert res.status_code == 302
    from rp.extensions import db
    from rp.models import Person

    with rp_app.app_context():
        p = db.session.get(Person, find_person(rp_app, "Зимородкова"))
        assert p.middle_name is None and p.snils is None


def test_bad_person_input_is_reshown_with_reasons(rp_app, operator):
    from rp.models import Person
    from rp.models import User

    before = count(rp_app, Person), count(rp_app, User)
    res = post_form(
        operator,
        "/school/people/new",
        person_data(
            first_name="Анна1",
            snils=BAD_SNILS,
            birth_date="12.03.2099",
            phone="12345",
            email="not-an-address",
            login="lebedeva.a",
            password="abc",
        ),
    )
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert 'value="Зимородкова"' in page and 'value="Анна1"' in page and f'value="{BAD_SNILS}"' in page
    assert 'value="not-an-address"' in page and 'value="lebedeva.a"' in page
    for reason in (
        "Только буквы",
        "не сходится контрольное число",
        "не может быть в будущем",
        "+7 xxx xxxxxxx.",
        "Адрес электронной почты указан неверно",
        "не короче 6 символов",
    ):
        assert reason in page, reason
    assert (count(rp_app, Person), count(rp_app, User)) == before


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"login": "operator", "password": "start2024"}, "Этот логин уже занят"),
        ({"login": "x y", "password": "start2024"}, "Логин: от 3 до 64"),
        ({"login": "new.login", "password": "пароль123"}, "Только цифры и латинские буквы"),
        ({"login": "new.login"}, "Задайте начальный пароль"),
        ({"roles": []}, "Выберите хотя бы одну роль"),
        ({"roles": ["class_teacher"], "class_id": "0"}, "Выберите класс этой школы"),
        ({"roles": ["pupil", "teacher"]}, "Ученик не может быть одновременно"),
        ({"gender": ""}, "Укажите пол"),
        ({"birth_date": "31.02.2010"}, "Дата в формате ДД.ММ.ГГГГ"),
    ],
)
def test_each_person_refusal(rp_app, operator, overrides, reason):
    from rp.models import Person

    before = count(rp_app, Person)
    res = post_form(operator, "/school/people/new", person_data(**overrides))
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert reason in page
    assert 'value="Зимородкова"' in page
    assert count(rp_app, Person) == before


def test_snils_of_another_person_is_refused(rp_app, operator):
    from rp.extensions import db
    from rp.models import Person

    with rp_app.app_context():
        taken = db.session.scalar(select(Person.snils).where(Person.snils.is_not(None)).limit(1))
    res = post_form(operator, "/school/people/new", person_data(snils=taken))
    assert res.status_code == 400
    assert "уже указан у другого человека" in res.get_data(as_text=True)


def test_class_teacher_of_a_class_that_has_one_is_refused(rp_app, operator):
    res = post_form(
        operator, "/school/people/new", person_data(roles=["class_teacher"], class_id=str(class_id(rp_app, "5А")))
    )
    assert res.status_code == 400
    assert "уже есть классный руководитель" in res.get_data(as_text=True)


def test_pupil_created_in_a_class_is_enrolled(rp_app, operator):
    c5b = class_id(rp_app, "5Б")
    res = post_form(
        operator,
        "/school/people/new",
        person_data(
            last_name="Зимородков",
            first_name="Пётр",
            gender="M",
            birth_date="2015-04-01",
            roles=["pupil"],
            class_id=str(c5b),
            phone="",
            email="",
        ),
    )
    assert res.status_code == 302
    assert "Зимородков Пётр Игоревна" in operator.get(res.headers["Location"]).get_data(as_text=True)
    page = operator.get(f"/school/class/{c5b}").get_data(as_text=True)
    assert "Зимородков Пётр Игоревна" in page


def test_edit_person_prefills_and_saves(rp_app, operator):
    pid = person_id(rp_app, "ivanova.m")
    page = operator.get(f"/school/person/{pid}/edit").get_data(as_text=True)
    assert 'value="ivanova.m"' in page and "checked" in page
    from rp.extensions import db
    from rp.models import Person

    with rp_app.app_context():
        p = db.session.get(Person, pid)
        data = person_data(
            last_name=p.last_name,
            first_name=p.first_name,
            middle_name=p.middle_name or "",
            gender=p.gender,
            birth_date=p.birth_date.isoformat(),
            snils=p.snils or "",
            email=p.email or "",
            phone="8 (921) 555-02-02",
            login="ivanova.m",
        )
    res = post_form(operator, f"/school/person/{pid}/edit", data)
    assert res.status_code == 302
    with rp_app.app_context():
        assert db.session.get(Person, pid).phone == "+79215550202"
    res = post_form(operator, f"/school/person/{pid}/edit", {**data, "email": "broken@"})
    assert res.status_code == 400
    assert 'value="broken@"' in res.get_data(as_text=True)
    with rp_app.app_context():
        assert db.session.get(Person, pid).email == data["email"]


# Enrolment and guardians -----------------------------------------------------------------------------------------


def _new_pupil(rp_app, operator, **overrides) -> int:
    data = person_data(
        last_name="Снегирёв",
        first_name="Ваня",
        gender="M",
        birth_date="2014-05-05",
        roles=["pupil"],
        phone="",
        email="",
    )
    data.update(overrides)
    res = post_form(operator, "/school/people/new", data)
    assert res.status_code == 302
    return find_person(rp_app, data["last_name"])


def test_enrol_a_pupil_then_refuse_a_second_class(rp_app, operator):
    pupil = _new_pupil(rp_app, operator)
    page = f"/school/person/{pupil}"
    res = post_form(operator, f"{page}/enrol", {"enrol_class": class_id(rp_app, "6А")}, page=page)
    assert res.status_code == 302
    assert "6А" in operator.get(page).get_data(as_text=True)
    res = post_form(operator, f"{page}/enrol", {"enrol_class": class_id(rp_app, "7А")}, page=f"/school/person/{pupil}")
    assert res.status_code == 400
    assert "уже зачислен в другой класс" in res.get_data(as_text=True)
    with rp_app.app_context():
        from rp.extensions import db
        from rp.models import Enrolment

        assert db.session.scalar(select(func.count()).where(Enrolment.pupil_id == pupil)) == 1


def test_enrol_refuses_a_past_year_class(rp_app, operator):
    pupil = _new_pupil(rp_app, operator)
    page = f"/school/person/{pupil}"
    res = post_form(operator, f"{page}/enrol", {"enrol_class": class_id(rp_app, "4А", "past")}, page=page)
    assert res.status_code == 400
    assert "Зачисление в класс" in res.get_data(as_text=True)


def test_link_a_parent_and_refusals(rp_app, operator):
    from rp.extensions import db
    from rp.models import Guardian

    pupil = _new_pupil(rp_app, operator)
    post_form(operator, "/school/people/new", person_data(phone=""))
    parent = find_person(rp_app, "Зимородкова")
    page = f"/school/person/{pupil}"
    url = f"{page}/guardians"
    res = post_form(operator, url, {"parent_id": parent, "relation": "мать", "contact_sms": "y"}, page=page)
    assert res.status_code == 400
    assert "не указан телефон" in res.get_data(as_text=True)
    res = post_form(operator, url, {"parent_id": parent, "relation": "мать"}, page=page)
    assert res.status_code == 400 and "хотя бы один способ связи" in res.get_data(as_text=True)
    res = post_form(operator, url, {"parent_id": parent, "relation": "мать", "contact_email": "y"}, page=page)
    assert res.status_code == 302
    assert "Зимородкова Анна Игоревна" in operator.get(page).get_data(as_text=True)
    res = post_form(operator, url, {"parent_id": parent, "relation": "мать", "contact_email": "y"}, page=page)
    assert res.status_code == 400 and "уже привязан" in res.get_data(as_text=True)
    with rp_app.app_context():
        g = db.session.scalar(select(Guardian).where(Guardian.pupil_id == pupil))
        assert (g.parent_id, g.contact_email, g.contact_sms, g.relation) == (parent, True, False, "мать")


# Classes and teachers ----------------------------------------------------------------------------------------------


def test_create_a_class_and_assign_a_teacher(rp_app, operator):
    from rp.extensions import db
    from rp.models import SchoolYear
    from rp.models import Subject
    from rp.models import SubjectGroup

    with rp_app.app_context():
        year = db.session.scalar(select(SchoolYear.id).where(SchoolYear.status == "current"))
        subject = db.session.scalar(select(Subject.id).order_by(Subject.id))
    res = post_form(operator, "/school/classes/new", {"year_id": year, "grade": "8", "letter": "б"})
    assert res.status_code == 302
    new = class_id(rp_app, "8Б")
    assert res.headers["Location"].endswith(f"/school/class/{new}")
    teacher = person_id(rp_app, "uchitel")
    page = f"/school/class/{new}"
    res = post_form(operator, f"{page}/teaching", {"subject_id": subject, "teacher_id": teacher}, page=page)
    assert res.status_code == 302
    with rp_app.app_context():
        group = db.session.scalar(select(SubjectGroup).where(SubjectGroup.class_id == new))
        assert (group.subject_id, group.teacher_id) == (subject, teacher)
    parent = person_id(rp_app, "ivanova.m")
    res = post_form(operator, f"{page}/teaching", {"subject_id": subject, "teacher_id": parent}, page=page)
    assert res.status_code == 400
    with rp_app.app_context():
        assert db.session.get(SubjectGroup, group.id).teacher_id == teacher


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"grade": "5", "letter": "А"}, "Такой класс в этом году уже есть"),
        ({"grade": "5", "letter": "1"}, "одна или две русские буквы"),
        ({"grade": "12", "letter": "В"}, "от 1 до 11"),
        ({"grade": "", "letter": "В"}, "Укажите параллель"),
    ],
)
def test_class_refusals(rp_app, operator, data, reason):
    from rp.extensions import db
    from rp.models import SchoolClass
    from rp.models import SchoolYear

    with rp_app.app_context():
        year = db.session.scalar(select(SchoolYear.id).where(SchoolYear.status == "current"))
    before = count(rp_app, SchoolClass)
    res = post_form(operator, "/school/classes/new", {"year_id": year, **data})
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert reason in page and f'value="{data["letter"]}"' in page
    assert count(rp_app, SchoolClass) == before


def test_no_class_in_a_past_year(rp_app, operator):
    from rp.extensions import db
    from rp.models import SchoolYear

    with rp_app.app_context():
        past = db.session.scalar(select(SchoolYear.id).where(SchoolYear.status == "past"))
    res = post_form(operator, "/school/classes/new", {"year_id": past, "grade": "9", "letter": "А"})
    assert res.status_code == 400


# News and achievements ---------------------------------------------------------------------------------------------


def test_operator_publishes_school_news(rp_app, operator):
    res = post_form(operator, "/school/news", {"target": "0", "title": "Субботник", "body": "В субботу субботник."})
    assert res.status_code == 302
    accept_consent(rp_app, "ivanova.m")
    assert "Субботник" in client_for(rp_app, "ivanova.m").get("/diary/news").get_data(as_text=True)


def test_news_refusal_reshows_input(rp_app, operator):
    res = post_form(operator, "/school/news", {"target": "0", "title": "Без текста", "body": ""})
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert 'value="Без текста"' in page and "Заполните это поле" in page


def test_class_teacher_publishes_news_for_own_class_only(rp_app, school):
    client = client_for(rp_app, "klassruk")
    own, other = class_id(rp_app, "5А"), class_id(rp_app, "7А")
    page = client.get("/school/news").get_data(as_text=True)
    assert f'value="{own}"' in page and f'value="{other}"' not in page and 'value="0"' not in page
    res = post_form(client, "/school/news", {"target": str(other), "title": "Чужой", "body": "Текст"})
    assert res.status_code == 400
    res = post_form(client, "/school/news", {"target": "0", "title": "Школьная", "body": "Текст"})
    assert res.status_code == 400
    res = post_form(client, "/school/news", {"target": str(own), "title": "Наш класс", "body": "Текст"})
    assert res.status_code == 302
    from rp.extensions import db
    from rp.models import News

    with rp_app.app_context():
        titles = dict(db.session.execute(select(News.title, News.class_id)).all())
    assert titles["Наш класс"] == own and "Чужой" not in titles and "Школьная" not in titles


def test_achievements_by_operator_and_class_teacher(rp_app, operator):
    pupil_5a, pupil_7a = first_pupil(rp_app, class_id(rp_app, "5А")), first_pupil(rp_app, class_id(rp_app, "7А"))
    data = {
        "kind": "olympiad",
        "title": "Олимпиада по физике",
        "level": "regional",
        "result": "prize",
        "held_on": "10.09.2026",
    }
    res = post_form(operator, f"/school/pupil/{pupil_7a}/achievements/new", data)
    assert res.status_code == 302
    klassruk = client_for(rp_app, "klassruk")
    res = post_form(klassruk, f"/school/pupil/{pupil_5a}/achievements/new", {**data, "title": "Кросс"})
    assert res.status_code == 302
    assert klassruk.get(f"/school/pupil/{pupil_7a}/achievements/new").status_code == 404
    res = klassruk.post(f"/school/pupil/{pupil_7a}/achievements/new", data={**data, "csrf_token": token_of(klassruk)})
    assert res.status_code == 404
    page = operator.get(f"/diary/pupil/{pupil_5a}/achievements").get_data(as_text=True)
    assert "Кросс" in page


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("held_on", "01.01.2030", "не может быть в будущем"),
        ("held_on", "вчера", "ДД.ММ.ГГГГ"),
        ("title", "", "Заполните это поле"),
    ],
)
def test_achievement_refusals(rp_app, operator, field, value, reason):
    from rp.models import Achievement

    pupil = first_pupil(rp_app, class_id(rp_app, "5А"))
    before = count(rp_app, Achievement)
    data = {
        "kind": "sport",
        "title": "Лыжня",
        "level": "school",
        "result": "winner",
        "held_on": "10.09.2026",
        field: value,
    }
    res = post_form(operator, f"/school/pupil/{pupil}/achievements/new", data)
    assert res.status_code == 400
    page = res.get_data(as_text=True)
    assert reason in page and (value == "" or f'value="{value}"' in page)
    assert count(rp_app, Achievement) == before


# Access ------------------------------------------------------------------------------------------------------------


def test_operator_routes_refuse_everybody_else(rp_app, school):
    accept_consent(rp_app, "ivanova.m")
    pupil = first_pupil(rp_app, class_id(rp_app, "5А"))
    c5a = class_id(rp_app, "5А")
    routes = [
        ("GET", "/school/people/new"),
        ("POST", "/school/people/new"),
        ("GET", f"/school/person/{pupil}"),
        ("GET", f"/school/person/{pupil}/edit"),
        ("POST", f"/school/person/{pupil}/edit"),
        ("POST", f"/school/person/{pupil}/enrol"),
        ("POST", f"/school/person/{pupil}/guardians"),
        ("GET", "/school/classes/new"),
        ("POST", "/school/classes/new"),
        ("POST", f"/school/class/{c5a}/teaching"),
    ]
    failures = []
    for login in ("uchitel", "klassruk", "ivanova.m", "uchenik"):
        client = client_for(rp_app, login)
        token = token_of(client)
        for method, url in routes:
            res = client.open(url, method=method, data={"csrf_token": token, "last_name": "X"})
            if res.status_code not in (403, 404):
                failures.append((login, method, url, res.status_code))
    for login in ("uchitel", "ivanova.m", "uchenik"):
        client = client_for(rp_app, login)
        token = token_of(client)
        for url in ("/school/news", f"/school/pupil/{pupil}/achievements/new"):
            for method in ("GET", "POST"):
                res = client.open(
                    url, method=method, data={"csrf_token": token, "target": "0", "title": "x", "body": "y"}
                )
                if res.status_code not in (403, 404):
                    failures.append((login, method, url, res.status_code))
    assert failures == []


def test_operator_cannot_open_a_person_of_no_school(rp_app, operator):
    from rp.extensions import db
    from rp.models import Person

    with rp_app.app_context():
        stranger = Person(last_name="Чужой", first_name="Человек", gender="M")
        db.session.add(stranger)
        db.session.commit()
        sid = stranger.id
    assert operator.get(f"/school/person/{sid}").status_code == 404
    assert operator.get(f"/school/pupil/{sid}/achievements/new").status_code == 404


def test_missing_csrf_is_a_400_not_a_change(rp_app, operator):
    from rp.models import Person

    before = count(rp_app, Person)
    res = operator.post("/school/people/new", data=person_data())
    assert res.status_code == 400
    assert count(rp_app, Person) == before
