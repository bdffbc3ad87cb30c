"""The IdP's database models, one module per area; importing this registers them all."""

from idp.models.accounts import Account
from idp.models.accounts import AccountLevel
from idp.models.lab import LabSetting
from idp.models.lab import Message

__all__ = ["Account", "AccountLevel", "LabSetting", "Message"]
