"""The usual RSA key read without ``cryptography``: the same size and form as it reads, or
left to it; and a run with such keys does not import it."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from hypothesis import given, settings
from hypothesis import strategies as st

from components.checks.protocols import dkim
from tests.support.dns_world import rsa_key_der
from tests.support.paths import REPO


def _reference(der: bytes) -> tuple[int, bool] | None:
    """What ``_rsa_bits`` returned when every key went through ``cryptography``."""
    try:
        key = load_der_public_key(der)
    except Exception:
        return None
    if not isinstance(key, rsa.RSAPublicKey):
        return None
    header = 2 + (der[1] & 0x7F if der[1] >= 0x80 else 0)
    return key.key_size, der[header] == 0x30


def _spki(modulus: int, exponent: int = 65537) -> bytes:
    key = rsa.RSAPublicNumbers(exponent, modulus).public_key()
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


KEY_2048 = rsa_key_der(2048)


@pytest.mark.parametrize("bits", [1024, 2048, 3072, 4096])
def test_the_usual_key_is_read_without_cryptography(bits: int) -> None:
    der = rsa_key_der(bits)
    assert dkim._usual_rsa_bits(der) == bits  # pyright: ignore[reportPrivateUsage]
    assert dkim._rsa_bits(der) == _reference(der) == (bits, True)  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize("bits", [512, 1000, 1023, 1025, 2047, 2049, 8192, 8193])
@pytest.mark.parametrize("exponent", [3, 65537, 65539])
def test_sizes_and_exponents_agree_with_cryptography(bits: int, exponent: int) -> None:
    der = _spki((1 << (bits - 1)) | 0x1234567 | 1, exponent)
    usual = dkim._usual_rsa_bits(der)  # pyright: ignore[reportPrivateUsage]
    assert usual in (None, bits)
    assert (usual is not None) == (exponent == 65537 and 1024 <= bits <= 8192)
    assert dkim._rsa_bits(der) == _reference(der) == (bits, True)  # pyright: ignore[reportPrivateUsage]


def test_a_bare_pkcs1_key_is_left_to_cryptography() -> None:
    key = load_der_public_key(KEY_2048)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    assert dkim._usual_rsa_bits(der) is None  # pyright: ignore[reportPrivateUsage]
    assert dkim._rsa_bits(der) == _reference(der) == (2048, False)  # pyright: ignore[reportPrivateUsage]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["set", "insert", "delete", "cut"]),
            st.integers(0, len(KEY_2048)),
            st.integers(0, 255),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_damaged_keys_read_as_cryptography_reads_them(
    edits: list[tuple[str, int, int]],
) -> None:
    der = bytearray(KEY_2048)
    for kind, place, byte in edits:
        at = min(place, len(der))
        if kind == "set" and at < len(der):
            der[at] = byte
        elif kind == "insert":
            der.insert(at, byte)
        elif kind == "delete" and at < len(der):
            del der[at]
        elif kind == "cut":
            del der[at:]
    assert dkim._rsa_bits(bytes(der)) == _reference(bytes(der))  # pyright: ignore[reportPrivateUsage]


@settings(max_examples=200, deadline=None)
@given(st.integers(2**1000, 2**8200).map(lambda n: n | 1))
def test_odd_moduli_read_as_cryptography_reads_them(modulus: int) -> None:
    der = _spki(modulus)
    assert dkim._rsa_bits(der) == _reference(der)  # pyright: ignore[reportPrivateUsage]


def test_parsing_the_usual_key_does_not_import_cryptography() -> None:
    text = f"v=DKIM1; k=rsa; p={base64.b64encode(KEY_2048).decode()}"
    code = (
        "import sys\n"
        "from components.checks.protocols.dkim import parse_dkim_key\n"
        f"key = parse_dkim_key({text!r})\n"
        "assert (key.bits, key.errors) == (2048, []), key\n"
        "print('cryptography' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
