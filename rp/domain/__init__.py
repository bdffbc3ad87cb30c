"""The diary's domain logic: plain modules taking an SQLAlchemy session, no Flask."""
