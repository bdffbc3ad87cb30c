"""What the diary calls its roles, achievements, periods, work types, attendance codes and linking decisions.

Defined once, shown everywhere in the person's language.

The forms offer these labels and the templates show them through the template globals the app factory
registers (:func:`template_globals`), so a label is never written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import ngettext
from flask_babel import pgettext

from shared.i18n import N_

#: Role labels, in the order the people filter lists them.
ROLE_LABELS: dict[str, str] = {
    "operator": N_("оператор"),
    "teacher": N_("учитель"),
    "class_teacher": N_("классный руководитель"),
    "parent": N_("родитель"),
    "pupil": N_("ученик"),
}
ACHIEVEMENT_KIND_LABELS: dict[str, str] = {"olympiad": N_("олимпиада"), "contest": N_("конкурс"), "sport": N_("спорт")}
ACHIEVEMENT_LEVEL_LABELS: dict[str, str] = {
    "school": N_("школьный"),
    "municipal": N_("муниципальный"),
    "regional": N_("региональный"),
    "federal": N_("всероссийский"),
    "international": N_("международный"),
}
ACHIEVEMENT_RESULT_LABELS: dict[str, str] = {
    "winner": N_("победитель"),
    "prize": N_("призёр"),
    "participant": N_("участник"),
}


def _label_of(labels: Mapping[str, str]) -> Callable[[str], str]:
    def label(value: str) -> str:
        return gettext(labels[value]) if value in labels else value

    return label


role_label = _label_of(ROLE_LABELS)
achievement_kind_label = _label_of(ACHIEVEMENT_KIND_LABELS)
achievement_level_label = _label_of(ACHIEVEMENT_LEVEL_LABELS)
achievement_result_label = _label_of(ACHIEVEMENT_RESULT_LABELS)


#: What the demo school (and a new school) calls its work types and attendance codes, and the demo regions:
#: a school's own words stay as they are, these are shown in the person's language.
SCHOOL_WORDS: frozenset[str] = frozenset(
    {
        N_("Ответ на уроке"),
        N_("Контрольная работа"),
        N_("Диктант"),
        N_("Самостоятельная работа"),
        N_("Домашняя работа"),
        N_("Тест"),
        N_("Лабораторная работа"),
        N_("Сочинение"),
        N_("отсутствовал"),
        N_("болел"),
        N_("уважительная причина"),
        N_("опоздал"),
        N_("Архангельская область"),
        N_("Томская область"),
    }
)


def school_word(text: str) -> str:
    """Return a work type's, attendance code's or demo region's name in the person's language (others unchanged)."""
    return gettext(text) if text in SCHOOL_WORDS else text


def attendance_letter(code: str) -> str:
    """Return an attendance code's letter in the person's language (Н → A, Б → I, УП → E, ОП → L)."""
    letters = {
        "Н": pgettext("attendance", "Н"),
        "Б": pgettext("attendance", "Б"),
        "УП": pgettext("attendance", "УП"),
        "ОП": pgettext("attendance", "ОП"),
    }
    return letters.get(code, code)


def period_label(period: Any) -> str:
    """Return a period's name in the person's language when it is the usual one («2 четверть» → "Quarter 2")."""
    kind, number, title = period.kind, period.number, period.title
    if kind == "quarter" and title == f"{number} четверть":
        return gettext("%(n)s четверть", n=number)
    if kind == "half" and title == f"{number} полугодие":
        return gettext("%(n)s полугодие", n=number)
    if kind == "year" and title == "Год":
        return gettext("Год")
    return title


def linking_field_label(field: str) -> str:
    """Return the name of a compared field (``last_name``, ``snils``) in the person's language."""
    labels = {
        "last_name": gettext("Фамилия"),
        "first_name": gettext("Имя"),
        "middle_name": gettext("Отчество"),
        "gender": gettext("Пол"),
        "birthdate": gettext("Дата рождения"),
        "birth_date": gettext("Дата рождения"),
        "snils": gettext("СНИЛС"),
        "phone": gettext("Телефон"),
        "email": gettext("Электронная почта"),
        "trust_level": gettext("Уровень учётной записи"),
        "simplified_account": gettext("упрощённая учётная запись"),
    }
    return labels.get(field, field)


