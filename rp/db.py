"""The diary's database handle and migrations, apart from the web extensions: models need no Babel or CSRF."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for the diary's models."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
