"""The OpenID Provider's endpoints, one module per endpoint group, nested in the ``oidc`` blueprint.

Protocol work is Authlib's (``idp.oidc.server``); these modules adapt HTTP and pages. Every exchange is
recorded in the protocol trace after its response (:func:`idp.oidc.endpoints.tracing.record_exchange`).
"""

from __future__ import annotations

from flask import Blueprint

from idp.oidc.endpoints import authorize
from idp.oidc.endpoints import logout
from idp.oidc.endpoints import registration
from idp.oidc.endpoints import revocation
from idp.oidc.endpoints import token
from idp.oidc.endpoints import tracing
from idp.oidc.endpoints import userinfo
from idp.oidc.endpoints import well_known

bp = Blueprint("oidc", __name__)
for _child in (well_known.bp, authorize.bp, token.bp, userinfo.bp, revocation.bp, logout.bp, registration.bp):
    bp.register_blueprint(_child)
bp.after_request(tracing.record_exchange)
