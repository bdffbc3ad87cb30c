"""The diary's guided (trainer) mode: which step of the login instructions each login/linking screen is.

Its own setting (``trainer_mode`` in the diary's lab settings), independent of the IdP's.
The context processor in ``rp.views.lab_trainer`` shows the step in the ``banner`` block.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from rp.models.lab import LabSetting

SETTING = "trainer_mode"


@dataclass(frozen=True)
class Step:
    """One step of the instructions: a title ("Шаг 2: ...") and a short explanation."""

    title: str
    text: str


STEPS: dict[str, Step] = {
    "auth.login": Step(
        _l("Шаг 2: Как зайти в Дневник.ру — нажмите «Войти через ГосУслуги»"),
        _l(
            "В поля для ввода логина и пароля ничего не вводите и кнопку «Войти!» не нажимайте: "
            "нажмите «Войти через ГосУслуги», откроется окно авторизации ГосУслуг."
        ),
    ),
    "esia.first_person": Step(
        _l("Шаг 2: Первый вход — проверьте данные о себе"),
        _l(
            "Дневник нашёл Ваш профиль: на странице фамилия, имя, отчество и дата рождения. "
            "Для связки они, пол и СНИЛС должны совпадать с данными на ГосУслугах."
        ),
    ),
    "esia.first_contacts": Step(
        _l("Шаг 2: Первый вход — телефон и электронная почта"),
        _l("Введите телефон и электронную почту. Без них система дальше не пропустит."),
    ),
    "esia.first_password": Step(
        _l("Шаг 2: Первый вход — пароль от Дневника"),
        _l("Укажите любой пароль не короче шести символов: цифры или латиница (EN)."),
    ),
    "esia.first_done": Step(
        _l("Шаг 2: Готово — вход через ГосУслуги настроен"),
        _l("Теперь Вы можете входить в Дневник.ру через кнопку «Вход через ГосУслуги»."),
    ),
    "esia.not_found": Step(
        _l("Шаг 2: Профиль не найден — привяжите его логином и паролем Дневника"),
        _l(
            "Не уходя с этой страницы, введите логин и пароль от Дневник.ру. Получить их можно через "
            "классного руководителя у заместителя директора по ИКТ или по электронной почте школы. "
            "Частая причина: ФИО, дата рождения, пол или СНИЛС на ГосУслугах не совпадают с Дневником."
        ),
    ),
    "esia.confirm": Step(
        _l("Шаг 2: Привязка учётной записи ГосУслуг"),
        _l("Подтвердите, что эта учётная запись ГосУслуг — Ваша, чтобы дальше входить через ГосУслуги."),
    ),
}

#: The region's login page (``/login/esia/<region>``) is the same step as the diary's login page.
STEPS["esia.entry"] = STEPS["auth.login"]


def step_for(endpoint: str | None) -> Step | None:
    """Return the step a diary screen corresponds to, or None."""
    return STEPS.get(endpoint or "")


def is_enabled(session: Session) -> bool:
    """Return whether the diary's guided mode is on."""
    row = session.get(LabSetting, SETTING)
    return row is not None and row.value == "on"


def set_enabled(session: Session, enabled: bool) -> None:
    """Switch the diary's guided mode on or off (the caller commits)."""
    row = session.get(LabSetting, SETTING)
    if row is None:
        session.add(LabSetting(key=SETTING, value="on" if enabled else "off"))
    else:
        row.value = "on" if enabled else "off"
