"""IdP domain logic: plain functions over an SQLAlchemy session, no Flask."""
