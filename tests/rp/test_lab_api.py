"""The diary's lab API: reset, apply a scenario's diary side, state, token off loopback, 404 without lab mode."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from rp.extensions import db
from rp.models.linking import LinkingRecord
from rp.models.people import Person
from rp.models.people import User
from rp.models.regions import Region
from shared import scenarios

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def load(client, name: str, **changes):
    document = scenarios.load(name).to_document()
    document.update(changes)
    return client.post("/api/lab/scenario", json=document)


def test_scenario_creates_people_logins_and_links_in_the_demo_region(rp_app, rp_client):
    response = load(rp_client, "account-linked-to-other-profile")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["region"] == "dvinaland" and body["issuer"] == rp_app.config["DEMO_IDP_ISSUER"]
    state = rp_client.get("/api/lab/state").get_json()
    assert state["people"] == 2 and state["users"] == 2
    assert state["links"] == [
        {"issuer": rp_app.config["DEMO_IDP_ISSUER"], "subject": "1100000015", "login": "pavlov.s"}
    ]
    with rp_app.app_context():
        user = db.session.scalar(select(User).where(User.login == "pavlova.i"))
        user_id = user.id
    shown = rp_client.get(f"/api/lab/users/{user_id}").get_json()
    assert shown["login"] == "pavlova.i" and shown["name"] == "Павлова Ирина Романовна" and shown["identities"] == []
    assert rp_client.get("/api/lab/users/999999").status_code == 404


def test_the_scenario_login_works_with_its_diary_password(rp_app, rp_client):
    assert load(rp_client, "name-typo").status_code == 200
    from labkit.web import password_hasher

    with rp_app.app_context():
        user = db.session.scalar(select(User).where(User.login == "frolova.n"))
        assert password_hasher().verify(user.password_hash, "dnevnik2024")
        assert user.person.first_name == "Наталия"


def test_loading_again_replaces_the_previous_scenario(rp_app, rp_client):
    load(rp_client, "two-profiles-match")
    with rp_app.app_context():
        db.session.add(LinkingRecord(outcome="not_found"))
        db.session.commit()
    load(rp_client, "sex-differs")
    state = rp_client.get("/api/lab/state").get_json()
    assert state["users"] == 1 and state["linking_records"] == 0
    assert [r["name"] for r in state["regions"]] == ["dvinaland"]


def test_reset_empties_the_diary_but_keeps_regions(rp_app, rp_client):
    load(rp_client, "already-linked")
    response = rp_client.post("/api/lab/reset", json={"demo": False})
    assert response.status_code == 200 and response.get_json()["demo"] is False
    assert count(rp_app, Person) == 0 and count(rp_app, Region) == 1
    rp_client.post("/api/lab/reset", json={"demo": False, "keep_regions": False})
    assert count(rp_app, Region) == 0


def test_a_bad_document_is_400_and_writes_nothing(rp_app, rp_client):
    load(rp_client, "already-linked")
    response = load(rp_client, "already-linked", login={"account": "nobody"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_scenario"
    assert body["error_description"].startswith("request: login.account: no IdP account")
    assert rp_client.get("/api/lab/state").get_json()["links"][0]["login"] == "belov.i"
    bad_reset = rp_client.post("/api/lab/reset", json={"demo": False, "keep_regions": "no"})
    assert bad_reset.status_code == 400 and count(rp_app, Person) == 1


def test_off_loopback_the_lab_token_is_required(rp_app, rp_client):
    assert rp_client.post("/api/lab/reset", json={"demo": False}, environ_base=REMOTE).status_code == 401
    assert rp_client.get("/api/lab/state", environ_base=REMOTE).status_code == 401
    ok = rp_client.post(
        "/api/lab/reset",
        json={"demo": False},
        environ_base=REMOTE,
        headers={"X-Lab-Token": rp_app.config["LAB_TOKEN"]},
    )
    assert ok.status_code == 200


def test_without_lab_mode_the_api_and_page_are_404(rp_app, rp_client):
    rp_app.config["LAB_MODE"] = False
    assert rp_client.post("/api/lab/reset", json={}).status_code == 404
    assert rp_client.post("/api/lab/scenario", json={}).status_code == 404
    assert rp_client.get("/lab/scenarios").status_code == 404


def test_the_lab_page_lists_every_scenario(rp_client):
    page = rp_client.get("/lab/scenarios").get_data(as_text=True)
    for scenario in scenarios.load_all():
        assert scenario.title_ru in page
    assert "fedlab scenario check" in page
