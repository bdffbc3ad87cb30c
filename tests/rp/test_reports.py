"""The ведомость as a page, CSV and XLSX; the archive is readable and read-only."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from tests.helpers.forms import csrf_token
from tests.rp.helpers import client_for


def _classes(app):
    from rp.extensions import db
    from rp.models import SchoolClass
    from rp.models import SchoolYear

    with app.app_context():
        rows = db.session.execute(select(SchoolClass.id, SchoolYear.status).join(SchoolYear)).all()
        return {status: cid for cid, status in reversed(rows)}


def test_sheet_page_csv_and_xlsx(rp_app, school):
    cid = _classes(rp_app)["current"]
    client = client_for(rp_app, "operator")
    page = client.get(f"/reports/class/{cid}/sheet").get_data(as_text=True)
    assert "Ведомость" in page and "1 четверть" in page
    res = client.get(f"/reports/class/{cid}/sheet?format=csv&week=2026-09-14")
    assert res.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(res.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["№", "Учащийся"] and rows[1][-1] == "Пропущено уроков"
    assert len(rows) == 2 + 25
    res = client.get(f"/reports/class/{cid}/sheet?format=xlsx")
    ws = load_workbook(io.BytesIO(res.data)).active
    assert ws.cell(row=2, column=2).value == "Учащийся" and ws.max_row == 27


def test_archive_sheet_has_period_marks_and_is_read_only(rp_app, school):
    cid = _classes(rp_app)["past"]
    client = client_for(rp_app, "operator")
    page = client.get(f"/reports/class/{cid}/sheet").get_data(as_text=True)
    assert "архив" in page
    res = client.get(f"/reports/class/{cid}/sheet?format=csv")
    rows = list(csv.reader(io.StringIO(res.data.decode("utf-8-sig")), delimiter=";"))
    assert any(cell in {"2", "3", "4", "5"} for cell in rows[2][2:10])  # final marks of the past year
    from rp.extensions import db
    from rp.models import Lesson
    from rp.models import SubjectGroup

    with rp_app.app_context():
        lesson = db.session.scalar(select(Lesson.id).join(SubjectGroup).where(SubjectGroup.class_id == cid))
    assert client.get(f"/journal/lesson/{lesson}").status_code == 200
    token = csrf_token(client.get(f"/journal/class/{_classes(rp_app)['current']}/messages").get_data(as_text=True))
    assert client.post(f"/journal/lesson/{lesson}/marks", data={"csrf_token": token}).status_code == 403
