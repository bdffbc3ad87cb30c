"""OpenID Provider tests, one file per endpoint or flow.

The 25 checks that matter most for a mock OpenID Provider (drawn from the OpenID conformance suite's Basic,
Config and Dynamic plans) are one named test each, ``test_check_NN_…``, in these files:

* ``test_discovery.py``: 01, 02
* ``test_authorize.py``: 03, 13, 14, 15, 16, 20, 21, 22, 23, 24
* ``test_token.py``: 04, 10, 11, 12, 17, 18
* ``test_id_token.py``: 05, 06, 19
* ``test_userinfo.py``: 07, 08, 09
* ``test_refresh.py``: 25
"""
