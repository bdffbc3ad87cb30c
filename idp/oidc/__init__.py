"""The OpenID Provider: Authlib server wiring, claims, keys, discovery, consents and the protocol trace."""
