"""Security tests of both apps, one attack per test function.

Covered elsewhere, not repeated here:
* ``alg=none`` and HS256-signed-with-the-public-key ID tokens refused by the diary:
  tests/rp/test_rp_conformance.py::test_oidcc_client_test_idtoken_sig_none and
  ::test_hs256_signed_with_the_public_key_is_refused.
* Authorization code replay revokes the tokens:
  tests/idp/oidc/test_conformance.py::test_check_11_code_reuse_revokes_tokens;
  simultaneous redemptions and refresh uses: tests/idp/test_concurrency.py (PostgreSQL).
* Password lockout, sequential: tests/idp/test_login.py::test_lockout_*,
  tests/rp/test_login.py::test_lockout_after_max_failures;
  across gunicorn instances: tests/e2e/test_instances.py.
* Cross-user access on every diary route with the demo school: tests/rp/test_access.py (explicit matrix);
  tests/security/test_cross_user.py adds the check that no id-taking diary route is missing from it.
"""
