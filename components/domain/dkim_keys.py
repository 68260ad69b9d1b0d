"""Bring-your-own-DKIM keys: checking the private key and deriving what SES and DNS need.

No Pulumi import. The private key text never appears in an error message.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ALLOWED_KEY_BITS = (1024, 2048)


@dataclass(frozen=True)
class ByodkimKey:
    """An RSA private key accepted for BYODKIM, with the two encodings the stack needs."""

    bits: int
    """Modulus size: 1024 or 2048."""
    public_key_base64: str
    """The SubjectPublicKeyInfo, base64, for the ``p=`` tag of the DNS key record."""
    private_key_base64: str = field(repr=False)
    """PKCS#8 DER, base64, no header lines or line breaks: the form SES's
    ``DomainSigningPrivateKey`` takes. Secret: wrap it in ``pulumi.Output.secret``."""


def load_byodkim_key(pem_or_base64: str) -> ByodkimKey:
    """Parse an RSA private key given as PEM (PKCS#1 or PKCS#8) or as bare base64 DER.

    Raises ``ValueError`` when it is not an unencrypted RSA private key of 1024 or 2048 bits.
    """
    text = pem_or_base64.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            der = base64.b64decode("".join(text.split()), validate=True)
            key = serialization.load_der_private_key(der, password=None)
    except TypeError:
        raise ValueError("is an encrypted private key; give it without a passphrase") from None
    except ValueError:
        raise ValueError("is not a PEM or base64 DER private key") from None
    except Exception:  # cryptography raises UnsupportedAlgorithm and others for odd input
        raise ValueError("is not a private key cryptography can read") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"is a {type(key).__name__.removeprefix('_')} key; SES needs RSA")
    if key.key_size not in ALLOWED_KEY_BITS:
        raise ValueError(f"is a {key.key_size}-bit RSA key; SES takes 1024 or 2048 bits")
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return ByodkimKey(
        bits=key.key_size,
        public_key_base64=base64.b64encode(public_der).decode("ascii"),
        private_key_base64=base64.b64encode(private_der).decode("ascii"),
    )
