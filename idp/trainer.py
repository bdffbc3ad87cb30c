"""The guided (trainer) mode: which step of the login instructions each IdP screen is.

One map from endpoint to step; the context processor in ``idp.views.presenter`` shows the step
in a banner when the lab setting ``trainer_mode`` is on. Texts are the instructions' Russian wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from idp.domain import labstate

SETTING = "trainer_mode"


@dataclass(frozen=True)
class Step:
    """One step of the instructions: a title ("Шаг 1: ...") and a short explanation."""

    title: str
    text: str


REGISTRATION_START = Step(
    _l("Шаг 1: Регистрация на ГосУслугах — укажите фамилию, имя, телефон и e-mail («Другой способ регистрации»)"),
    _l(
        "Выберите «Другой способ регистрации» и укажите Вашу фамилию, имя, номер телефона "
        "(формат +7 xxx xxxxxxx) и электронную почту (e-mail)."
    ),
)
REGISTRATION_CONFIRM = Step(
    _l("Шаг 1: Код подтверждения — введите код из SMS или перейдите по ссылке из письма"),
    _l(
        "Код подтверждения придёт на указанный телефон, а ссылка — на указанный e-mail. "
        "Введите код и нажмите «Продолжить»."
    ),
)
REGISTRATION_PASSWORD = Step(
    _l("Шаг 1: Пароль — придумайте пароль и запомните его"),
    _l(
        "Пароль должен состоять из заглавных букв (ABC), строчных букв (abc), цифр (123), знаков (+-!), "
        "не менее восьми символов, на английской раскладке клавиатуры. Пароль необходимо запомнить!"
    ),
)
REGISTRATION_DONE = Step(
    _l("Шаг 1: Упрощённая учётная запись создана"),
    _l(
        "Тем, кому менее 14 лет, больше ничего делать не надо: достаточно «Упрощённой» (1) учётной записи. "
        "Кому 14 и больше — зайдите в личный кабинет и заполните данные профиля."
    ),
)
PROFILE_EDIT = Step(
    _l("Шаг 1: Личный кабинет — заполните данные профиля"),
    _l(
        "Фамилия, имя, отчество, пол, дата рождения, место рождения, гражданство, документ, удостоверяющий "
        "личность, кем выдан, дата выдачи, код подразделения и СНИЛС (формат xxx-xxx-xxx xx). Сохраните."
    ),
)
PROFILE_INDEX = Step(
    _l("Шаг 1: Проверка данных — от 15 минут до 5 дней"),
    _l(
        "В случае успеха учётная запись станет «Стандартной» (2) или «Подтверждённой» (3), иначе данные "
        "вернут на исправление — исправьте и отправьте снова. Учётная запись на ГосУслугах должна быть одна."
    ),
)
LOGIN_FOR_DIARY = Step(
    _l("Шаг 2: Вход через ГосУслуги — введите телефон/e-mail/СНИЛС и пароль от ГосУслуг"),
    _l(
        "Вы пришли сюда с кнопки «Войти через ГосУслуги» Дневника. Введите телефон, e-mail или СНИЛС "
        "и пароль именно от ГосУслуг и нажмите «Войти»."
    ),
)
LOGIN = Step(
    _l("Шаг 1: Вход в личный кабинет ГосУслуг"),
    _l("Введите телефон, e-mail или СНИЛС и пароль от ГосУслуг, чтобы заполнить профиль в личном кабинете."),
)
CONSENT = Step(
    _l("Шаг 2: Разрешение на передачу данных Дневнику"),
    _l(
        "Дневник.ру просит данные Вашей учётной записи: для связки должны совпасть фамилия, имя, отчество, "
        "дата рождения, пол и СНИЛС. Нажмите «Предоставить»."
    ),
)

#: Endpoint → step (or a chooser for screens that belong to two steps).
STEPS: dict[str, Step] = {
    "registration.start": REGISTRATION_START,
    "registration.confirm": REGISTRATION_CONFIRM,
    "registration.link": REGISTRATION_CONFIRM,
    "registration.password": REGISTRATION_PASSWORD,
    "registration.done": REGISTRATION_DONE,
    "profile.edit": PROFILE_EDIT,
    "profile.index": PROFILE_INDEX,
    "oidc.authorization.authorize": CONSENT,
}


def step_for(endpoint: str | None, next_url: str | None = None) -> Step | None:
    """Return the step a screen corresponds to; the login page is step 2 when it leads to an authorization."""
    if endpoint == "auth.login":
        return LOGIN_FOR_DIARY if next_url and "/authorize" in next_url else LOGIN
    return STEPS.get(endpoint or "")


def is_enabled(session: Session) -> bool:
    """Return whether the guided mode is on."""
    return labstate.get_setting(session, SETTING, "off") == "on"


def set_enabled(session: Session, enabled: bool) -> None:
    """Switch the guided mode on or off (the caller commits)."""
    labstate.set_setting(session, SETTING, "on" if enabled else "off")
