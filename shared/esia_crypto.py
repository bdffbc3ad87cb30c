"""ESIA cryptography: RSA and GOST R 34.10-2012 keys, certificates, PKCS#7 and raw signatures.

GOST goes through the ``openssl`` command line with the GOST engine of Debian's
``libengine-gost-openssl`` (``cryptography`` cannot load GOST keys, and the PyPI package ``pygost``
is a placeholder that must never be installed). How the engine is loaded: on first use this module
writes an OpenSSL config file into a private temporary directory::

    openssl_conf = openssl_def
    [openssl_def]
    engines = engine_section
    [engine_section]
    gost = gost_section
    [gost_section]
    engine_id = gost
    dynamic_path = <ENGINESDIR of `openssl version -e`>/gost.so
    default_algorithms = ALL

and runs every ``openssl`` subprocess with ``OPENSSL_CONF`` pointing at it (the environment of this
process is not changed). ``FEDLAB_GOST_ENGINE`` overrides the path of ``gost.so``.

Formats, as ESIA's clients use them:

* certificate hash (``client_certificate_hash``): Streebog-256 of the DER certificate, uppercase hex
  (``openssl x509 -outform DER | openssl dgst -md_gost12_256``);
* PKCS#7 (CMS SignedData, DER): detached or attached, with or without signed attributes; it is
  verified against the registered certificate only
  (``openssl cms -verify -inform DER -binary -noverify -nointern -certfile registered.pem``), so a
  valid signature by any other certificate is refused;
* raw GOST R 34.10-2012-256 with Streebog-256: 64 bytes ``s‖r`` as ``openssl dgst -sign`` writes it;
* raw RSA: PKCS#1 v1.5 with SHA-256 (done with ``cryptography``).

Every function raises :class:`EsiaCryptoError` on bad input (never a bare ``CalledProcessError``);
the ``verify_*`` functions return ``False`` for a signature that does not verify.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa

RSA = "RSA"
GOST = "GOST3410_2012_256"
ALGORITHMS = (RSA, GOST)

#: The OID of a GOST R 34.10-2012 256-bit public key.
GOST_2012_256_OID = "1.2.643.7.1.1.1.1"
_GOST_OIDS = {GOST_2012_256_OID, "1.2.643.2.2.19"}
_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")
_TIMEOUT = 30

_lock = threading.Lock()
_config_path: Path | None = None


class EsiaCryptoError(ValueError):
    """A key, certificate or signature that cannot be used (or an OpenSSL that cannot do GOST)."""


@dataclass(frozen=True)
class KeyPair:
    """A private key and its self-signed certificate, both PEM."""

    algorithm: str
    key_pem: str
    cert_pem: str


@dataclass(frozen=True)
class Pkcs7Info:
    """What a PKCS#7 signature looks like: attached content or not, signed attributes or not."""

    attached: bool
    signed_attributes: bool

    @property
    def variant(self) -> str:
        """Name the variant for a protocol trace, e.g. ``pkcs7-detached-attrs``."""
        return f"pkcs7-{'attached' if self.attached else 'detached'}-{'attrs' if self.signed_attributes else 'noattrs'}"


# --- OpenSSL plumbing -------------------------------------------------------------------------


