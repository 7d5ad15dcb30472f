from __future__ import annotations

import ipaddress
import stat

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gp.devcluster.certs import make_ca, make_client_cert, make_serving_cert, write_pki


def _load(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_serving_cert_names_loopback_and_localhost_and_is_issued_by_ca():
    ca, ca_key = make_ca()
    cert, _ = make_serving_cert(ca, ca_key)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    cert.verify_directly_issued_by(ca)


def test_admin_client_cert_is_in_system_masters():
    ca, ca_key = make_ca()
    cert, _ = make_client_cert(ca, ca_key)
    assert (
        cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "system:masters"
    )
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "gp-admin"
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    cert.verify_directly_issued_by(ca)


def test_ca_is_a_ca_and_leaves_are_not():
    ca, ca_key = make_ca()
    leaf, _ = make_client_cert(ca, ca_key)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert leaf.not_valid_before_utc < leaf.not_valid_after_utc


def test_write_pki_writes_every_file_with_private_keys_unreadable_to_others(tmp_path):
    pki = write_pki(tmp_path / "pki")
    ca = _load(pki.ca_cert)
    _load(pki.serving_cert).verify_directly_issued_by(ca)
    _load(pki.admin_cert).verify_directly_issued_by(ca)
    for key in (pki.ca_key, pki.serving_key, pki.admin_key, pki.sa_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
        assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    sa = load_pem_private_key(pki.sa_key.read_bytes(), None)
    assert isinstance(sa, rsa.RSAPrivateKey) and sa.key_size == 2048
    assert (
        load_pem_public_key(pki.sa_pub.read_bytes()).public_numbers()
        == sa.public_key().public_numbers()
    )


def test_each_cluster_gets_its_own_ca(tmp_path):
    a, b = write_pki(tmp_path / "a"), write_pki(tmp_path / "b")
    assert a.ca_cert.read_bytes() != b.ca_cert.read_bytes()
