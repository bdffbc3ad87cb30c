"""The diary's messages to parents are readable in its lab API and in ``fedlab inbox``, beside the IdP's."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select

from tests.helpers.forms import csrf_token
from tests.rp.helpers import client_for


def _send_class_message(rp_app) -> None:
    from rp.extensions import db
    from rp.models import PersonRole

    with rp_app.app_context():
        cid = db.session.scalar(
            select(PersonRole.class_id).where(PersonRole.role == "class_teacher").order_by(PersonRole.class_id.desc())
        )
    client = client_for(rp_app, "operator")
    url = f"/journal/class/{cid}/messages"
    page = client.get(url).get_data(as_text=True)
    res = client.post(url, data={"csrf_token": csrf_token(page), "subject": "Собрание", "body": "В четверг в 18:00."})
    assert res.status_code == 302


def test_outbox_api_lists_the_messages_to_parents(rp_app, school):
    _send_class_message(rp_app)
    data = rp_app.test_client().get("/api/lab/outbox").get_json()
    assert data["messages"], data
    assert {m["channel"] for m in data["messages"]} == {"email", "sms"}
    email = next(m for m in data["messages"] if m["channel"] == "email")
    assert email["subject"] == "Собрание" and email["body"] == "В четверг в 18:00." and email["delivery"] == "outbox"
    one = rp_app.test_client().get("/api/lab/outbox", query_string={"recipient": email["recipient"]}).get_json()
    assert {m["recipient"] for m in one["messages"]} == {email["recipient"]}


def test_outbox_api_wants_the_lab_token_off_loopback(rp_app):
    rp_app.config["LAB_TOKEN"] = "t"
    res = rp_app.test_client().get("/api/lab/outbox", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert res.status_code in (401, 403)
    assert "error" in res.get_json()


def test_fedlab_inbox_lists_both_apps(idp_app, rp_app, school, monkeypatch):
    import idp
    import rp
    from fedlab.cli import main
    from idp.db import db
    from idp.domain import inbox

    _send_class_message(rp_app)
    with idp_app.app_context():
        inbox.send(db.session, "sms", "+79110000001", "Госуслуги: код 111111")
        db.session.commit()
    monkeypatch.setattr(idp, "create_app", lambda: idp_app)
    monkeypatch.setattr(rp, "create_app", lambda: rp_app)
    result = CliRunner().invoke(main, ["inbox"], catch_exceptions=False)
    assert "idp sms -> +79110000001: Госуслуги: код 111111" in result.output
    assert "diary email ->" in result.output and "Собрание: В четверг в 18:00." in result.output
    data = json.loads(CliRunner().invoke(main, ["inbox", "--json"], catch_exceptions=False).output)
    assert {m["source"] for m in data["messages"]} == {"idp", "diary"} and data["problems"] == {}
