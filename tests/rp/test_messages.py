"""The class teacher's message to all parents: one delivery per parent and channel, recorded and shown."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers.forms import csrf_token
from tests.rp.helpers import client_for


def test_message_reaches_every_parent_by_their_contacts(rp_app, school):
    from rp.domain.messaging import class_parents
    from rp.extensions import db
    from rp.models import Delivery
    from rp.models import OutboxMessage
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
    with rp_app.app_context():
        parents = class_parents(db.session, cid)
        deliveries = db.session.scalars(select(Delivery)).all()
        assert {d.recipient_id for d in deliveries} == {p.id for p, _, _ in parents}
        expected = sum((e and p.email is not None) + (s and p.phone is not None) or 1 for p, e, s in parents)
        assert len(deliveries) == expected
        outbox = db.session.scalars(select(OutboxMessage)).all()
        assert len(outbox) == len([d for d in deliveries if d.channel])
        assert {o.channel for o in outbox} == {"email", "sms"}
    shown = client.get(url).get_data(as_text=True)
    assert "Собрание" in shown and "в лабораторном ящике" in shown


def test_empty_message_is_refused_with_reasons(rp_app, school):
    client = client_for(rp_app, "operator")
    from rp.extensions import db
    from rp.models import SchoolClass

    with rp_app.app_context():
        cid = db.session.scalar(select(SchoolClass.id).order_by(SchoolClass.id.desc()))
    url = f"/journal/class/{cid}/messages"
    page = client.get(url).get_data(as_text=True)
    res = client.post(url, data={"csrf_token": csrf_token(page), "subject": "", "body": ""})
    assert res.status_code == 400
    assert "field-error" in res.get_data(as_text=True)
