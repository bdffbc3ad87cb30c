"""The linking record a trainer reads ("why?"): lookalike letters, masked SNILS digits, the history of decisions."""

from __future__ import annotations

from rp.domain import linking
from rp.domain.linking_diff import char_diff
from rp.extensions import db
from tests.rp.fakeop import ISSUER
from tests.rp.fakeop import add_person
from tests.rp.fakeop import last_record
from tests.rp.fakeop import login
from tests.rp.fakeop import post_form
from tests.rp.test_linking import decide


def test_char_diff_names_the_script_of_each_differing_letter():
    received, diary = char_diff("иванова", "иванов" + "a")  # the diary ends in a Latin a
    assert [(c.char, c.same) for c in received][-1] == ("а", False)
    assert received[-1].script == "cyrillic" and diary[-1].script == "latin"
    assert all(c.same for c in received[:-1]) and all(c.same for c in diary[:-1])


def test_char_diff_of_equal_texts_marks_nothing():
    received, diary = char_diff("мария", "мария")
    assert all(c.same for c in received + diary)


def test_latin_lookalike_is_marked_in_the_why_panel(rp_client, rp_app, op):
    add_person(rp_app, last_name="Ивaнова")  # Latin "a" in the diary
    login(rp_client, op)
    record_id = last_record(rp_app)["id"]
    for url in (f"/lab/linking/{record_id}", "/login/esia/not-found"):
        body = rp_client.get(url).get_data(as_text=True)
        assert "латинская a" in body and "кириллическая а" in body, url
        assert '<mark class="char-diff"' in body


def test_latin_lookalike_is_named_in_english(rp_client, rp_app, op):
    add_person(rp_app, last_name="Ивaнова")
    login(rp_client, op)
    body = rp_client.get(f"/lab/linking/{last_record(rp_app)['id']}?lang=en").get_data(as_text=True)
    assert "Latin a" in body and "Cyrillic а" in body


def test_snils_difference_in_masked_digits_names_the_positions(rp_app):
    add_person(rp_app, snils="11299944595")  # digits 4-6 differ: hidden by the mask on both sides
    outcome, record, _ = decide(rp_app)
    assert outcome == "not_found"
    row = next(r for r in record["candidates"][0]["fields"] if r["field"] == "snils")
    assert row["received_normalized"] == row["diary_normalized"] == "112***44595"
    assert row["differs_at"] == [4, 5, 6]


def test_snils_positions_shown_on_the_record_page(rp_client, rp_app, op):
    add_person(rp_app, snils="11223944595")  # only digit 6 differs
    login(rp_client, op)
    body = rp_client.get(f"/lab/linking/{last_record(rp_app)['id']}").get_data(as_text=True)
    assert "СНИЛС различается в цифре 6" in body
    body = rp_client.get(f"/lab/linking/{last_record(rp_app)['id']}?lang=en").get_data(as_text=True)
    assert "SNILS differs in digit 6" in body


def test_record_keeps_the_original_decision_after_a_link(rp_client, rp_app, op):
    add_person(rp_app, middle_name="Викторовна")
    login(rp_client, op)
    post_form(rp_client, "/login/esia/not-found", {"login": "ivanova.m", "password": "dnevnik2024"})
    post_form(rp_client, "/login/esia/confirm")
    record = last_record(rp_app)
    assert record["outcome"] == "linked_diary_login"
    assert record["decision"] == "not_found"
    assert [h["outcome"] for h in record["history"]] == ["not_found", "linked_diary_login"]
    assert "no diary person matches" in record["history"][0]["detail"]
    body = rp_client.get(f"/lab/linking/{record['id']}").get_data(as_text=True)
    assert "История решений" in body and "not_found" in body and "linked_diary_login" in body
    listing = rp_client.get("/lab/linking").get_data(as_text=True)
    assert "<code>not_found</code> → <code>linked_diary_login</code>" in listing


def test_note_outcome_appends_to_the_history(rp_app):
    user_id = add_person(rp_app)
    with rp_app.app_context():
        decision = linking.decide(
            db.session, region="test", issuer=ISSUER, subject="s", attributes=_attrs(), state=None
        )
        linking.note_outcome(db.session, decision.record.id, "legacy_attempts_exhausted", "5 wrong passwords")
        linking.note_outcome(db.session, decision.record.id, "legacy_attempts_exhausted", "5 wrong passwords")
        db.session.commit()
        data = decision.record.to_dict()
    assert data["decision"] == "match" and data["user_id"] == user_id
    assert [h["outcome"] for h in data["history"]] == ["match", "legacy_attempts_exhausted"]


def _attrs():
    from tests.rp.test_linking import attrs

    return attrs()


def test_history_entries_are_told_in_the_page_language(rp_client, rp_app, op):
    add_person(rp_app, middle_name="Викторовна")
    login(rp_client, op)
    post_form(rp_client, "/login/esia/not-found", {"login": "ivanova.m", "password": "dnevnik2024"})
    post_form(rp_client, "/login/esia/confirm")
    record_id = last_record(rp_app)["id"]
    history = _history_items(rp_client.get(f"/lab/linking/{record_id}").get_data(as_text=True))
    assert len(history) == 2
    assert "ни один профиль дневника не совпал" in history[0]
    assert "привязана к логину дневника ivanova.m по его паролю" in history[1]
    assert not any("linked to diary login" in item or "no diary person" in item for item in history)
    english = _history_items(rp_client.get(f"/lab/linking/{record_id}?lang=en").get_data(as_text=True))
    assert "no diary profile matches on all six fields" in english[0]
    assert "linked to diary login ivanova.m with its password" in english[1]


def test_history_entry_of_exhausted_attempts_is_translated(rp_client, rp_app):
    add_person(rp_app)
    with rp_app.app_context():
        decision = linking.decide(
            db.session, region="test", issuer=ISSUER, subject="s", attributes=_attrs(), state=None
        )
        linking.note_outcome(db.session, decision.record.id, "legacy_attempts_exhausted", "5 wrong passwords")
        db.session.commit()
        record_id = decision.record.id
    history = _history_items(rp_client.get(f"/lab/linking/{record_id}").get_data(as_text=True))
    assert "исчерпаны попытки ввода пароля Дневника" in history[1]


def _history_items(body: str) -> list[str]:
    import re

    block = body.split('<ol class="record-history">', 1)[1].split("</ol>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", block, re.S)]
