"""ESIA's error codes (``ESIA-0070xx``) and how each reaches the client.

At the authorization endpoint an error is a redirect ``redirect_uri?error=…&error_description=
ESIA-0070xx:+text&state=…`` (an unknown client or redirect URI gets a 400 page instead); at the
token endpoint it is HTTP 400 JSON ``{error, error_description, state}``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: code -> (OAuth error name, English text).
CODES: dict[str, tuple[str, str]] = {
    "ESIA-007002": ("invalid_client", "The client or its certificate is not registered"),
    "ESIA-007003": ("invalid_request", "A request parameter is invalid or repeated"),
    "ESIA-007004": ("access_denied", "The user denied access"),
    "ESIA-007005": ("unauthorized_client", "The client is not allowed to make this request"),
    "ESIA-007006": ("invalid_scope", "The requested scope is unknown or not allowed for the client"),
    "ESIA-007008": ("server_error", "The service is temporarily unavailable"),
    "ESIA-007009": ("unsupported_grant_type", "The grant type is not supported"),
    "ESIA-007011": ("invalid_grant", "The authorization code or refresh token is invalid, used or expired"),
    "ESIA-007013": ("invalid_scope", "The scope is missing"),
    "ESIA-007014": ("invalid_request", "A required parameter is missing"),
    "ESIA-007015": ("invalid_request", "The request time is wrong or outside the allowed window"),
    "ESIA-007023": ("invalid_request", "The redirect_uri is not registered for the client"),
    "ESIA-007053": ("invalid_client", "The client_secret signature or the certificate hash is wrong"),
    "ESIA-007055": ("access_denied", "The account level is too low for this client"),
}

#: The ESIA code a lab fault's OAuth error name becomes.
CODE_OF_OAUTH_ERROR = {
    "access_denied": "ESIA-007004",
    "server_error": "ESIA-007008",
    "temporarily_unavailable": "ESIA-007008",
    "login_required": "ESIA-007004",
    "interaction_required": "ESIA-007004",
    "consent_required": "ESIA-007004",
    "account_selection_required": "ESIA-007004",
    "invalid_scope": "ESIA-007006",
    "invalid_request": "ESIA-007003",
    "unauthorized_client": "ESIA-007005",
    "unsupported_response_type": "ESIA-007003",
    "unmet_authentication_requirements": "ESIA-007055",
    "invalid_grant": "ESIA-007011",
    "invalid_client": "ESIA-007002",
    "unsupported_grant_type": "ESIA-007009",
}


@dataclass
class EsiaError(Exception):
    """A refused ESIA request: ``code`` is ``ESIA-0070xx``; ``detail`` says what exactly was wrong."""

    code: str
    detail: str = ""
    #: Overrides the OAuth error name of the code (lab faults choose their own).
    error_name: str | None = None
    #: HTTP status at the token endpoint.
    status: int = 400

    @property
    def error(self) -> str:
        """Return the OAuth error name sent with the code."""
        return self.error_name or CODES.get(self.code, ("invalid_request", ""))[0]

    @property
    def description(self) -> str:
        """Return ``ESIA-0070xx: text`` as ESIA writes ``error_description``."""
        text = CODES.get(self.code, ("", "Request refused"))[1]
        return f"{self.code}: {text}" + (f" ({self.detail})" if self.detail else "")

    def __str__(self) -> str:
        return self.description


def from_oauth_error(error: str, detail: str = "") -> EsiaError:
    """Return the ESIA error for an OAuth error name (as a lab fault names it)."""
    return EsiaError(CODE_OF_OAUTH_ERROR.get(error, "ESIA-007008"), detail, error_name=error)
