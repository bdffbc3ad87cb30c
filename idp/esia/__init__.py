"""ESIA's own protocol (Gosuslugi): ``/aas/oauth2/ac|te``, ``/v2/ac`` + ``/v3/te``, ``/rs/prns``, logout.

Plain modules own the rules (signatures, signed strings, tokens, REST shapes, errors); the
blueprints in ``idp.esia.endpoints`` adapt HTTP to them and reuse the IdP's login, level check,
consent, lab clock, faults and protocol trace.
"""
