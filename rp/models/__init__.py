"""The diary's database models, one module per area; importing this registers them all."""

from rp.models.people import Identity
from rp.models.people import Person
from rp.models.people import User

__all__ = ["Identity", "Person", "User"]
