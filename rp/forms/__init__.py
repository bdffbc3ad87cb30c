"""The diary's Flask-WTF forms, one module per area."""
