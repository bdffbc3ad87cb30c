"""Dates at the ends of the calendar (0001-01-01, 9999-12-31) in the diary's addresses: 404, never 500."""

from __future__ import annotations

import pytest

from tests.rp.helpers import client_for
from tests.rp.helpers import person_id


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(
    ("login", "path"),
    [
        ("uchenik", "/diary/pupil/{pupil}/week?d={day}"),
        ("uchenik", "/diary/pupil/{pupil}/day?d={day}"),
        ("uchenik", "/api/diary/pupil/{pupil}/marks?from={day}&to={day}"),
        ("uchenik", "/api/diary/pupil/{pupil}/marks?to={day}"),
        ("klassruk", "/reports/class/{cls}/sheet?week={day}"),
        ("klassruk", "/reports/class/{cls}/sheet?week={day}&format=csv"),
    ],
)
def test_an_extreme_date_is_not_found(rp_app, school, targets, login, path, day):
    url = path.format(pupil=person_id(rp_app, "uchenik"), cls=targets["class"], day=day)
    resp = client_for(rp_app, login).get(url)
    assert resp.status_code == 404, url


def test_an_ordinary_date_still_works(rp_app, school, targets):
    pupil = person_id(rp_app, "uchenik")
    assert client_for(rp_app, "uchenik").get(f"/diary/pupil/{pupil}/week?d=2024-09-02").status_code == 200
    assert (
        client_for(rp_app, "klassruk").get(f"/reports/class/{targets['class']}/sheet?week=2024-09-02").status_code
        == 200
    )
