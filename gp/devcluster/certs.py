"""The PKI a throwaway kube-apiserver needs: a CA, a serving cert, an admin client cert, an SA key.

Everything is generated fresh per cluster and lives only in the cluster's state dir, so no key
outlives the cluster it was made for.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ADMIN_USER = "gp-admin"
# Membership of system:masters bypasses RBAC, so tests never need to create bindings first.
ADMIN_GROUP = "system:masters"
SERVING_HOSTS = ("localhost",)
SERVING_IPS = ("127.0.0.1",)
VALIDITY = dt.timedelta(days=7)


@dataclass(frozen=True)
class Pki:
    """Paths of the PEM files written for one cluster."""

    ca_cert: Path
    ca_key: Path
    serving_cert: Path
    serving_key: Path
    admin_cert: Path
    admin_key: Path
    sa_key: Path
    sa_pub: Path


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if org:
        attrs.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


def _builder(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        # Backdated so a clock a little behind the issuer's still accepts the cert.
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
    )


def make_ca(common_name: str = "gp-dev-ca") -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    name = _name(common_name)
    cert = (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    subject: x509.Name,
    usage: x509.ObjectIdentifier,
    san: x509.SubjectAlternativeName | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    builder = (
        _builder(subject, ca_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if san is not None:
        builder = builder.add_extension(san, critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def make_serving_cert(
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    hosts: tuple[str, ...] = SERVING_HOSTS,
    ips: tuple[str, ...] = SERVING_IPS,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    san = x509.SubjectAlternativeName(
        [x509.DNSName(h) for h in hosts] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    )
    return _leaf(ca_cert, ca_key, _name("kube-apiserver"), ExtendedKeyUsageOID.SERVER_AUTH, san)


def make_client_cert(
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    user: str = ADMIN_USER,
    group: str = ADMIN_GROUP,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    # The API server reads the user from CN and the groups from O.
    return _leaf(ca_cert, ca_key, _name(user, group), ExtendedKeyUsageOID.CLIENT_AUTH)


def make_sa_key() -> rsa.RSAPrivateKey:
    # RSA, because RS256 is the one algorithm every service-account token consumer accepts.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, private: bool = False) -> Path:
    path.write_bytes(data)
    if private:
        path.chmod(0o600)
    return path


def write_pki(directory: Path) -> Pki:
    """Generate every cert and key into ``directory`` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = make_ca()
    srv_cert, srv_key = make_serving_cert(ca_cert, ca_key)
    adm_cert, adm_key = make_client_cert(ca_cert, ca_key)
    sa_key = make_sa_key()
    sa_pub = sa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    d = directory
    return Pki(
        ca_cert=_write(d / "ca.crt", _cert_pem(ca_cert)),
        ca_key=_write(d / "ca.key", _key_pem(ca_key), private=True),
        serving_cert=_write(d / "apiserver.crt", _cert_pem(srv_cert)),
        serving_key=_write(d / "apiserver.key", _key_pem(srv_key), private=True),
        admin_cert=_write(d / "admin.crt", _cert_pem(adm_cert)),
        admin_key=_write(d / "admin.key", _key_pem(adm_key), private=True),
        sa_key=_write(d / "sa.key", _key_pem(sa_key), private=True),
        sa_pub=_write(d / "sa.pub", sa_pub),
    )
