"""Account → OpenID Connect claims by scope, and the ``acr`` values that carry the account level.

ACR values (the ``acr`` claim and ``acr_values`` request parameter):

* ``urn:fedlab:loa:1`` — simplified account (level 1);
* ``urn:fedlab:loa:2`` — standard account, identity data checked by the registries (level 2);
* ``urn:fedlab:loa:3`` — verified account, identity confirmed in person (level 3).

``acr_values`` also accepts the bare digits ``1``, ``2``, ``3``; unknown values are ignored.
The lowest level listed is the minimum the client demands (on top of the client's ``min_level``).

Scope → claims (a claim is released only if the scope was granted *and* the account has the data):

==============  ==========================================================================
openid          ``sub`` (the account's ESIA-style oid), ``trust_level``
profile         family_name, given_name, middle_name, name, birthdate, gender, citizenship
fullname        family_name, given_name, middle_name, name
birthdate       birthdate (``YYYY-MM-DD``)
gender          gender (``male`` / ``female``)
email           email, email_verified
phone, mobile   phone_number (``+7XXXXXXXXXX``), phone_number_verified
contacts        email, email_verified, phone_number, phone_number_verified
snils           snils (``XXX-XXX-XXX YY``)
inn             inn
id_doc          id_doc {type, series, number, issue_date, issued_by, department_code}, citizenship
birthplace      birthplace
address         nothing yet (accounts hold no address); accepted so standard clients work
offline_access  no claims; lets the client get a refresh token
==============  ==========================================================================
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from idp.models.accounts import Account
from idp.models.accounts import AccountLevel
from idp.models.accounts import ProfileStatus
from shared.i18n import N_
from shared.validators import format_snils

ACR_PREFIX = "urn:fedlab:loa:"
ACR_VALUES = tuple(f"{ACR_PREFIX}{n}" for n in (1, 2, 3))


def account_level_number(account: Account) -> int:
    """Return the account's level as 1, 2 or 3."""
    return AccountLevel(account.level).number


def acr_for_level(level: int) -> str:
    """Return the ``acr`` value of a level number."""
    return f"{ACR_PREFIX}{level}"


def level_from_acr(value: str) -> int | None:
    """Return the level an ``acr`` value names (``urn:fedlab:loa:N`` or ``N``), or None if unknown."""
    text = value.strip()
    if text.startswith(ACR_PREFIX):
        text = text[len(ACR_PREFIX) :]
    return int(text) if text in ("1", "2", "3") else None


def required_level(acr_values: str | None, client_min_level: int) -> int:
    """Return the minimum level a login needs: the client's setting or the lowest known ``acr_values`` entry."""
    levels = [lvl for lvl in (level_from_acr(v) for v in (acr_values or "").split()) if lvl]
    return max(client_min_level or 1, min(levels) if levels else 1)


def _names(account: Account) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "family_name": account.last_name,
        "given_name": account.first_name,
        "name": account.full_name,
    }
    if account.middle_name:
        claims["middle_name"] = account.middle_name
    return claims


def _birthdate(account: Account) -> dict[str, Any]:
    return {"birthdate": account.birth_date.isoformat()} if account.birth_date else {}


def _gender(account: Account) -> dict[str, Any]:
    return {"gender": {"M": "male", "F": "female"}[account.gender]} if account.gender in ("M", "F") else {}


def _citizenship(account: Account) -> dict[str, Any]:
    return {"citizenship": account.citizenship} if account.citizenship else {}


def _email(account: Account) -> dict[str, Any]:
    if not account.email:
        return {}
    return {"email": account.email, "email_verified": bool(account.email_verified)}


def _phone(account: Account) -> dict[str, Any]:
    if not account.phone:
        return {}
    return {"phone_number": account.phone, "phone_number_verified": bool(account.phone_verified)}


def _snils(account: Account) -> dict[str, Any]:
    """Release the SNILS only once the registries confirmed it (never while a check is pending or refused)."""
    if not account.snils or account.profile_status != ProfileStatus.CONFIRMED:
        return {}
    return {"snils": format_snils(account.snils)}


def _id_doc(account: Account) -> dict[str, Any]:
    if not (account.doc_series and account.doc_number):
        return {}
    doc = {
        "type": account.doc_type or "RF_PASSPORT",
        "series": account.doc_series,
        "number": account.doc_number,
        "issue_date": account.doc_issue_date.isoformat() if account.doc_issue_date else None,
        "issued_by": account.doc_issued_by,
        "department_code": account.doc_department_code,
    }
    return {"id_doc": {k: v for k, v in doc.items() if v is not None}, **_citizenship(account)}


SCOPE_CLAIMS = {
    "profile": lambda a: {**_names(a), **_birthdate(a), **_gender(a), **_citizenship(a)},
    "fullname": _names,
    "birthdate": _birthdate,
    "gender": _gender,
    "email": _email,
    "phone": _phone,
    "mobile": _phone,
    "contacts": lambda a: {**_email(a), **_phone(a)},
    "snils": lambda a: _snils(a),
    "inn": lambda a: {"inn": a.inn} if a.inn else {},
    "id_doc": _id_doc,
    "birthplace": lambda a: {"birthplace": a.birth_place} if a.birth_place else {},
}

#: Plain Russian words for what each scope releases, shown on the consent screen (translated there).
SCOPE_LABELS_RU = {
    "openid": N_("Идентификатор учётной записи и уровень её подтверждения"),
    "profile": N_("ФИО, дата рождения, пол, гражданство"),
    "fullname": N_("ФИО"),
    "birthdate": N_("Дата рождения"),
    "gender": N_("Пол"),
    "email": N_("Адрес электронной почты"),
    "phone": N_("Мобильный телефон"),
    "mobile": N_("Мобильный телефон"),
    "contacts": N_("Контакты: электронная почта и мобильный телефон"),
    "snils": N_("СНИЛС"),
    "inn": N_("ИНН"),
    "id_doc": N_("Паспорт: серия, номер, дата выдачи, кем выдан, код подразделения; гражданство"),
    "birthplace": N_("Место рождения"),
    "address": N_("Адрес"),
    "offline_access": N_("Доступ к этим данным, когда вас нет в сети (без повторного входа)"),
}


def claims_for(account: Account, scope: str | list[str] | None) -> dict[str, Any]:
    """Return the claims ``account`` releases for the granted ``scope`` (only data it really has)."""
    scopes = scope.split() if isinstance(scope, str) else list(scope or [])
    claims: dict[str, Any] = {"sub": str(account.oid)}
    if "openid" in scopes:
        claims["trust_level"] = AccountLevel(account.level).value
    for name in scopes:
        builder = SCOPE_CLAIMS.get(name)
        if builder:
            claims.update(builder(account))
    return claims


def released_claims(session: Session, account: Account, scope: str | list[str] | None, client_id: str | None) -> dict:
    """Return :func:`claims_for` with the lab's scripted claim overrides for this account and client applied."""
    from idp.domain import claim_overrides

    return claim_overrides.apply(session, claims_for(account, scope), str(account.oid), client_id)
