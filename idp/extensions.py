"""Web extensions of the IdP (translations, CSRF), created unbound and bound in the app factory.

The database handle lives in ``idp.db``, so models and domain code never import these.
"""

from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
