"""OpenID Connect client of the diary: discovery, PKCE, ID token and userinfo checks (Authlib/joserfc)."""
