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
    """One step of the instructions: a title ("Регистрация, шаг 2 из 7: ...") and a short explanation."""

    title: str
    text: str


#: The seed's part 1, «Зарегистрироваться на сайте ГосУслуги», screen by screen, in order: (endpoints, name, text).
REGISTRATION_JOURNEY = (
    (
        ("registration.start",),
        _l("окно «Регистрация» — выберите ниже «Другой способ регистрации»"),
        _l(
            "Кнопка «Регистрация» открыла окно регистрации. Выберите ниже «Другой способ регистрации»: "
            "там указываются фамилия, имя, номер телефона и электронная почта (e-mail)."
        ),
    ),
    (
        ("registration.other",),
        _l("«Другой способ регистрации» — фамилия, имя, телефон и e-mail"),
        _l(
            "Укажите Вашу фамилию, имя, номер телефона (формат +7 xxx xxxxxxx) и электронную почту (e-mail), "
            "затем нажмите «Зарегистрироваться»."
        ),
    ),
    (
        ("registration.confirm", "registration.link"),
        _l("код подтверждения — введите код из SMS или перейдите по ссылке из письма"),
        _l(
            "Код подтверждения придёт на указанный телефон, а ссылка — на указанный e-mail. "
            "Введите код и нажмите «Продолжить»."
        ),
    ),
    (
        ("registration.password",),
        _l("пароль — придумайте пароль и запомните его"),
        _l(
            "Пароль должен состоять из заглавных букв (ABC), строчных букв (abc), цифр (123), знаков (+-!), "
            "не менее восьми символов, на английской раскладке клавиатуры. Пароль необходимо запомнить!"
        ),
    ),
    (
        ("registration.done",),
        _l("упрощённая учётная запись создана"),
        _l(
            "Тем, кому менее 14 лет, больше ничего делать не надо: достаточно «Упрощённой» (1) учётной записи. "
            "Кому 14 и больше — зайдите в личный кабинет и заполните данные профиля."
        ),
    ),
    (
        ("profile.edit", "auth.login"),
        _l("личный кабинет — заполните данные профиля"),
        _l(
            "Фамилия, имя, отчество, пол, дата рождения, место рождения, гражданство, документ, удостоверяющий "
            "личность, кем выдан, дата выдачи, код подразделения и СНИЛС (формат xxx-xxx-xxx xx). Сохраните."
        ),
    ),
    (
        ("profile.index",),
        _l("проверка данных — от 15 минут до 5 дней"),
        _l(
            "В случае успеха учётная запись станет «Стандартной» (2) или «Подтверждённой» (3), иначе данные "
            "вернут на исправление — исправьте и отправьте снова. Учётная запись на ГосУслугах должна быть одна."
        ),
    ),
)

#: The seed's part 2, «Как зайти в Дневник.ру»: steps 1–3 happen on the diary; these are the IdP's screens.
LOGIN_JOURNEY_TOTAL = 5
LOGIN_JOURNEY = (
    (
        4,
        ("auth.login",),
        _l("окно авторизации ГосУслуг — введите телефон/e-mail/СНИЛС и пароль, нажмите «Войти»"),
        _l(
            "Вы пришли сюда с кнопки «Войти через ГосУслуги» Дневника. Введите телефон, e-mail или СНИЛС "
            "и пароль именно от ГосУслуг и нажмите «Войти»."
        ),
    ),
    (
        5,
        ("oidc.authorization.authorize",),
        _l("разрешение на передачу данных Дневнику"),
        _l(
            "Дневник.ру просит данные Вашей учётной записи: для связки должны совпасть фамилия, имя, отчество, "
            "дата рождения, пол и СНИЛС. Нажмите «Предоставить»."
        ),
    ),
)


def _registration_step(number: int, name: str, text: str) -> Step:
    title = _l(
        "Регистрация, шаг %(number)s из %(total)s: %(name)s", number=number, total=len(REGISTRATION_JOURNEY), name=name
    )
    return Step(title, text)


def _login_step(number: int, name: str, text: str) -> Step:
    title = _l(
        "Вход в Дневник.ру через ГосУслуги, шаг %(number)s из %(total)s: %(name)s",
        number=number,
        total=LOGIN_JOURNEY_TOTAL,
        name=name,
    )
    return Step(title, text)


#: Endpoint → step of the registration journey (numbered by its place in :data:`REGISTRATION_JOURNEY`).
STEPS: dict[str, Step] = {
    endpoint: _registration_step(number, name, text)
    for number, (endpoints, name, text) in enumerate(REGISTRATION_JOURNEY, start=1)
    for endpoint in endpoints
}
#: Endpoint → step of the login journey (the log-in page only when it leads to an authorization).
LOGIN_STEPS: dict[str, Step] = {
    endpoint: _login_step(number, name, text)
    for number, endpoints, name, text in LOGIN_JOURNEY
    for endpoint in endpoints
}


def step_for(endpoint: str | None, next_url: str | None = None) -> Step | None:
    """Return the step a screen corresponds to; the log-in page is a login step when it leads to an authorization."""
    if endpoint == "auth.login" and next_url and ("/authorize" in next_url or "/aas/oauth2/" in next_url):
        return LOGIN_STEPS["auth.login"]
    if endpoint in LOGIN_STEPS and endpoint != "auth.login":
        return LOGIN_STEPS[endpoint]
    return STEPS.get(endpoint or "")


def is_enabled(session: Session) -> bool:
    """Return whether the guided mode is on."""
    return labstate.get_setting(session, SETTING, "off") == "on"


def set_enabled(session: Session, enabled: bool) -> None:
    """Switch the guided mode on or off (the caller commits)."""
    labstate.set_setting(session, SETTING, "on" if enabled else "off")
