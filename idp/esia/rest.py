"""``/rs/prns`` in ESIA's shapes: the person, contacts, documents and addresses, by granted scope. No Flask.

Person ``{stateFacts:["EntityRoot"], eTag, updatedOn, status, verifying, citizenship, trusted}``
plus, by scope, ``firstName lastName middleName`` (fullname), ``birthDate`` DD.MM.YYYY, ``gender``
M/F, ``birthPlace``, ``snils`` ``XXX-XXX-XXX YY``, ``inn``, ``rIdDoc`` (id_doc). Collections are
``{stateFacts:["hasSize"], size, eTag, elements:[absolute URLs]}``, or the objects themselves with
``embed=(elements)``. Contacts ``{type: MBT|EML, vrfStu, value}`` (phones ``+7(xxx)xxxxxxx``);
documents ``{type: RF_PASSPORT, series, number, issueDate, issueId, issuedBy, vrfStu}``.
The lab's accounts hold no address, so ``/addrs`` is an empty collection.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

from idp.esia.scopes import ADDRESS_SCOPES
from idp.esia.scopes import CONTACT_SCOPES
from idp.esia.scopes import DOCUMENT_SCOPES
from idp.models.accounts import Account
from idp.models.accounts import AccountLevel
from idp.models.accounts import ProfileStatus
from shared.validators import format_phone_esia
from shared.validators import format_snils

#: Collection path segment -> (scopes any of which opens it, person embed name).
COLLECTIONS = {
    "ctts": (CONTACT_SCOPES, "contacts"),
    "docs": (DOCUMENT_SCOPES, "documents"),
    "addrs": (ADDRESS_SCOPES, "addresses"),
}
_EMBED = re.compile(r"^\(([A-Za-z.,\s]*)\)$")


class Forbidden(Exception):
    """The token's scope does not cover what was asked (HTTP 403)."""


class NotFound(Exception):
    """No such element (HTTP 404)."""


def parse_embed(value: str | None) -> set[str]:
    """Return the names inside ``embed=(a,b.c)``; empty for none or ``()``; ValueError when malformed."""
    if value is None or value == "":
        return set()
    match = _EMBED.match(value.strip())
    if not match:
        raise ValueError("embed must look like (elements) or (contacts.elements,documents.elements)")
    return {part.strip() for part in match.group(1).split(",") if part.strip()}


def _date(value: date | None) -> str | None:
    return value.strftime("%d.%m.%Y") if value else None


