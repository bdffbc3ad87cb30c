"""Forms of the personal account: the profile, the postal code, requesting a letter."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from idp.domain.profile_rules import CITIZENSHIP_NOT_RUS
from idp.domain.profile_rules import UNDER_14
from idp.domain.profile_rules import profile_problems
from idp.domain.verification import ProfileData
from idp.messages import rule_message
from labkit.forms import FlaskForm
from shared import validators as v

DATE_FORMAT_MESSAGE = _l("Укажите дату в формате ДД.ММ.ГГГГ.")
UNDER_14_MESSAGE = _l("Профиль заполняют с 14 лет: до 14 лет достаточно упрощённой учётной записи.")
CITIZENSHIP_MESSAGE = _l("Паспорт гражданина РФ бывает только у гражданина Российской Федерации.")
#: How the form words the profile rules (:mod:`idp.domain.profile_rules`) beyond the shared rule messages.
RULE_TEXTS = {UNDER_14: UNDER_14_MESSAGE, CITIZENSHIP_NOT_RUS: CITIZENSHIP_MESSAGE}

GENDERS = [("", _l("— выберите —")), ("M", _l("Мужской")), ("F", _l("Женский"))]
CITIZENSHIPS = [
    ("RUS", _l("Российская Федерация")),
    ("BLR", _l("Республика Беларусь")),
    ("KAZ", _l("Республика Казахстан")),
    ("OTH", _l("Другое государство")),
]
DOCUMENTS = [("RF_PASSPORT", _l("Паспорт гражданина Российской Федерации"))]


def parse_date(text: str) -> date:
    """Parse ``ДД.ММ.ГГГГ`` (or ``YYYY-MM-DD`` from a date picker); raise ValueError otherwise."""
    cleaned = (text or "").strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(cleaned)


def show_date(value: date | None) -> str:
    """Show a date as ``ДД.ММ.ГГГГ`` for the form."""
    return value.strftime("%d.%m.%Y") if value else ""


class ProfileForm(FlaskForm):
    """The profile form's fields; :meth:`clean` applies the shared validators."""

    last_name = StringField(_l("Фамилия"), validators=[Length(max=100)])
    first_name = StringField(_l("Имя"), validators=[Length(max=100)])
    middle_name = StringField(_l("Отчество"), validators=[Length(max=100)])
    no_middle_name = BooleanField(_l("Нет отчества"))
    gender = SelectField(_l("Пол"), choices=GENDERS, validate_choice=False)
    birth_date = StringField(_l("Дата рождения"), validators=[Length(max=20)], description=_l("ДД.ММ.ГГГГ"))
    birth_place = StringField(_l("Место рождения"), validators=[Length(max=255)])
    citizenship = SelectField(_l("Гражданство"), choices=CITIZENSHIPS, default="RUS", validate_choice=False)
    doc_type = SelectField(
        _l("Документ, удостоверяющий личность"), choices=DOCUMENTS, default="RF_PASSPORT", validate_choice=False
    )
    doc_series = StringField(_l("Серия паспорта"), validators=[Length(max=10)], description=_l("4 цифры"))
    doc_number = StringField(_l("Номер паспорта"), validators=[Length(max=10)], description=_l("6 цифр"))
    doc_issued_by = StringField(_l("Кем выдан"), validators=[Length(max=255)])
    doc_issue_date = StringField(_l("Дата выдачи"), validators=[Length(max=20)], description=_l("ДД.ММ.ГГГГ"))
    doc_department_code = StringField(
        _l("Код подразделения"), validators=[Length(max=10)], description=_l("Формат: xxx-xxx")
    )
    snils = StringField(_l("СНИЛС"), validators=[Length(max=20)], description=_l("Формат: xxx-xxx-xxx xx"))
    submit = SubmitField(_l("Сохранить"))

    def fill_from(self, account) -> None:
        """Pre-fill the form from the account's stored data (GET only)."""
        for name in ("last_name", "first_name", "middle_name", "birth_place", "doc_series", "doc_number"):
            getattr(self, name).data = getattr(account, name) or ""
        self.no_middle_name.data = account.no_middle_name
        self.gender.data = account.gender or ""
        self.citizenship.data = account.citizenship or "RUS"
        self.birth_date.data = show_date(account.birth_date)
        self.doc_issued_by.data = account.doc_issued_by or ""
        self.doc_issue_date.data = show_date(account.doc_issue_date)
        self.doc_department_code.data = account.doc_department_code or ""
        self.snils.data = v.format_snils(account.snils) if account.snils else ""

    def _error(self, name: str, message) -> None:
        getattr(self, name).errors.append(str(message))

    def _rule(self, name: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except v.ValidationError as exc:
            self._error(name, rule_message(exc.code))
            return None

    def _date(self, name: str) -> date | None:
        text = (getattr(self, name).data or "").strip()
        if not text:
            self._error(name, rule_message("required"))
            return None
        try:
            return parse_date(text)
        except ValueError:
            self._error(name, DATE_FORMAT_MESSAGE)
            return None

    def _required(self, name: str) -> str | None:
        text = " ".join((getattr(self, name).data or "").split())
        if not text:
            self._error(name, rule_message("required"))
            return None
        return text

    def clean(self, today: date) -> ProfileData | None:
        """Validate every field (after :meth:`validate`); return the normalised data or None."""
        names = {
            "last_name": self._rule("last_name", v.normalize_person_name, self.last_name.data),
            "first_name": self._rule("first_name", v.normalize_person_name, self.first_name.data),
        }
        if self.no_middle_name.data:
            middle = ""
        else:
            middle = self._rule("middle_name", v.normalize_person_name, self.middle_name.data)
        gender = self.gender.data if self.gender.data in ("M", "F") else None
        if gender is None:
            self._error("gender", rule_message("gender_format"))
        birth_date = self._date("birth_date")
        if birth_date is not None and self._rule("birth_date", v.check_birth_date, birth_date, today) is None:
            birth_date = None
        birth_place = " ".join((self.birth_place.data or "").split()) or None
        citizenship = self.citizenship.data
        for name, code in profile_problems(birth_date, birth_place, citizenship, today).items():
            self._error(name, RULE_TEXTS.get(code) or rule_message(code))
            if name == "birth_date":
                birth_date = None
        if self.doc_type.data != "RF_PASSPORT":
            self._error("doc_type", rule_message("required"))
        series = self._rule("doc_series", v.normalize_passport_series, self.doc_series.data)
        number = self._rule("doc_number", v.normalize_passport_number, self.doc_number.data)
        issued_by = self._required("doc_issued_by")
        issue_date = self._date("doc_issue_date")
        if issue_date is not None:
            issue_date = self._rule("doc_issue_date", v.check_issue_date, issue_date, birth_date, today)
        department = self._rule("doc_department_code", v.normalize_department_code, self.doc_department_code.data)
        snils = self._rule("snils", v.canonical_snils, self.snils.data)
        if any(field.errors for field in self):
            return None
        return ProfileData(
            last_name=names["last_name"],
            first_name=names["first_name"],
            middle_name=middle or None,
            gender=gender,
            birth_date=birth_date,
            birth_place=birth_place,
            citizenship=citizenship,
            doc_series=series,
            doc_number=number,
            doc_issued_by=issued_by,
            doc_issue_date=issue_date,
            doc_department_code=department,
            snils=snils,
        )


class PostalRequestForm(FlaskForm):
    """The "Получить код по почте" button."""

    submit = SubmitField(_l("Получить код письмом (Почта России)"))


class PostalCodeForm(FlaskForm):
    """The code from the letter."""

    code = StringField(_l("Код из письма"), validators=[InputRequired(_l("Введите код из письма.")), Length(max=12)])
    submit = SubmitField(_l("Подтвердить"))
