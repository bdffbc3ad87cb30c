"""The IdP's blueprints, one per user-facing area."""
