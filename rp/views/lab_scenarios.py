"""The diary's lab page of QA scenarios: the library with each one's login and expected outcome, and «Загрузить».

Lab-only (404 unless LAB_MODE; the lab guard's access rules). Loading is a CSRF-protected form POST: the IdP
loads its accounts over HTTP first (``LAB_IDP_URL``), then the diary resets to the scenario's side in one
transaction; if the IdP does not answer, the diary is left as it was and the page says why.
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _

from labkit.web import lab_guard
from rp.domain import idp_lab
from rp.extensions import db
from rp.forms.lab import ScenarioLoadForm
from rp.labels import scenario_outcomes
from rp.seed import ScenarioRefused
from rp.seed import wipe
from rp.views.lab_api import seed_scenario
from shared import scenarios as library
from shared.scenarios import ResetOptions
from shared.scenarios import ScenarioError

bp = Blueprint("lab_scenarios", __name__)

#: Answer 404 unless the lab mode is on (and the lab's access rules for the other addresses).
bp.before_request(lab_guard)


def _library() -> tuple[list, list[str]]:
    items, problems = [], []
    for name in library.names():
        try:
            items.append(library.load(name))
        except ScenarioError as exc:
            problems.append(str(exc))
    return items, problems


@bp.get("/lab/scenarios")
def scenarios_page():
    """List the QA scenario library: descriptions, the login to use, the expected outcome and a load button."""
    items, problems = _library()
    return render_template(
        "lab/scenarios.html", scenarios=items, problems=problems, outcomes=scenario_outcomes(), form=ScenarioLoadForm()
    )


@bp.post("/lab/scenarios/<name>/load")
def load(name: str):
    """Load one scenario into both apps: the IdP's accounts over HTTP, then the diary's side."""
    if name not in library.names():
        abort(404)
    if not ScenarioLoadForm().validate():
        flash(_("Сценарий не загружен: форма устарела, попробуйте ещё раз."), "error")
        return redirect(url_for("lab_scenarios.scenarios_page"))
    scenario = library.load(name)
    config = current_app.config
    idp = idp_lab.load_scenario(config["LAB_IDP_URL"], str(config.get("LAB_TOKEN") or ""), scenario.to_document())
    if not idp.ok:
        flash(
            _(
                "Сценарий «%(title)s» не загружен: госуслуги по адресу %(url)s не ответили (%(error)s). "
                "Дневник не изменён.",
                title=scenario.title_ru,
                url=idp.url,
                error=idp.error,
            ),
            "error",
        )
        return redirect(url_for("lab_scenarios.scenarios_page", _anchor=name))
    session = db.session
    try:
        wipe(session, ResetOptions())
        seed_scenario(scenario)
        session.commit()
    except ScenarioRefused as exc:
        session.rollback()
        flash(_("Сценарий «%(title)s» не загружен в Дневник: %(error)s", title=scenario.title_ru, error=exc), "error")
        return redirect(url_for("lab_scenarios.scenarios_page", _anchor=name))
    account = scenario.account(scenario.login.account)
    flash(
        _(
            "Сценарий «%(title)s» загружен в госуслуги и Дневник. Войдите через госуслуги: %(login)s, пароль "
            "%(password)s. Ожидаемый результат: %(outcome)s.",
            title=scenario.title_ru,
            login=account.login,
            password=account.password,
            outcome=scenario.expect.outcome,
        ),
        "success",
    )
    return redirect(url_for("lab_scenarios.scenarios_page", _anchor=name))
