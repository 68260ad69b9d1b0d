"""Private keys as PEM text, the form a BYODKIM secret config value takes."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


def pem(
    key: PrivateKeyTypes,
    *,
    encryption: serialization.KeySerializationEncryption | None = None,
    private_format: serialization.PrivateFormat = serialization.PrivateFormat.PKCS8,
) -> str:
    """``key`` as PEM (PKCS#8, unencrypted unless ``encryption`` is given)."""
    return key.private_bytes(
        serialization.Encoding.PEM, private_format, encryption or serialization.NoEncryption()
    ).decode()


def rsa_pem(
    key_size: int,
    *,
    private_format: serialization.PrivateFormat = serialization.PrivateFormat.PKCS8,
) -> str:
    """A new RSA key of ``key_size`` bits as unencrypted PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    return pem(key, private_format=private_format)
