"""Reports: the class sheet (ведомость) for a week or a period, as a page, CSV or XLSX; the archive of past years."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request
from flask_babel import gettext as _

from rp.domain import access
from rp.domain.calendar import week_start
from rp.domain.calendar import year_periods
from rp.domain.reports import class_sheet
from rp.domain.reports import sheet_csv
from rp.domain.reports import sheet_xlsx
from rp.extensions import db
from rp.labels import period_label
from rp.models.school import SchoolClass
from rp.views.dates import requested_day
from rp.views.diarykit import chosen_period
from rp.views.diarykit import diary_page
from rp.views.diarykit import nav_context
from rp.views.diarykit import require
from rp.views.diarykit import today
from rp.views.diarykit import viewer

bp = Blueprint("reports", __name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/reports")
@diary_page
def index():
    """The classes whose reports the viewer may open, current year first, then the archive."""
    classes = access.viewable_classes(db.session, viewer())
    require(bool(classes) or viewer().is_operator or bool(viewer().class_teacher_of))
    current = [c for c in classes if not c.year.is_archive]
    archive = [c for c in classes if c.year.is_archive]
    return render_template("reports/index.html", **nav_context(), current=current, archive=archive)


@bp.get("/reports/class/<int:class_id>/sheet")
@diary_page
def sheet(class_id: int):
    """The ведомость: ``?period=<id>`` or ``?week=<date>``; ``?format=csv|xlsx`` downloads it."""
    require(access.can_view_class(db.session, viewer(), class_id))
    cls = db.session.get(SchoolClass, class_id)
    periods = year_periods(db.session, [cls.year_id])
    period = None
    if request.args.get("week"):
        start = week_start(requested_day("week", today()))
        end = start + timedelta(days=6)
        title = _("неделя %(start)s–%(end)s", start=start.strftime("%d.%m"), end=end.strftime("%d.%m.%Y"))
    else:
        period = chosen_period(periods, min(today(), cls.year.ends_on))
        require(period is not None)
        start, end, title = period.starts_on, period.ends_on, f"{period_label(period)} {cls.year.title}"
    data = class_sheet(db.session, class_id, start, end, title, period)
    fmt = request.args.get("format")
    filename = f"vedomost-{cls.grade}-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "csv":
        return Response(
            sheet_csv(data),
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    if fmt == "xlsx":
        return Response(
            sheet_xlsx(data),
            mimetype=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
        )
    return render_template(
        "reports/sheet.html",
        **nav_context(),
        sheet=data,
        cls=cls,
        periods=periods,
        period=period,
        week=request.args.get("week") or week_start(today()).isoformat(),
    )
