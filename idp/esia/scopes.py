"""ESIA's scopes: what a client may ask for at ``/aas/oauth2/ac`` and what each releases over ``/rs/prns``."""

from __future__ import annotations

#: Scopes the lab's ESIA endpoints know (ESIA's names; ``openid`` is required for an id_token).
ESIA_SCOPES = (
    "openid",
    "fullname",
    "birthdate",
    "gender",
    "snils",
    "inn",
    "id_doc",
    "birthplace",
    "email",
    "mobile",
    "contacts",
    "addresses",
)

#: Scopes whose data ``/rs/prns/{oid}`` returns in the person object.
PERSON_FIELDS = {
    "fullname": ("firstName", "lastName", "middleName"),
    "birthdate": ("birthDate",),
    "gender": ("gender",),
    "birthplace": ("birthPlace",),
    "snils": ("snils",),
    "inn": ("inn",),
    "id_doc": ("rIdDoc",),
}
#: Which scopes open each collection.
CONTACT_SCOPES = ("contacts", "email", "mobile")
DOCUMENT_SCOPES = ("id_doc",)
ADDRESS_SCOPES = ("addresses",)


def parse_scope(text: str) -> list[str]:
    """Split a space-separated scope into names, in order, without repeats."""
    return list(dict.fromkeys((text or "").split()))


def with_oid(scopes: list[str], oid: int) -> str:
    """Return the access token's ``scope`` claim: ``openid fullname?oid=N …`` (``openid`` stays bare)."""
    return " ".join(s if s == "openid" else f"{s}?oid={oid}" for s in scopes)
