"""The Flask toolkit both apps build on: error pages, forms, sessions, the lab API guard, trainer mode, CLI helpers.

It imports neither app: ``idp`` and ``rp`` import it, and only ``fedlab`` (the command) imports the apps.
"""
