"""Plain helper functions the tests import (fixtures live in the conftest of each folder)."""
