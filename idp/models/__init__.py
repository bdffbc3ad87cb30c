"""The IdP's database models, one module per area; importing this registers them all."""

from idp.models.accounts import Account
from idp.models.accounts import AccountLevel
from idp.models.assertions import UsedAssertion
from idp.models.claims import ClaimOverride
from idp.models.esia import EsiaCode
from idp.models.esia import EsiaToken
from idp.models.faults import Fault
from idp.models.lab import LabSetting
from idp.models.lab import LabVersion
from idp.models.lab import Message
from idp.models.login_failures import LoginFailure
from idp.models.oauth import AuthorizationCode
from idp.models.oauth import Consent
from idp.models.oauth import OAuth2Client
from idp.models.oauth import SigningKey
from idp.models.oauth import Token
from idp.models.recovery import PendingRecovery
from idp.models.registration import PendingRegistration
from idp.models.sessions import WebSession
from idp.models.trace import ProtocolTrace
from idp.models.trace import TraceEvent
from idp.models.verification import PostalCode
from idp.models.verification import RegistryCitizen
from idp.models.verification import VerificationCheck

__all__ = [
    "WebSession",
    "Account",
    "AccountLevel",
    "LabSetting",
    "LabVersion",
    "Message",
    "PendingRecovery",
    "PendingRegistration",
    "PostalCode",
    "RegistryCitizen",
    "VerificationCheck",
    "OAuth2Client",
    "AuthorizationCode",
    "Token",
    "Consent",
    "SigningKey",
    "ProtocolTrace",
    "TraceEvent",
    "Fault",
    "ClaimOverride",
    "UsedAssertion",
    "EsiaCode",
    "EsiaToken",
    "LoginFailure",
]