def _engine_path() -> str:
    override = os.environ.get("FEDLAB_GOST_ENGINE")
    if override:
        return override
    try:
        out = subprocess.run(
            ["openssl", "version", "-e"], capture_output=True, text=True, timeout=_TIMEOUT, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise EsiaCryptoError(f"the openssl command is not available: {exc}") from exc
    match = re.search(r'ENGINESDIR:\s*"([^"]+)"', out)
    directory = match.group(1) if match else "/usr/lib/x86_64-linux-gnu/engines-3"
    return str(Path(directory) / "gost.so")


def openssl_config_path() -> Path:
    """Return the path of the OpenSSL config that loads the GOST engine (written on first use)."""
    global _config_path
    with _lock:
        if _config_path is None or not _config_path.exists():
            engine = _engine_path()
            directory = Path(tempfile.mkdtemp(prefix="fedlab-openssl-"))
            path = directory / "openssl-gost.cnf"
            path.write_text(
                "openssl_conf = openssl_def\n"
                "[openssl_def]\n"
                "engines = engine_section\n"
                "[engine_section]\n"
                "gost = gost_section\n"
                "[gost_section]\n"
                "engine_id = gost\n"
                f"dynamic_path = {engine}\n"
                "default_algorithms = ALL\n",
                encoding="utf-8",
            )
            _config_path = path
        return _config_path


def openssl_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Return ``base`` (default: this process's environment) with ``OPENSSL_CONF`` loading the GOST engine.

    For a subprocess that runs ``openssl`` itself, e.g. esia-connector signing with a GOST key.
    """
    return dict(os.environ if base is None else base, OPENSSL_CONF=str(openssl_config_path()))


def run_openssl(args: list[str], data: bytes | None = None) -> bytes:
    """Run ``openssl ARGS`` with the GOST engine loaded; return stdout or raise EsiaCryptoError."""
    env = openssl_environment()
    try:
        done = subprocess.run(["openssl", *args], input=data, capture_output=True, env=env, timeout=_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EsiaCryptoError(f"openssl {args[0]} could not run: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EsiaCryptoError(f"openssl {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def gost_available() -> bool:
    """Say whether this machine's OpenSSL can make GOST R 34.10-2012 keys (the engine is installed)."""
    try:
        run_openssl(["genpkey", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A"])
    except EsiaCryptoError:
        return False
    return True


def _write(directory: str, name: str, content: bytes | str) -> str:
    path = os.path.join(directory, name)
    mode = "w" if isinstance(content, str) else "wb"
    with open(path, mode) as handle:
        handle.write(content)
    return path


# --- keys and certificates --------------------------------------------------------------------


def _self_signed(key_pem: str, common_name: str, days: int, digest: str) -> str:
    with tempfile.TemporaryDirectory(prefix="fedlab-esia-") as tmp:
        key = _write(tmp, "key.pem", key_pem)
        config = _write(
            tmp,
            "req.cnf",
            "[req]\ndistinguished_name = dn\nprompt = no\nutf8 = yes\nstring_mask = utf8only\nx509_extensions = ext\n"
            f"[dn]\nCN = {_safe_cn(common_name)}\n"
            "[ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\n"
            "subjectKeyIdentifier = hash\n",
        )
        return run_openssl(
            [
                "req",
                "-new",
                "-x509",
                f"-{digest}",
                "-key",
                key,
                "-config",
                config,
                "-days",
                str(days),
                "-set_serial",
                str(int.from_bytes(os.urandom(8), "big")),
                "-outform",
                "PEM",
            ]
        ).decode("ascii")


def _safe_cn(common_name: str) -> str:
    cleaned = re.sub(r"[^\w .@-]", "", common_name or "", flags=re.UNICODE).strip()
    return cleaned[:64] or "fedlab"


def self_signed_certificate(key_pem: str, common_name: str, days: int = 3650) -> str:
    """Return a self-signed certificate (PEM) for an RSA or GOST private key."""
    digest = "md_gost12_256" if key_algorithm(key_pem) == GOST else "sha256"
    return _self_signed(key_pem, common_name, days, digest)


def generate_rsa(common_name: str, days: int = 3650, bits: int = 2048) -> KeyPair:
    """Generate an RSA key and a self-signed SHA-256 certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    return KeyPair(RSA, key_pem, _self_signed(key_pem, common_name, days, "sha256"))


def generate_gost(common_name: str, days: int = 3650) -> KeyPair:
    """Generate a GOST R 34.10-2012-256 key (paramset A) and a self-signed Streebog-256 certificate."""
    key_pem = run_openssl(["genpkey", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A"]).decode("ascii")
    return KeyPair(GOST, key_pem, _self_signed(key_pem, common_name, days, "md_gost12_256"))


def generate_keypair(algorithm: str, common_name: str, days: int = 3650) -> KeyPair:
    """Generate a key and certificate for ``RSA`` or ``GOST3410_2012_256``."""
    if algorithm == RSA:
        return generate_rsa(common_name, days)
    if algorithm == GOST:
        return generate_gost(common_name, days)
    raise EsiaCryptoError(f"unknown algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")


def split_certificates(pem_text: str) -> list[str]:
    """Return each PEM certificate block in ``pem_text`` (normalised, in order); raise if none."""
    blocks = [_normalise_pem(match.group(0)) for match in _PEM_CERT.finditer(pem_text or "")]
    if not blocks:
        raise EsiaCryptoError("no PEM certificate (-----BEGIN CERTIFICATE-----) found")
    return blocks


def _normalise_pem(block: str) -> str:
    body = re.sub(r"\s+", "", block.split("-----BEGIN CERTIFICATE-----", 1)[1].split("-----END CERTIFICATE-----")[0])
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def certificate_der(cert_pem: str) -> bytes:
    """Return the DER bytes of one PEM certificate."""
    block = split_certificates(cert_pem)[0]
    body = block.split("\n", 1)[1].rsplit("-----END", 1)[0]
    try:
        der = base64.b64decode("".join(body.split()), validate=True)
    except binascii.Error as exc:
        raise EsiaCryptoError("the certificate is not valid base64") from exc
    _load(der)
    return der


def _load(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise EsiaCryptoError(f"not an X.509 certificate: {exc}") from exc


def certificate_algorithm(cert_pem: str) -> str:
    """Return ``RSA`` or ``GOST3410_2012_256`` for a certificate's public key (else raise)."""
    cert = _load(certificate_der(cert_pem))
    oid = cert.public_key_algorithm_oid.dotted_string
    if oid in _GOST_OIDS:
        return GOST
    if oid == "1.2.840.113549.1.1.1":
        return RSA
    raise EsiaCryptoError(f"unsupported certificate key algorithm {oid}")


def certificate_subject(cert_pem: str) -> str:
    """Return the certificate's subject as an RFC 4514 string."""
    return _load(certificate_der(cert_pem)).subject.rfc4514_string()


def certificate_hash(cert_pem: str) -> str:
    """Return the Streebog-256 hash of the DER certificate, 64 uppercase hex (``client_certificate_hash``)."""
    return streebog256(certificate_der(cert_pem)).hex().upper()


def streebog256(data: bytes) -> bytes:
    """Return the GOST R 34.11-2012 256-bit (Streebog) digest of ``data``."""
    return run_openssl(["dgst", "-md_gost12_256", "-binary"], data)


def public_key_pem(cert_pem: str) -> str:
    """Return the certificate's public key as PEM (works for GOST keys too)."""
    with tempfile.TemporaryDirectory(prefix="fedlab-esia-") as tmp:
        cert = _write(tmp, "cert.pem", split_certificates(cert_pem)[0])
        return run_openssl(["x509", "-in", cert, "-noout", "-pubkey"]).decode("ascii")


@functools.lru_cache(maxsize=32)
def _rsa_private_key(key_pem: str) -> rsa.RSAPrivateKey | None:
    """Return the RSA key of a PEM private key, or None for any other (loading one checks it: ~30 ms, so once)."""
    try:
        key = serialization.load_pem_private_key(key_pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError, UnsupportedAlgorithm):
        return None
    return key if isinstance(key, rsa.RSAPrivateKey) else None


@functools.lru_cache(maxsize=32)
def key_algorithm(key_pem: str) -> str:
    """Return ``RSA`` or ``GOST3410_2012_256`` for a PEM private key (remembered per key)."""
    if _rsa_private_key(key_pem) is not None:
        return RSA
    with tempfile.TemporaryDirectory(prefix="fedlab-esia-") as tmp:
        path = _write(tmp, "key.pem", key_pem)
        text = run_openssl(["pkey", "-in", path, "-outform", "PEM"]).decode("ascii")
        text = run_openssl(["asn1parse", "-in", _write(tmp, "plain.pem", text)]).decode("utf-8", "replace")
    if "GOST R 34.10-2012 with 256 bit modulus" in text:
        return GOST
    raise EsiaCryptoError("unsupported private key (use RSA or GOST R 34.10-2012-256)")


# --- PKCS#7 -----------------------------------------------------------------------------------


def sign_pkcs7(
    message: bytes, cert_pem: str, key_pem: str, *, detached: bool = True, signed_attributes: bool = True
) -> bytes:
    """Sign ``message`` as PKCS#7 (CMS SignedData, DER) with SHA-256 (RSA) or Streebog-256 (GOST)."""
    digest = "md_gost12_256" if certificate_algorithm(cert_pem) == GOST else "sha256"
    with tempfile.TemporaryDirectory(prefix="fedlab-esia-") as tmp:
        args = ["cms", "-sign", "-binary", "-md", digest, "-outform", "DER", "-in", _write(tmp, "msg", message)]
        args += ["-signer", _write(tmp, "cert.pem", cert_pem), "-inkey", _write(tmp, "key.pem", key_pem)]
        if not detached:
            args.append("-nodetach")
        if not signed_attributes:
            args.append("-noattr")
        return run_openssl(args)


def pkcs7_info(signature: bytes) -> Pkcs7Info:
    """Describe a DER PKCS#7 signature (attached content? signed attributes?); raise if not PKCS#7."""
    with tempfile.TemporaryDirectory(prefix="fedlab-esia-") as tmp:
        path = _write(tmp, "sig.der", signature)
        text = run_openssl(["cms", "-cmsout", "-print", "-inform", "DER", "-in", path]).decode("utf-8", "replace")
    if "signedData" not in text.replace(" ", "") and "pkcs7-signedData" not in text:
        raise EsiaCryptoError("not a PKCS#7 SignedData structure")
    econtent = re.search(r"eContent:\s*(\S+)", text)
    attrs = re.search(r"signedAttrs:\s*(\S+)", text)
    return Pkcs7Info(
        attached=econtent is not None and econtent.group(1) != "<ABSENT>",
        signed_attributes=attrs is not None and attrs.group(1) != "<ABSENT>",
    )


def verify_pkcs7(signature: bytes, message: bytes, cert_pem: str) -> bool:
    """Say whether ``signature`` (DER PKCS#7, detached or attached) signs ``message`` with ``cert_pem``.

    Only the given certificate counts: certificates inside the signature are ignored (``-nointern``),
    so a valid signature by another certificate is refused. An attached signature must carry exactly
    ``message``.
    """
    if not signature or signature[:1] != b"\x30":
        return False
    with tempfile.TemporaryDirectory(prefix="fedlab-esia-") as tmp:
        sig = _write(tmp, "sig.der", signature)
        content = _write(tmp, "msg", message)
        certfile = _write(tmp, "registered.pem", split_certificates(cert_pem)[0])
        out = os.path.join(tmp, "out")
        try:
            run_openssl(
                [
                    "cms",
                    "-verify",
                    "-inform",
                    "DER",
                    "-in",
                    sig,
                    "-binary",
                    "-noverify",
                    "-nointern",
                    "-certfile",
                    certfile,
                    "-content",
                    content,
                    "-out",
                    out,
                ]
            )
        except EsiaCryptoError:
            return False
        with open(out, "rb") as handle:
            return handle.read() == message


# --- raw signatures ---------------------------------------------------------------------------


def sign_raw(message: bytes, key_pem: str) -> bytes:
    """Sign ``message`` raw: GOST gives 64 bytes ``s‖r`` over Streebog-256, RSA PKCS#1 v1.5 SHA-256."""
    if key_algorithm(key_pem) == RSA:
        return sign_raw_rsa(message, key_pem)
    return sign_raw_gost(message, key_pem)


def verify_raw(signature: bytes, message: bytes, cert_pem: str) -> bool:
    """Verify a raw signature with the certificate's key (GOST ``s‖r`` or RSA PKCS#1 v1.5 SHA-256)."""
    if certificate_algorithm(cert_pem) == RSA:
        return verify_raw_rsa(signature, message, cert_pem)
    return verify_raw_gost(signature, message, cert_pem)


def sign_raw_gost(message: bytes, key_pem: str) -> bytes:
    """Return the 64-byte GOST R 34.10-2012-256 signature (``s‖r``, Streebog-256) of ``message``."""
    with tempfile.TemporaryDirectory(prefix="fedlab-esia-") as tmp:
        key = _write(tmp, "key.pem", key_pem)
        return run_openssl(["dgst", "-md_gost12_256", "-sign", key, "-binary"], message)


def verify_raw_gost(signature: bytes, message: bytes, cert_pem: str) -> bool:
    """Say whether the 64-byte ``s‖r`` GOST signature signs ``message`` with the certificate's key."""
    if len(signature) != 64:
        return False
    public = public_key_pem(cert_pem)
    with tempfile.TemporaryDirectory(prefix="fedlab-esia-") as tmp:
        args = ["dgst", "-md_gost12_256", "-verify", _write(tmp, "pub.pem", public)]
        args += ["-signature", _write(tmp, "sig", signature)]
        try:
            out = run_openssl(args, message)
        except EsiaCryptoError:
            return False
    return b"Verified OK" in out


def sign_raw_rsa(message: bytes, key_pem: str) -> bytes:
    """Return the RSA PKCS#1 v1.5 SHA-256 signature of ``message``."""
    key = _rsa_private_key(key_pem)
    if key is None:
        raise EsiaCryptoError("not an RSA private key")
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def verify_raw_rsa(signature: bytes, message: bytes, cert_pem: str) -> bool:
    """Say whether ``signature`` is the RSA PKCS#1 v1.5 SHA-256 signature of ``message`` by the certificate."""
    public = _load(certificate_der(cert_pem)).public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        return False
    try:
        public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


# --- base64 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecodedBase64:
    """Bytes decoded from a client's base64 and how it was written."""

    data: bytes
    urlsafe: bool
    padded: bool

    @property
    def variant(self) -> str:
        """Name the encoding for a protocol trace, e.g. ``base64url-nopad``."""
        return f"{'base64url' if self.urlsafe else 'base64'}-{'pad' if self.padded else 'nopad'}"


def b64url_encode(data: bytes, padded: bool = False) -> str:
    """Encode as base64url, without ``=`` unless ``padded`` (ilimurzin strips it, go-api-epgu keeps it)."""
    text = base64.urlsafe_b64encode(data).decode("ascii")
    return text if padded else text.rstrip("=")


def b64_encode(data: bytes, padded: bool = True) -> str:
    """Encode as standard base64 (``+/``), with ``=`` unless told otherwise."""
    text = base64.b64encode(data).decode("ascii")
    return text if padded else text.rstrip("=")


def b64_decode_any(text: str) -> DecodedBase64:
    """Decode base64url or standard base64, padded or not; a space (a ``+`` lost in a URL) counts as ``+``."""
    cleaned = (text or "").strip("\r\n\t").replace(" ", "+").replace("\n", "").replace("\r", "")
    if not cleaned:
        raise EsiaCryptoError("empty base64")
    urlsafe = "-" in cleaned or "_" in cleaned
    if urlsafe and ("+" in cleaned or "/" in cleaned):
        raise EsiaCryptoError("base64 mixes the standard and URL-safe alphabets")
    padded = cleaned.endswith("=")
    body = cleaned.rstrip("=")
    if len(body) % 4 == 1 or "=" in body:
        raise EsiaCryptoError("malformed base64")
    if padded and len(cleaned) % 4:
        raise EsiaCryptoError("malformed base64 padding")
    standard = body.replace("-", "+").replace("_", "/")
    try:
        data = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EsiaCryptoError("malformed base64") from exc
    return DecodedBase64(data, urlsafe, padded)
