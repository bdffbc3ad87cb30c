"""The demo's ESIA side: the diary's own certificate and key, made at ``fedlab setup`` and never committed.

The pair lives in the instance folder (``instance/esia/``, git-ignored); the IdP registers its certificate
on the diary's client (``fedlab.setup``) and the diary's ``dvinaland`` region signs its ESIA requests with the key.
"""

from __future__ import annotations

import os
from pathlib import Path

from shared import esia_crypto

#: The demo region that logs in over ESIA's protocol (as the real Dnevnik.ru does), and the OIDC one.
ESIA_REGION = ("dvinaland", "Архангельская область")
OIDC_REGION = ("tomsk", "Томская область")


def pair_paths(instance_dir: Path) -> tuple[Path, Path]:
    """Return where the diary's demo certificate and key are kept."""
    folder = Path(instance_dir) / "esia"
    return folder / "dnevnik.crt", folder / "dnevnik.key"


def demo_pair(instance_dir: Path) -> esia_crypto.KeyPair:
    """Return the diary's demo certificate and key, generating them once (GOST R 34.10-2012, else RSA)."""
    cert_path, key_path = pair_paths(instance_dir)
    if cert_path.exists() and key_path.exists():
        key_pem = key_path.read_text()
        return esia_crypto.KeyPair(esia_crypto.key_algorithm(key_pem), key_pem, cert_path.read_text())
    algorithm = esia_crypto.GOST if esia_crypto.gost_available() else esia_crypto.RSA
    pair = esia_crypto.generate_keypair(algorithm, "Dnevnik.ru lab")
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.write_text(pair.cert_pem)
    key_path.touch(mode=0o600)
    os.chmod(key_path, 0o600)
    key_path.write_text(pair.key_pem)
    return pair
