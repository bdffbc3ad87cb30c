"""Blueprints of ESIA's protocol: authorization, token, ``/rs/prns``, logout, and the lab's ESIA page."""
