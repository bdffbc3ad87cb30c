"""Browser helpers the registration and recovery tests share: posts with the CSRF token, the code steps, the clock."""

from __future__ import annotations

from datetime import timedelta

from idp.db import db
from idp.domain import labstate
from tests.helpers.forms import csrf_token


def post_form(client, path: str, data: dict, form_page: str | None = None):
    """GET the form page for its CSRF token, then POST ``data`` to ``path``."""
    page = client.get(form_page or path)
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


def advance(app, seconds: int) -> None:
    """Move the lab clock forward."""
    with app.app_context():
        labstate.advance_clock(db.session, timedelta(seconds=seconds))
        db.session.commit()


class CodeSteps:
    """The confirm, resend and password screens of one flow (``/registration`` or ``/recovery``)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def enter_code(self, client, code: str):
        """Submit the code on the "Код подтверждения" screen."""
        return post_form(client, f"{self.prefix}/confirm", {"code": code})

    def set_password(self, client, password: str, repeat: str | None = None):
        """Submit the password screen (the repeat is the password unless given)."""
        return post_form(
            client,
            f"{self.prefix}/password",
            {"password": password, "password_repeat": password if repeat is None else repeat},
        )

    def resend(self, client):
        """Press "Отправить код ещё раз"."""
        return post_form(client, f"{self.prefix}/resend", {}, form_page=f"{self.prefix}/confirm")
