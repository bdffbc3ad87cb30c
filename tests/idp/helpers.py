"""Helpers of the IdP tests: the simplified account the login and recovery tests log in with."""

from __future__ import annotations

from shared.validators import make_snils

#: The simplified account's logins and password.
PHONE = "+79123456789"
EMAIL = "ivan@example.ru"
SNILS = make_snils("112233445")  # 112-233-445 95
PASSWORD = "Qwerty+123"


def make_simplified_account(app, **fields) -> None:
    """Create Иван Иванов's simplified account (phone, e-mail, SNILS; ``fields`` change them)."""
    from idp.db import db
    from idp.domain.accounts import create_account
    from labkit.web import password_hasher

    values = {"last_name": "Иванов", "first_name": "Иван", "phone": PHONE, "email": EMAIL, "snils": SNILS, **fields}
    with app.app_context():
        create_account(db.session, password_hasher(), password=PASSWORD, **values)
        db.session.commit()
