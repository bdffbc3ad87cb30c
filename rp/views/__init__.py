"""The diary's blueprints, one per user-facing area."""
