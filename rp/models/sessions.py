"""Login sessions kept on the server (the cookie holds only a random id; see ``labkit.session_interface``)."""

from __future__ import annotations

from labkit.session_store import SessionRowMixin
from rp.db import db


class WebSession(db.Model, SessionRowMixin):
    """A browser session: its id's hash, the diary user it is logged in as, its values and its lifetimes."""

    __tablename__ = "web_session"
