"""Flask-WTF forms of the IdP, one module per area."""
