"""Role and achievement labels: one definition, shown by the forms and the pages in both languages."""

from __future__ import annotations

from sqlalchemy import select

from tests.rp.helpers import client_for


def test_label_functions_translate_and_pass_unknown_values_through(rp_app):
    from rp.labels import achievement_kind_label
    from rp.labels import role_label

    with rp_app.test_request_context("/?lang=en"):
        assert role_label("class_teacher") == "class teacher"
        assert achievement_kind_label("mystery") == "mystery"
    with rp_app.test_request_context("/"):
        assert role_label("pupil") == "ученик"
        assert achievement_kind_label("olympiad") == "олимпиада"


def test_people_and_achievement_pages_show_the_labels(rp_app, school):  # noqa: F811
    from rp.extensions import db
    from rp.models import Achievement

    operator = client_for(rp_app, "operator")
    people = operator.get("/school/people").get_data(as_text=True)
    assert "классный руководитель" in people and "ученик" in people
    with rp_app.app_context():
        achievement = db.session.scalar(select(Achievement).where(Achievement.kind == "olympiad").limit(1))
        pupil_id = achievement.pupil_id
    page = operator.get(f"/school/pupil/{pupil_id}/achievements/new").get_data(as_text=True)
    assert "<td>олимпиада</td>" in page
    diary = operator.get(f"/diary/pupil/{pupil_id}/achievements").get_data(as_text=True)
    assert "<td>Олимпиада</td>" in diary
