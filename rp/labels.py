"""What the diary calls its roles and achievement kinds, levels and results: defined once, shown everywhere.

The forms offer these labels and the templates show them through the template globals the app factory
registers (:func:`template_globals`), so a label is never written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping

from flask_babel import gettext

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


def template_globals() -> dict[str, Callable[[str], str]]:
    """Return the label functions the templates call: ``role_label(r)``, ``achievement_kind_label(k)`` and the rest."""
    return {
        "role_label": role_label,
        "achievement_kind_label": achievement_kind_label,
        "achievement_level_label": achievement_level_label,
        "achievement_result_label": achievement_result_label,
    }
