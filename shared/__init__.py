"""Code both apps use: validators, the lab clock, names, passwords, demo people and scenarios.

Nothing here imports Flask, ``idp`` or ``rp``.
"""
