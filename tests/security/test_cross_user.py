"""Cross-user access on the diary, found automatically: every route that takes an object id, read or
written by someone who has no business with that object, answers 403/404 and never the data.

tests/rp/test_access.py holds the explicit role matrix; this test enumerates the URL map, so a new
id-taking route is covered the day it is added.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers.forms import csrf_token
from tests.rp.helpers import client_for

#: Blueprints whose routes show or change school data (lab tools and the login flow are elsewhere).
DATA_BLUEPRINTS = ("diary", "journal", "reports", "school")

#: Who tries, and for each URL variable an object that is not theirs.
INTRUDERS = {
    "uchenik": {
        "pupil_id": "ivanova_child",
        "person_id": "pupil_7a",
        "class_id": "class_7a",
        "group_id": "group",
        "lesson_id": "lesson",
        "mark_id": "mark",
    },
    "ivanova.m": {
        "pupil_id": "pupil_7a",
        "person_id": "pupil_7a",
        "class_id": "class_7a",
        "group_id": "group",
        "lesson_id": "lesson",
        "mark_id": "mark",
    },
    "uchitel": {
        "pupil_id": "pupil_7a",
        "person_id": "pupil_7a",
        "class_id": "class_7a",
        "group_id": "other_group",
        "lesson_id": "other_lesson",
        "mark_id": "other_mark",
    },
}


@pytest.fixture
def objects(rp_app, targets):
    """The access matrix's objects, plus a lesson and a mark of another teacher's group."""
    from sqlalchemy import select

    from rp.extensions import db
    from rp.models import Lesson
    from rp.models import Mark

    with rp_app.app_context():
        other_lesson = db.session.scalar(select(Lesson.id).where(Lesson.group_id == targets["other_group"]))
        other_mark = db.session.scalar(select(Mark.id).join(Lesson).where(Lesson.group_id == targets["other_group"]))
    return {**targets, "other_lesson": other_lesson, "other_mark": other_mark}


def id_rules(app, method: str):
    """Return the data routes with ``method`` that take at least one integer id."""
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint.split(".")[0] in DATA_BLUEPRINTS and "<int:" in rule.rule:
            yield rule


def fill(rule, ids: dict[str, str], objects: dict[str, int]) -> str:
    return re.sub(r"<int:(\w+)>", lambda m: str(objects[ids[m.group(1)]]), rule.rule)


@pytest.mark.parametrize("login", sorted(INTRUDERS))
def test_no_id_route_shows_someone_elses_data(rp_app, objects, login):
    client = client_for(rp_app, login)
    operator = client_for(rp_app, "operator")
    leaks, unchecked = [], []
    for rule in id_rules(rp_app, "GET"):
        if any(arg not in INTRUDERS[login] for arg in rule.arguments):
            unchecked.append(rule.rule)
            continue
        url = fill(rule, INTRUDERS[login], objects)
        assert operator.get(url).status_code == 200, f"{url} does not exist for the operator either"
        res = client.get(url)
        if res.status_code not in (403, 404):
            leaks.append((url, res.status_code))
    assert unchecked == []
    assert leaks == []


@pytest.mark.parametrize("login", sorted(INTRUDERS))
def test_no_id_route_changes_someone_elses_data(rp_app, objects, login):
    client = client_for(rp_app, login)
    token = csrf_token(client.get("/settings").get_data(as_text=True))
    changed = []
    for rule in id_rules(rp_app, "POST"):
        url = fill(rule, INTRUDERS[login], objects)
        res = client.post(url, data={"csrf_token": token, "submit": "1", "value": "5", "text": "x"})
        if res.status_code not in (403, 404):
            changed.append((url, res.status_code))
    assert changed == []
