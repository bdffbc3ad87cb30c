"""The IdP's database handle and migrations, kept apart from the web extensions (babel, csrf)."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for the IdP's models."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
