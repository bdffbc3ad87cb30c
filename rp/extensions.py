"""Flask extensions of the diary, created unbound and bound in the app factory (``db`` lives in ``rp.db``)."""

from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from rp.db import Base
from rp.db import db
from rp.db import migrate

__all__ = ["Base", "babel", "csrf", "db", "migrate"]

csrf = CSRFProtect()
babel = Babel()
