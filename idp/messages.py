"""Russian (translatable) texts for every rule code that the validators and policies produce."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shared.passwords import ALLOWED_SYMBOLS

RULE_MESSAGES = {
    # Contacts
    "phone_required": _l("Укажите номер мобильного телефона."),
    "phone_format": _l("Номер телефона должен быть в формате +7 xxx xxxxxxx."),
    "phone_not_mobile": _l("Укажите номер мобильного телефона: после +7 он начинается с 9."),
    "phone_or_email_required": _l("Укажите телефон или электронную почту."),
    "email_required": _l("Укажите адрес электронной почты."),
    "email_format": _l("Адрес электронной почты указан неверно."),
    # Names
    "name_required": _l("Заполните это поле."),
    "name_format": _l("Используйте только буквы, пробел, дефис и апостроф."),
    # Documents
    "snils_required": _l("Укажите СНИЛС."),
    "snils_format": _l("СНИЛС должен быть в формате xxx-xxx-xxx xx (11 цифр)."),
    "snils_checksum": _l("Контрольное число СНИЛС не совпадает: проверьте номер."),
    "inn_format": _l("ИНН физического лица состоит из 12 цифр."),
    "inn_checksum": _l("Контрольные цифры ИНН не совпадают: проверьте номер."),
    "passport_series_format": _l("Серия паспорта — 4 цифры."),
    "passport_number_format": _l("Номер паспорта — 6 цифр."),
    "department_code_format": _l("Код подразделения должен быть в формате xxx-xxx."),
    "date_in_future": _l("Дата не может быть в будущем."),
    "date_too_old": _l("Проверьте год: дата слишком ранняя."),
    "issue_date_before_14": _l("Паспорт выдаётся с 14 лет: дата выдачи раньше 14-летия."),
    "gender_format": _l("Выберите пол."),
    "required_for_level": _l("Обязательно для стандартной и подтверждённой учётной записи."),
    "level_format": _l("Неизвестный тип учётной записи."),
    "required": _l("Заполните это поле."),
    # Password policy (shared.passwords)
    "too_short": _l("Пароль должен быть не короче 8 символов."),
    "no_upper": _l("Добавьте заглавную латинскую букву (ABC)."),
    "no_lower": _l("Добавьте строчную латинскую букву (abc)."),
    "no_digit": _l("Добавьте цифру (123)."),
    "no_symbol": _l("Добавьте знак, например + - !"),
    "cyrillic": _l("Пароль набран на русской раскладке: переключите клавиатуру на английскую (EN)."),
    "bad_characters": _l(
        "Пароль может содержать только латинские буквы, цифры и знаки английской раскладки, без пробелов."
    ),
    "password_mismatch": _l("Пароли не совпадают."),
}

TAKEN_MESSAGES = {
    "phone": _l(
        "Этот номер телефона уже используется другой учётной записью. Если это ваша учётная запись, "
        "воспользуйтесь восстановлением доступа."
    ),
    "email": _l(
        "Эта электронная почта уже используется другой учётной записью. Если это ваша учётная запись, "
        "воспользуйтесь восстановлением доступа."
    ),
    "snils": _l(
        "Этот СНИЛС уже привязан к другой учётной записи. У одного человека может быть только одна "
        "учётная запись: воспользуйтесь восстановлением доступа."
    ),
}

#: Shown beside the password field: the full allowed set of symbols.
PASSWORD_RULES_HINT = _l(
    "Пароль должен состоять из заглавных букв (ABC), строчных букв (abc), цифр (123), знаков (+-!), "
    "не менее восьми символов, на EN (английской) раскладке клавиатуры."
)
ALLOWED_SYMBOLS_TEXT = ALLOWED_SYMBOLS


def rule_message(code: str) -> str:
    """Return the message for a rule code (the code itself if unknown, so nothing is lost)."""
    return str(RULE_MESSAGES.get(code, code))
