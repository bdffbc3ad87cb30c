"""Authorization errors: back to the client with ``state`` and ``iss``, or on a page of the IdP."""

from __future__ import annotations

from authlib.common.urls import add_params_to_uri
from flask import redirect
from flask import render_template

from idp.oidc.server import issuer


def error_redirect(redirect_uri: str, error: str, description: str | None, state: str | None):
    """Send the browser back to the client with an error, ``state`` and ``iss``."""
    params = [("error", error)]
    if description:
        params.append(("error_description", " ".join(description.split())))
    if state:
        params.append(("state", state))
    params.append(("iss", issuer()))
    return redirect(add_params_to_uri(redirect_uri, params))


def error_page(error: str, description: str | None, status: int = 400):
    """Show an authorization error to the person (never redirecting to an unverified URI)."""
    return (
        render_template("oidc/error.html", error=error, description=description or ""),
        status,
    )
