"""What every diary page carries: the menu (settings and 404 pages too), the favicon, the shared stylesheet,
and phone numbers written one way (``+7 912 345-67-89``).
"""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers.page_chrome import assert_favicon_and_stylesheet
from tests.rp.helpers import client_for


def menu_of(page: str) -> str:
    """Return the header's navigation of a page."""
    return page.split('<nav class="topnav"', 1)[1].split("</nav>", 1)[0]


def test_settings_and_404_pages_have_the_menu(rp_app, school):
    teacher = client_for(rp_app, "uchitel")
    for path, status in (("/settings", 200), ("/no-such-page", 404), ("/diary/pupil/999999/week", 404)):
        resp = teacher.get(path)
        assert resp.status_code == status
        menu = menu_of(resp.get_data(as_text=True))
        assert "Журнал" in menu and "Новости" in menu and "Настройки" in menu and "Выход" in menu, path
    english = menu_of(teacher.get("/settings?lang=en").get_data(as_text=True))
    assert "Class register" in english and "Settings" in english and "Русский" in english


def test_a_visitor_sees_no_menu_on_a_404(rp_client, school):
    resp = rp_client.get("/no-such-page")
    assert resp.status_code == 404
    menu = menu_of(resp.get_data(as_text=True))
    assert "Настройки" not in menu and "English" in menu


def test_favicon_and_shared_stylesheet_are_linked_and_served(rp_client):
    assert_favicon_and_stylesheet(rp_client, "/login", b"@media (max-width: 720px)", b".skip-link")


def test_phone_numbers_are_written_one_way_on_the_school_pages(rp_app, school):
    from rp.extensions import db
    from rp.models.people import Person

    with rp_app.app_context():
        person = db.session.scalar(select(Person).where(Person.phone == "+79111000005"))
        person_id = person.id
    operator = client_for(rp_app, "operator")
    page = operator.get(f"/school/person/{person_id}").get_data(as_text=True)
    assert "+7 911 100-00-05" in page and "+79111000005" not in page
    people = operator.get("/school/people?q=Васильев").get_data(as_text=True)
    assert "+7 911 100-00-05" in people
