"""Code both apps use: validators, the lab clock, configuration, JOSE helpers.

Nothing here imports Flask, ``idp`` or ``rp``.
"""
