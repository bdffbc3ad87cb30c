"""Why a Gosuslugi login failed: one code per reason, with the technical detail for the log."""

from __future__ import annotations

#: Errors the provider itself reports in the redirect (``error=...``) that get their own page.
PROVIDER_ERRORS = ("access_denied", "login_required", "unmet_authentication_requirements")


class OidcError(Exception):
    """A login through the OpenID Provider cannot go on; ``code`` picks the page, ``detail`` is for the log."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
