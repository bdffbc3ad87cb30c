"""``fedlab rp trainer ...``: the diary's guided (trainer) mode."""

from __future__ import annotations

from labkit.cliutil import in_app_of
from labkit.cliutil import trainer_command as make_trainer_command

in_app = in_app_of("rp:create_app")


def _trainer_and_db():
    from rp import trainer
    from rp.extensions import db

    return trainer, db


trainer_command = make_trainer_command(
    in_app,
    _trainer_and_db,
    "rp",
    "Switch the diary's guided (trainer) mode of its login and linking pages: on, off, status.",
)
