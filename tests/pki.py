"""A throwaway PKI for the signing tests: a CA, certificates for the signer and
the agency (and bad ones), written as PKCS#12 files; a SoftHSM2 token."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

NOW = dt.datetime.now(dt.timezone.utc)
PASSWORD = "mat-khau-thu"  # test only


def _name(cn: str, org: str = "Ban Quản lý các khu công nghiệp") -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Issued:
    key: object
    cert: x509.Certificate


def make_ca(cn: str = "CA thử nghiệm reportgen") -> Issued:
    key = _key()
    name = _name(cn, "Tổ chức thử nghiệm")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=30)).not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def issue(ca: Issued, cn: str, *, days_before: int = 1, days_after: int = 365,
          digital_signature: bool = True, key_usage: bool = True) -> Issued:
    key = _key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn)).issuer_name(ca.cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + dt.timedelta(days=-days_before))
        .not_valid_after(NOW + dt.timedelta(days=days_after))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if key_usage:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=digital_signature, content_commitment=digital_signature,
                          key_encipherment=not digital_signature, data_encipherment=False, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True,
        )
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))


def write_p12(path: Path, issued: Issued, ca: Issued, password: str = PASSWORD) -> Path:
    data = pkcs12.serialize_key_and_certificates(
        b"key", issued.key, issued.cert, [ca.cert],
        serialization.BestAvailableEncryption(password.encode()),
    )
    path.write_bytes(data)
    return path


SOFTHSM_MODULE_CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")


def softhsm_module() -> str:
    for candidate in SOFTHSM_MODULE_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    raise FileNotFoundError("libsofthsm2.so (Debian package softhsm2)")


@dataclass
class Token:
    env: dict  # SOFTHSM2_CONF for the subprocesses and this process
    module: str
    label: str
    pin: str
    key_label: str


def make_softhsm_token(folder: Path, issued: Issued, *, label: str = "reportgen-thu",
                       pin: str = "123456", key_label: str = "nguoi-ky") -> Token:
    """A SoftHSM2 token in `folder` holding `issued`'s key and certificate.
    Sets SOFTHSM2_CONF in os.environ (the library reads it when loaded)."""
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    os.environ["SOFTHSM2_CONF"] = str(conf)
    run = lambda *a: subprocess.run(a, env=env, check=True, capture_output=True)  # noqa: E731
    run(shutil.which("softhsm2-util"), "--init-token", "--free", "--label", label, "--so-pin", "654321", "--pin", pin)
    key_der = folder / "key.der"
    cert_der = folder / "cert.der"
    key_der.write_bytes(issued.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    cert_der.write_bytes(issued.cert.public_bytes(serialization.Encoding.DER))
    module = softhsm_module()
    tool = shutil.which("pkcs11-tool")
    base = (tool, "--module", module, "--token-label", label, "--login", "--pin", pin)
    run(*base, "--write-object", str(key_der), "--type", "privkey", "--label", key_label, "--id", "01", "--usage-sign")
    run(*base, "--write-object", str(cert_der), "--type", "cert", "--label", key_label, "--id", "01")
    key_der.unlink()
    return Token(env=env, module=module, label=label, pin=pin, key_label=key_label)
