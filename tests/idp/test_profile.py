"""The personal account and the profile form: the 14-year rule, every field's refusal, the lock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.idp.profile_helpers import PROFILE
from tests.idp.profile_helpers import account_state
from tests.idp.profile_helpers import advance
from tests.idp.profile_helpers import birthday_years_ago
from tests.idp.profile_helpers import log_in
from tests.idp.profile_helpers import make_account
from tests.idp.profile_helpers import post_form
from tests.idp.profile_helpers import submit_profile


@pytest.fixture
def account_id(idp_app, idp_client):
    account_id = make_account(idp_app)
    log_in(idp_client, account_id)
    return account_id


def test_profile_needs_login(idp_client):
    res = idp_client.get("/profile")
    assert res.status_code == 302
    assert "/login" in res.headers["Location"]


def test_profile_shows_name_contacts_level_and_asks_to_fill_in(idp_client, account_id):
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "Иванова Мария" in page
    assert "+7 911 000-00-01" in page  # written one way (shared.validators.display_phone)
    assert "Упрощённая (1)" in page
    assert "не заполнен" in page
    assert "Заполните профиль" in page
    assert "/profile/edit" in page
    assert "проверка занимает от 15 минут до 5 дней" in page.lower()


def test_profile_links_to_the_apps_the_person_gave_access_to(idp_client, account_id):
    page = idp_client.get("/profile").get_data(as_text=True)
    assert 'href="/profile/consents"' in page
    assert idp_client.get("/profile/consents").status_code == 200


def test_under_14_is_told_a_simplified_account_is_enough(idp_app, idp_client):
    account_id = make_account(idp_app, birth_date=birthday_years_ago(13))
    log_in(idp_client, account_id)
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "достаточно упрощённой учётной записи" in page
    assert "Заполните профиль" not in page
    assert "/profile/edit" not in page
    edit = idp_client.get("/profile/edit").get_data(as_text=True)
    assert "достаточно упрощённой учётной записи" in edit
    assert 'name="doc_series"' not in edit


def test_turning_14_on_the_lab_clock_asks_for_the_profile(idp_app, idp_client):
    account_id = make_account(idp_app, birth_date=birthday_years_ago(14, days_after=2))
    log_in(idp_client, account_id)
    assert "достаточно упрощённой" in idp_client.get("/profile").get_data(as_text=True)
    advance(idp_app, "3d")
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "достаточно упрощённой" not in page
    assert "Заполните профиль" in page


def test_form_is_prefilled_with_the_account(idp_client, account_id):
    page = idp_client.get("/profile/edit").get_data(as_text=True)
    assert 'value="Иванова"' in page
    assert "Сохранить" in page
    assert "Нет отчества" in page


def test_saving_sends_for_checking_and_locks_the_data(idp_app, idp_client, account_id):
    res = submit_profile(idp_client)
    assert res.status_code == 302
    page = idp_client.get("/profile").get_data(as_text=True)
    assert "проверка" in page
    assert "Проверка занимает от 15 минут до 5 дней" in page
    assert "Данные на проверке" in page
    assert account_state(idp_app, account_id)[:2] == ("simplified", "pending")

    # While pending the form is not offered and a POST changes nothing.
    assert idp_client.get("/profile/edit").status_code == 302
    res = submit_profile(idp_client, token_page="/profile", birth_place="г. Москва")
    assert res.status_code == 302
    from idp.db import db
    from idp.models.accounts import Account
    from idp.models.verification import VerificationCheck

    with idp_app.app_context():
        assert db.session.get(Account, account_id).birth_place == "г. Архангельск"
        checks = db.session.query(VerificationCheck).all()
        assert len(checks) == 1
        delay = checks[0].due_at - checks[0].submitted_at
        assert timedelta(minutes=15) <= delay <= timedelta(days=5)


def test_configured_delay_range_is_used(idp_app, idp_client, account_id):
    idp_app.config["VERIFICATION_DELAY"] = "1h-1h"
    submit_profile(idp_client)
    from idp.db import db
    from idp.models.verification import VerificationCheck

    with idp_app.app_context():
        check = db.session.query(VerificationCheck).one()
        assert check.due_at - check.submitted_at == timedelta(hours=1)
    assert "от 1 час" in idp_client.get("/profile").get_data(as_text=True)


REFUSALS = [
    ("last_name", "", "Заполните это поле."),
    ("last_name", "Ив4нова", "Используйте только буквы"),
    ("first_name", "", "Заполните это поле."),
    ("middle_name", "", "Заполните это поле."),
    ("gender", "", "Выберите пол."),
    ("birth_date", "31.02.1990", "Укажите дату в формате ДД.ММ.ГГГГ."),
    ("birth_date", "01.01.2100", "Дата не может быть в будущем."),
    ("birth_place", "", "Заполните это поле."),
    ("citizenship", "BLR", "Паспорт гражданина РФ бывает только у гражданина Российской Федерации."),
    ("doc_series", "11 0", "Серия паспорта — 4 цифры."),
    ("doc_number", "12345", "Номер паспорта — 6 цифр."),
    ("doc_issued_by", "", "Заполните это поле."),
    ("doc_issue_date", "01.01.1995", "Паспорт выдаётся с 14 лет"),
    ("doc_issue_date", "01.01.2100", "Дата не может быть в будущем."),
    ("doc_issue_date", "вчера", "Укажите дату в формате ДД.ММ.ГГГГ."),
    ("doc_department_code", "29-0001", "Код подразделения должен быть в формате xxx-xxx."),
    ("snils", "112-233-445 96", "Контрольное число СНИЛС не совпадает"),
    ("snils", "112-233-44", "СНИЛС должен быть в формате xxx-xxx-xxx xx"),
]


@pytest.mark.parametrize(("field", "value", "message"), REFUSALS)
def test_each_field_refusal_names_the_rule_and_reshows_the_input(
    idp_app, idp_client, account_id, field, value, message
):
    marker = "doc_issued_by" if field == "birth_place" else "birth_place"
    res = submit_profile(idp_client, **{marker: "село Холмогоры", field: value})
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    assert message in page
    if value and field not in ("gender", "citizenship"):
        assert f'value="{value}"' in page
    assert 'value="село Холмогоры"' in page  # the other fields keep what was typed
    assert account_state(idp_app, account_id)[1] == "empty"


def test_under_14_birth_date_is_refused_by_the_form(idp_client, account_id):
    res = submit_profile(idp_client, birth_date=birthday_years_ago(10).strftime("%d.%m.%Y"))
    assert res.status_code == 422
    assert "достаточно упрощённой учётной записи" in res.get_data(as_text=True)


def test_no_patronymic_checkbox(idp_app, idp_client, account_id):
    res = submit_profile(idp_client, middle_name="", no_middle_name="y")
    assert res.status_code == 302
    from idp.db import db
    from idp.models.accounts import Account

    with idp_app.app_context():
        account = db.session.get(Account, account_id)
        assert account.middle_name is None
        assert account.no_middle_name is True


def test_snils_of_another_account_is_refused(idp_app, idp_client, account_id):
    make_account(idp_app, phone="+79110000002", snils=PROFILE["snils"])
    res = submit_profile(idp_client)
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    assert "Этот СНИЛС уже привязан к другой учётной записи" in page
    assert f'value="{PROFILE["snils"]}"' in page
    assert account_state(idp_app, account_id)[1] == "empty"


def test_snils_race_on_insert_is_refused_with_the_same_message(idp_app, idp_client, account_id, monkeypatch):
    """A concurrent save that takes the SNILS between the check and the write loses cleanly."""
    from idp.domain import verification

    make_account(idp_app, phone="+79110000002", snils=PROFILE["snils"])
    monkeypatch.setattr(verification, "snils_holder", lambda *a, **k: None)
    res = submit_profile(idp_client)
    assert res.status_code == 422
    assert "Этот СНИЛС уже привязан к другой учётной записи" in res.get_data(as_text=True)
    assert account_state(idp_app, account_id)[1] == "empty"


def test_profile_form_checks_csrf(idp_client, account_id):
    res = idp_client.post("/profile/edit", data=PROFILE)
    assert res.status_code == 400


def test_confirm_page_for_a_simplified_account_goes_back_to_profile(idp_client, account_id):
    assert idp_client.get("/profile/confirm").status_code == 302
    res = post_form(idp_client, "/profile", "/profile/post-code")
    assert res.status_code == 302
    assert "недоступен" in idp_client.get("/profile").get_data(as_text=True)
