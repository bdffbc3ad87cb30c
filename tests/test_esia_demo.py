"""The demo's ESIA side made at ``fedlab setup``: the diary's own pair, kept once, registered on its IdP client."""

from __future__ import annotations

import json
import stat

from fedlab.esia_demo import demo_pair
from fedlab.esia_demo import pair_paths
from shared import esia_crypto


def test_the_pair_is_made_once_with_a_private_key_file(tmp_path):
    first = demo_pair(tmp_path)
    again = demo_pair(tmp_path)
    assert (again.cert_pem, again.key_pem) == (first.cert_pem, first.key_pem)
    assert first.algorithm == (esia_crypto.GOST if esia_crypto.gost_available() else esia_crypto.RSA)
    _, key_path = pair_paths(tmp_path)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_setup_registers_the_diary_certificate_on_its_client(idp_app, tmp_path, monkeypatch):
    import fedlab.setup
    import rp.config
    from idp.db import db
    from idp.domain.clients import find_client

    monkeypatch.setattr(rp.config, "INSTANCE_DIR", tmp_path)
    pair = demo_pair(tmp_path)
    with idp_app.app_context():
        fedlab.setup.seed_idp_demo(db.session, "http://rp.test")
        db.session.commit()
        entries = json.loads(find_client(db.session, "dnevnik").esia_certificates_json)
    assert [e["hash"] for e in entries] == [esia_crypto.certificate_hash(pair.cert_pem)]