def linking_decision(record: Any) -> str:
    """Say in the person's language what a linking record decided (the stored ``detail`` stays for the logs)."""
    history = record.history or []
    login = history[-1].get("login") if history and history[-1].get("outcome") == record.outcome else None
    return _linking_outcome(record, record.outcome, login, record.detail)


def linking_history_entry(record: Any, entry: dict[str, Any]) -> str:
    """Say in the person's language what one entry of a linking record's history decided."""
    return _linking_outcome(record, entry.get("outcome", ""), entry.get("login"), entry.get("detail", ""))


def _linking_outcome(record: Any, outcome: str, login: str | None, detail: str) -> str:
    """The text of one outcome; ``login`` is the diary login a later step named (absent in older records)."""
    candidates = record.candidates or []
    matching = [c.get("login") or "—" for c in candidates if c.get("match")]
    if login is not None:
        later = {
            "linked_diary_login": gettext("привязана к логину дневника %(login)s по его паролю", login=login),
            "linked_first_login": gettext("привязана к логину дневника %(login)s при первом входе", login=login),
            "signed_in": gettext(
                "логин дневника %(login)s уже был привязан к этой учётной записи госуслуг: вход выполнен", login=login
            ),
            "conflict_user_linked": gettext(
                "логин дневника %(login)s привязан к другой учётной записи госуслуг", login=login
            ),
            "conflict_subject_linked": gettext(
                "привязка к логину дневника %(login)s отклонена: эта учётная запись госуслуг привязана к другому "
                "профилю Дневника",
                login=login,
            ),
        }
        if outcome in later:
            return later[outcome]
    if outcome == "signed_in":
        return gettext("уже привязана по (issuer, subject): вход выполнен")
    if outcome == "insufficient":
        from rp.domain.linking import missing_data

        missing = ", ".join(linking_field_label(f) for f in missing_data(record.attributes or {}))
        return gettext("не хватает данных: %(fields)s", fields=missing)
    if outcome == "match" and matching:
        return gettext("одно совпадение: логин дневника %(login)s; начат первый вход", login=matching[0])
    if outcome == "conflict_user_linked" and matching:
        return gettext(
            "единственный совпавший логин дневника %(login)s привязан к другой учётной записи госуслуг",
            login=matching[0],
        )
    if outcome == "ambiguous":
        return ngettext(
            "%(num)d логин дневника совпадает по всем шести полям: %(logins)s",
            "%(num)d логина дневника совпадают по всем шести полям: %(logins)s",
            len(matching),
            logins=", ".join(matching),
        )
    if outcome == "not_found":
        return ngettext(
            "ни один профиль дневника не совпал по всем шести полям (сравнён %(num)d профиль)",
            "ни один профиль дневника не совпал по всем шести полям (сравнено %(num)d профилей)",
            len(candidates),
        )
    if outcome == "legacy_attempts_exhausted":
        return gettext("исчерпаны попытки ввода пароля Дневника на странице «профиль не найден»")
    return detail


def scenario_outcomes() -> dict[str, str]:
    """Return what each expected outcome of a QA scenario means, in the person's language."""
    return {
        "signed_in": gettext("уже привязана по (issuer, subject): Дневник сразу впускает человека"),
        "match": gettext("совпадает ровно один профиль Дневника: начинается первый вход"),
        "not_found": gettext("ни один профиль Дневника не совпал по всем шести полям: страница «профиль не найден»"),
        "ambiguous": gettext("совпадает несколько профилей Дневника: страница «профиль не найден»"),
        "insufficient": gettext(
            "переданных данных недостаточно для сравнения (упрощённая учётная запись, нет нужного поля)"
        ),
        "conflict_user_linked": gettext(
            "единственный совпавший профиль Дневника привязан к другой учётной записи госуслуг"
        ),
        "conflict_subject_linked": gettext("эта учётная запись госуслуг привязана к другому профилю Дневника"),
    }


def template_globals() -> dict[str, Callable[..., str]]:
    """Return the label functions the templates call: ``role_label(r)``, ``period_label(p)`` and the rest."""
    return {
        "role_label": role_label,
        "achievement_kind_label": achievement_kind_label,
        "achievement_level_label": achievement_level_label,
        "achievement_result_label": achievement_result_label,
        "school_word": school_word,
        "attendance_letter": attendance_letter,
        "period_label": period_label,
        "linking_field_label": linking_field_label,
        "linking_decision": linking_decision,
        "linking_history_entry": linking_history_entry,
    }
