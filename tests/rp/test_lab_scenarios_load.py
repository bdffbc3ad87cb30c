"""The diary's /lab/scenarios «Загрузить»: a CSRF-protected POST loads the IdP's side over HTTP, then the diary's."""

from __future__ import annotations

import json
import re

import pytest
import responses

from shared import scenarios
from tests.helpers.forms import csrf_token

IDP_URL = "http://idp.test:5001"
SCENARIO_URL = IDP_URL + "/api/lab/scenario"
NAME = "account-linked-to-other-profile"


@pytest.fixture
def app(rp_app):
    rp_app.config.update(LAB_IDP_URL=IDP_URL, LAB_TOKEN="the-lab-token")
    return rp_app


def _page(client, lang: str = "ru") -> str:
    return client.get(f"/lab/scenarios?lang={lang}").get_data(as_text=True)


def _load(client, name: str = NAME, lang: str = "ru"):
    page = _page(client, lang)
    return client.post(f"/lab/scenarios/{name}/load", data={"csrf_token": csrf_token(page)}, follow_redirects=True)


def test_every_scenario_has_a_load_button_beside_its_expected_outcome(app):
    page = _page(app.test_client())
    for scenario in scenarios.load_all():
        row = re.search(rf'<tr id="{scenario.name}">(.*?)</tr>', page, re.S).group(1)
        assert f"<code>{scenario.expect.outcome}</code>" in row
        assert f'action="/lab/scenarios/{scenario.name}/load"' in row
        assert 'name="csrf_token"' in row and ">Загрузить</button>" in row
        assert 'data-busy="Загружается…"' in row
    assert '<script src="/static/labkit/busy.js" defer></script>' in page


@responses.activate
def test_load_puts_both_apps_in_the_scenario_state(app):
    responses.post(SCENARIO_URL, json={"scenario": NAME})
    client = app.test_client()
    shown = _load(client).get_data(as_text=True)
    sent = responses.calls[0].request
    assert sent.headers["X-Lab-Token"] == "the-lab-token"
    assert json.loads(sent.body)["name"] == NAME
    state = client.get("/api/lab/state").get_json()
    assert state["people"] == 2 and state["users"] == 2 and len(state["links"]) == 1
    scenario = scenarios.load(NAME)
    account = scenario.account(scenario.login.account)
    assert f"Сценарий «{scenario.title_ru}» загружен в госуслуги и Дневник" in shown
    assert account.login in shown and account.password in shown
    assert f"Ожидаемый результат: {scenario.expect.outcome}." in shown


@responses.activate
@pytest.mark.parametrize(("lang", "text"), [("ru", "не ответили"), ("en", "did not answer")])
def test_a_down_idp_leaves_the_diary_as_it_was_and_says_so(app, lang, text):
    responses.post(SCENARIO_URL, status=503)
    client = app.test_client()
    before = client.get("/api/lab/state").get_json()
    shown = _load(client, lang=lang).get_data(as_text=True)
    assert text in shown and SCENARIO_URL in shown and "HTTP 503" in shown
    assert client.get("/api/lab/state").get_json() == before


@responses.activate
def test_without_the_csrf_token_nothing_is_loaded(app):
    client = app.test_client()
    before = client.get("/api/lab/state").get_json()
    refused = client.post(f"/lab/scenarios/{NAME}/load")
    assert refused.status_code == 400  # the app's CSRF protection answers before the view
    assert len(responses.calls) == 0 and client.get("/api/lab/state").get_json() == before


def test_an_unknown_scenario_is_404(app):
    client = app.test_client()
    page = _page(client)
    assert client.post("/lab/scenarios/no-such/load", data={"csrf_token": csrf_token(page)}).status_code == 404


def test_hidden_without_lab_mode(app):
    client = app.test_client()
    token = csrf_token(_page(client))
    app.config["LAB_MODE"] = False
    assert client.get("/lab/scenarios").status_code == 404
    assert client.post(f"/lab/scenarios/{NAME}/load", data={"csrf_token": token}).status_code == 404