def _etag(data: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest().upper()


def _element_ids(account: Account) -> dict[str, int]:
    base = account.id * 10
    return {"MBT": base + 1, "EML": base + 2, "RF_PASSPORT": base + 3}


def allowed(scopes: list[str], collection: str) -> bool:
    """Say whether the granted scopes open a collection (``ctts``, ``docs``, ``addrs``)."""
    return any(s in scopes for s in COLLECTIONS[collection][0])


def person(account: Account, scopes: list[str], updated_on: int) -> dict[str, Any]:
    """Return the person object with the fields the scopes release."""
    verified = account.level == AccountLevel.VERIFIED
    data: dict[str, Any] = {
        "stateFacts": ["EntityRoot"],
        "updatedOn": updated_on,
        "status": "REGISTERED",
        "verifying": account.profile_status == ProfileStatus.PENDING,
        "trusted": verified,
    }
    if account.citizenship:
        data["citizenship"] = account.citizenship
    if "fullname" in scopes:
        data.update(firstName=account.first_name, lastName=account.last_name)
        if account.middle_name:
            data["middleName"] = account.middle_name
    if "birthdate" in scopes and account.birth_date:
        data["birthDate"] = _date(account.birth_date)
    if "gender" in scopes and account.gender in ("M", "F"):
        data["gender"] = account.gender
    if "birthplace" in scopes and account.birth_place:
        data["birthPlace"] = account.birth_place
    if "snils" in scopes and account.snils:
        data["snils"] = format_snils(account.snils)
    if "inn" in scopes and account.inn:
        data["inn"] = account.inn
    if "id_doc" in scopes and account.doc_series and account.doc_number:
        data["rIdDoc"] = _element_ids(account)["RF_PASSPORT"]
    data["eTag"] = _etag(data)
    return data


def _contacts(account: Account, scopes: list[str]) -> list[dict[str, Any]]:
    ids = _element_ids(account)
    items = []
    wants_all = "contacts" in scopes
    if account.phone and (wants_all or "mobile" in scopes):
        items.append(
            {
                "stateFacts": ["Identifiable"],
                "id": ids["MBT"],
                "type": "MBT",
                "vrfStu": "VERIFIED" if account.phone_verified else "NOT_VERIFIED",
                "value": format_phone_esia(account.phone),
            }
        )
    if account.email and (wants_all or "email" in scopes):
        items.append(
            {
                "stateFacts": ["Identifiable"],
                "id": ids["EML"],
                "type": "EML",
                "vrfStu": "VERIFIED" if account.email_verified else "NOT_VERIFIED",
                "value": account.email,
            }
        )
    return items


def _documents(account: Account) -> list[dict[str, Any]]:
    if not (account.doc_series and account.doc_number):
        return []
    doc: dict[str, Any] = {
        "stateFacts": ["Identifiable"],
        "id": _element_ids(account)["RF_PASSPORT"],
        "type": "RF_PASSPORT",
        "vrfStu": "VERIFIED" if account.profile_status == ProfileStatus.CONFIRMED else "NOT_VERIFIED",
        "series": account.doc_series,
        "number": account.doc_number,
    }
    if account.doc_issue_date:
        doc["issueDate"] = _date(account.doc_issue_date)
    if account.doc_department_code:
        doc["issueId"] = account.doc_department_code.replace("-", "")
    if account.doc_issued_by:
        doc["issuedBy"] = account.doc_issued_by
    return [doc]


def elements(account: Account, scopes: list[str], collection: str) -> list[dict[str, Any]]:
    """Return the element objects of a collection (raises Forbidden when the scope is missing)."""
    if not allowed(scopes, collection):
        raise Forbidden(collection)
    if collection == "ctts":
        items = _contacts(account, scopes)
    elif collection == "docs":
        items = _documents(account)
    else:
        items = []
    for item in items:
        item["eTag"] = _etag(item)
    return items


def collection(account: Account, scopes: list[str], name: str, base_url: str, embed: bool) -> dict[str, Any]:
    """Return a collection: element URLs (``base_url`` + ``/{id}``), or the elements with ``embed``."""
    items = elements(account, scopes, name)
    data: dict[str, Any] = {
        "stateFacts": ["hasSize"],
        "size": len(items),
        "elements": items if embed else [f"{base_url}/{item['id']}" for item in items],
    }
    data["eTag"] = _etag({"ids": [item["id"] for item in items], "tags": [item["eTag"] for item in items]})
    return data


def element(account: Account, scopes: list[str], name: str, element_id: int) -> dict[str, Any]:
    """Return one element of a collection, or raise NotFound / Forbidden."""
    for item in elements(account, scopes, name):
        if item["id"] == element_id:
            return item
    raise NotFound(f"{name}/{element_id}")


def person_with_embeds(
    account: Account, scopes: list[str], updated_on: int, embed: set[str], base_url: str
) -> dict[str, Any]:
    """Return the person, with ``contacts``/``documents``/``addresses`` inline as ``embed`` asks and scopes allow."""
    data = person(account, scopes, updated_on)
    for segment, (_, name) in COLLECTIONS.items():
        wanted = {f"{name}.elements", name}
        if embed & wanted and allowed(scopes, segment):
            data[name] = collection(account, scopes, segment, f"{base_url}/{segment}", f"{name}.elements" in embed)
    return data
