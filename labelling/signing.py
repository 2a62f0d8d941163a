"""PAdES signatures of the labelling body on the reports and certificates (pyHanko).

The key and its certificate come from settings (``SIGNING_KEY_FILE``, ``SIGNING_CERT_FILE``, optional
``SIGNING_CHAIN_FILES``; the passphrase ``SIGNING_KEY_PASSPHRASE`` from the environment). Outside production,
when none is configured, a self-signed development key is created on first use under
``SIGNING_DEVELOPMENT_DIR`` (``make run`` and the tests): PDFs signed with it are intact and valid for
``pdfsig``, but their signer is not trusted by anybody — install the labelling body's real certificate for
that (docs/operations/deployment.md).
"""

from __future__ import annotations

import datetime
import os
import threading
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

DEV_KEY_NAME = "development-key.pem"
DEV_CERT_NAME = "development-cert.pem"
SIGNATURE_FIELD = "Signature"

_lock = threading.Lock()
_cache: dict[tuple, object] = {}


class SigningNotConfigured(RuntimeError):
    """No signing key configured, and development keys are not allowed here (production)."""


def development_key_paths() -> tuple[Path, Path]:
    folder = Path(settings.SIGNING_DEVELOPMENT_DIR)
    return folder / DEV_KEY_NAME, folder / DEV_CERT_NAME


def ensure_development_key() -> tuple[Path, Path]:
    """Create the self-signed development key and certificate if they are not there yet (idempotent)."""
    key_path, cert_path = development_key_paths()
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{settings.LABELLING_BODY} — development signing key"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.LABELLING_BODY),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    # Write to temporary names then rename, so that two processes starting at once never read half a file.
    suffix = f".{os.getpid()}.tmp"
    key_tmp, cert_tmp = key_path.with_suffix(suffix), cert_path.with_suffix(suffix + "c")
    key_tmp.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    os.chmod(key_tmp, 0o600)
    cert_tmp.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    if key_path.exists() and cert_path.exists():  # another process won the race: keep its pair
        key_tmp.unlink()
        cert_tmp.unlink()
        return key_path, cert_path
    os.replace(key_tmp, key_path)
    os.replace(cert_tmp, cert_path)
    return key_path, cert_path


def signing_files() -> tuple[Path, Path, list[Path], bytes | None]:
    """(key, certificate, chain, passphrase) to sign with."""
    if settings.SIGNING_KEY_FILE and settings.SIGNING_CERT_FILE:
        passphrase = settings.SIGNING_KEY_PASSPHRASE.encode() if settings.SIGNING_KEY_PASSPHRASE else None
        chain = [Path(p) for p in settings.SIGNING_CHAIN_FILES]
        return Path(settings.SIGNING_KEY_FILE), Path(settings.SIGNING_CERT_FILE), chain, passphrase
    if not settings.SIGNING_DEVELOPMENT_KEY:
        raise SigningNotConfigured(
            "No signing key: set SIGNING_KEY_FILE, SIGNING_CERT_FILE and SIGNING_KEY_PASSPHRASE "
            "(docs/operations/deployment.md)."
        )
    key_path, cert_path = ensure_development_key()
    return key_path, cert_path, [], None


def _signer():
    # deferred: pyHanko is heavy (0.5 s, 300 modules); only signing and the verification page need it
    from pyhanko.sign import signers

    key_path, cert_path, chain, passphrase = signing_files()
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in (key_path, cert_path, *chain))  # reloaded when a file changes
    with _lock:
        signer = _cache.get(stamp)
        if signer is None:
            signer = signers.SimpleSigner.load(
                str(key_path),
                str(cert_path),
                ca_chain_files=tuple(str(p) for p in chain) or None,
                key_passphrase=passphrase,
            )
            if signer is None:
                raise SigningNotConfigured(f"The signing key or certificate could not be read: {key_path}, {cert_path}")
            _cache.clear()
            _cache[stamp] = signer
    return signer


def signer_certificate():
    """The signer's certificate (an ``asn1crypto`` certificate), as the verification page describes it."""
    return _signer().signing_cert


def sign_pdf(pdf: bytes, *, reason: str, location: str = "") -> bytes:
    """The PDF with an invisible PAdES (B-B) signature appended as an incremental update."""
    # deferred: pyHanko is heavy (0.5 s, 300 modules); only signing and the verification page need it
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location or None,
        name=settings.LABELLING_BODY,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    output = signers.sign_pdf(writer, metadata, signer=_signer())
    return output.getvalue()
