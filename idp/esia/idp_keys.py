"""The IdP's own ESIA verification keys: RSA (the OpenID Connect JWKS key) and GOST R 34.10-2012.

The RSA key is the active RS256 key of ``idp.oidc.keys``; its self-signed certificate is derived
from it deterministically (same key, same bytes). The GOST key and certificate are generated on
first use into two PEM files (``ESIA_GOST_KEY_FILE`` / ``ESIA_GOST_CERT_FILE``, default the
instance directory, which git ignores); several processes starting at once agree on one key. No Flask.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy.orm import Session

from idp.oidc import keys
from shared import esia_crypto

GOST_KEY_NAME = "esia-gost-key.pem"
GOST_CERT_NAME = "esia-gost-cert.pem"
SUBJECT = "fedlab ESIA (lab)"


@dataclass(frozen=True)
class SigningMaterial:
    """A private key (PEM), its certificate (PEM) and public key (PEM), and a key id."""

    algorithm: str
    kid: str
    key_pem: str
    cert_pem: str
    public_key_pem: str


def rsa_material(session: Session) -> SigningMaterial:
    """Return the active RS256 JWKS key with its certificate (generating the key on first use)."""
    row = keys.active_key_row(session, "RS256")
    return _rsa_material(row.kid, keys.private_key(row).private_key, row.created_at.replace(microsecond=0))


@functools.lru_cache(maxsize=8)
def _rsa_material(kid: str, key: rsa.RSAPrivateKey, created_at: dt.datetime) -> SigningMaterial:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT + " RSA")])
    not_before = created_at.replace(tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(hashlib.sha256(kid.encode()).digest()[:8], "big"))
        .not_valid_before(not_before)
        .not_valid_after(not_before + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return SigningMaterial(
        algorithm="RS256",
        kid=kid,
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii"),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        public_key_pem=key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii"),
    )


def gost_paths(key_file: str | None, cert_file: str | None, instance_dir: str | Path) -> tuple[Path, Path]:
    """Return where the GOST key and certificate are kept (the settings, else the instance directory)."""
    base = Path(instance_dir)
    return Path(key_file or base / GOST_KEY_NAME), Path(cert_file or base / GOST_CERT_NAME)


def gost_material(key_path: Path, cert_path: Path) -> SigningMaterial:
    """Return the IdP's GOST key and certificate, generating and storing them on first use."""
    if not (key_path.exists() and cert_path.exists()):
        _generate_gost(key_path, cert_path)
    return _load_gost(str(key_path), str(cert_path), key_path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load_gost(key_path: str, cert_path: str, _mtime: int) -> SigningMaterial:
    key_pem = Path(key_path).read_text(encoding="ascii")
    cert_pem = Path(cert_path).read_text(encoding="ascii")
    kid = esia_crypto.certificate_hash(cert_pem)[:16].lower()
    return SigningMaterial(esia_crypto.GOST, kid, key_pem, cert_pem, esia_crypto.public_key_pem(cert_pem))


def _generate_gost(key_path: Path, cert_path: Path) -> None:
    """Write a new key pair atomically; if another process won the race, keep its pair."""
    key_path.parent.mkdir(parents=True, exist_ok=True)
    pair = esia_crypto.generate_gost(SUBJECT + " GOST")
    # One file holds both, linked into place only if absent: the first writer wins, whole.
    bundle_fd, bundle = tempfile.mkstemp(dir=key_path.parent, prefix=".esia-gost-")
    try:
        os.fchmod(bundle_fd, 0o600)
        os.write(bundle_fd, pair.key_pem.encode("ascii"))
        os.close(bundle_fd)
        try:
            os.link(bundle, key_path)
        except FileExistsError:
            pass
    finally:
        os.unlink(bundle)
    if cert_path.exists():
        return
    stored_key = key_path.read_text(encoding="ascii")
    cert_pem = pair.cert_pem if stored_key == pair.key_pem else _certificate_for(stored_key)
    cert_fd, cert_tmp = tempfile.mkstemp(dir=cert_path.parent, prefix=".esia-gost-")
    try:
        os.write(cert_fd, cert_pem.encode("ascii"))
        os.close(cert_fd)
        try:
            os.link(cert_tmp, cert_path)
        except FileExistsError:
            pass
    finally:
        os.unlink(cert_tmp)


def _certificate_for(key_pem: str) -> str:
    """Self-sign a certificate for a stored GOST key whose certificate went missing."""
    return esia_crypto.self_signed_certificate(key_pem, SUBJECT + " GOST")
