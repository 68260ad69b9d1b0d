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


# The fast path's own contract, on DER built by hand: the usual shape and nothing else.

_LEVELS = ("outer", "bits", "inner", "modulus")


def _der_len(n: int, form: str = "minimal") -> bytes:
    """A DER length: minimal, or one of the non-minimal or unsupported forms."""
    if form == "0x82 with a leading zero":
        return bytes([0x82, 0]) + n.to_bytes(1, "big")
    if form == "0x83":
        return bytes([0x83]) + n.to_bytes(3, "big")
    if n < 0x80:
        return bytes([n])
    return bytes([0x81, n]) if n < 0x100 else bytes([0x82]) + n.to_bytes(2, "big")


def _by_hand(
    content: bytes,
    *,
    form: dict[str, str] | None = None,
    more: dict[str, int] | None = None,
    trailing: dict[str, bytes] | None = None,
    unused: int = 0,
    exponent: bytes = bytes.fromhex("0203010001"),
    algorithm: bytes = bytes.fromhex("300d06092a864886f70d0101010500"),
    inner_tag: int = 0x30,
    modulus_tag: int = 0x02,
) -> bytes:
    """SubjectPublicKeyInfo with the modulus INTEGER's ``content``; each level's length in
    ``form``, claiming ``more`` bytes than it holds, its content followed by ``trailing``."""
    form, more, trailing = form or {}, more or {}, trailing or {}

    def tlv(tag: int, level: str, body: bytes) -> bytes:
        body += trailing.get(level, b"")
        return (
            bytes([tag])
            + _der_len(len(body) + more.get(level, 0), form.get(level, "minimal"))
            + body
        )

    inner = tlv(inner_tag, "inner", tlv(modulus_tag, "modulus", content) + exponent)
    return tlv(0x30, "outer", algorithm + tlv(0x03, "bits", bytes([unused]) + inner))


def _modulus(bits: int) -> bytes:
    """The INTEGER content of an odd modulus of ``bits`` bits (a leading zero when needed)."""
    n = (1 << (bits - 1)) | 0x2468ACF1
    return n.to_bytes(bits // 8 + 1, "big")


@pytest.mark.parametrize("bits", [1024, 1025, 1031, 1032, 2047, 2048, 4096, 8191, 8192])
def test_the_hand_built_usual_key_is_cryptographys_and_read_as_such(bits: int) -> None:
    der = _by_hand(_modulus(bits))
    assert der == _spki(int.from_bytes(_modulus(bits), "big"))
    assert dkim._usual_rsa_bits(der) == bits  # pyright: ignore[reportPrivateUsage]


def test_the_usual_keys_lengths_are_0x81_at_1024_bits_and_0x82_at_2048() -> None:
    small, large = _by_hand(_modulus(1024)), _by_hand(_modulus(2048))
    assert (small[:3].hex(), small[18:21].hex(), small[22:25].hex(), small[25:28].hex()) == (
        "30819f",
        "03818d",
        "308189",
        "028181",
    )
    assert large[:4].hex() == "30820122"
    assert dkim._usual_rsa_bits(small) == 1024  # pyright: ignore[reportPrivateUsage]
    assert dkim._usual_rsa_bits(large) == 2048  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize("bits", [1016, 1023, 8193, 8200])
def test_sizes_outside_1024_to_8192_are_not_the_usual_key(bits: int) -> None:
    assert dkim._usual_rsa_bits(_by_hand(_modulus(bits))) is None  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize("bits", [1024, 2048])
@pytest.mark.parametrize("level", _LEVELS)
@pytest.mark.parametrize("change", ["one byte missing", "one byte too many", "a trailing byte"])
def test_a_length_off_by_one_at_any_level_is_not_the_usual_key(
    bits: int, level: str, change: str
) -> None:
    if change == "a trailing byte":
        der = _by_hand(_modulus(bits), trailing={level: b"\x00"})
    else:
        der = _by_hand(_modulus(bits), more={level: 1 if change == "one byte missing" else -1})
    assert dkim._usual_rsa_bits(der) is None  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize("bits", [1024, 2048])
def test_a_byte_after_the_key_or_one_cut_off_is_not_the_usual_key(bits: int) -> None:
    der = _by_hand(_modulus(bits))
    assert dkim._usual_rsa_bits(der + b"\x00") is None  # pyright: ignore[reportPrivateUsage]
    assert dkim._usual_rsa_bits(der[:-1]) is None  # pyright: ignore[reportPrivateUsage]
    assert dkim._usual_rsa_bits(der[:20]) is None  # pyright: ignore[reportPrivateUsage]
    assert dkim._usual_rsa_bits(b"") is None  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize("level", _LEVELS)
@pytest.mark.parametrize("form", ["0x82 with a leading zero", "0x83"])
def test_a_non_minimal_length_at_any_level_is_not_the_usual_key(level: str, form: str) -> None:
    der = _by_hand(_modulus(1024), form={level: form})
    assert dkim._usual_rsa_bits(der) is None  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize(
    "change",
    [
        {"unused": 1},
        {"inner_tag": 0x31},
        {"modulus_tag": 0x03},
        {"exponent": bytes.fromhex("020103")},
        {"exponent": bytes.fromhex("0203010003")},
        {"algorithm": bytes.fromhex("300d06092a864886f70d0101010400")},
        {"algorithm": bytes.fromhex("300d06092a864886f70d0101020500")},
    ],
)
def test_anything_but_the_usual_shape_is_not_the_usual_key(change: dict[str, object]) -> None:
    der = _by_hand(_modulus(2048), **change)  # pyright: ignore[reportArgumentType]
    assert dkim._usual_rsa_bits(der) is None  # pyright: ignore[reportPrivateUsage]


def test_the_modulus_must_be_odd_positive_and_minimal() -> None:
    usual = _modulus(2048)
    even = usual[:-1] + bytes([usual[-1] & 0xFE])
    negative = usual[1:]  # 0x80 first: a negative INTEGER
    padded = b"\x00" + usual  # two leading zeros
    zero_then_small = b"\x00" + b"\x7f" + usual[2:]  # a zero not needed for the sign
    assert dkim._usual_rsa_bits(_by_hand(usual)) == 2048  # pyright: ignore[reportPrivateUsage]
    for content in (even, negative, padded, zero_then_small):
        assert dkim._usual_rsa_bits(_by_hand(content)) is None  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize(
    ("der", "pos", "expected"),
    [
        (b"\x00", 0, (0, 1)),
        (b"\x05", 0, (5, 1)),
        (b"\x30\x7f", 1, (127, 2)),
        (b"\x80", 0, None),  # indefinite: not DER
        (b"\x81\x80", 0, (128, 2)),
        (b"\x30\x81\xff", 1, (255, 3)),
        (b"\x81\x7f", 0, None),  # fits the short form
        (b"\x82\x01\x00", 0, (256, 3)),
        (b"\x30\x82\x90\x01", 1, (0x9001, 4)),
        (b"\x00\x82\x01\x00", 1, (256, 4)),
        (b"\x82\x00\x90", 0, None),  # a leading zero byte
        (b"\x83\x90\x00\x00", 0, None),
        (b"\x84\x00\x00\x01\x00", 0, None),
    ],
)
def test_der_length_forms(der: bytes, pos: int, expected: tuple[int, int] | None) -> None:
    assert dkim._der_length(der, pos) == expected  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize("der", [b"", b"\x81", b"\x82\x01", b"\x30"])
def test_der_length_of_truncated_input_raises_index_error(der: bytes) -> None:
    with pytest.raises(IndexError):
        dkim._der_length(der, len(der) if der == b"\x30" else 0)  # pyright: ignore[reportPrivateUsage]


def test_rsa_bits_reads_the_usual_key_without_cryptography(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(der: bytes) -> object:
        raise AssertionError("cryptography's loader was called")

    monkeypatch.setattr(serialization, "load_der_public_key", refuse)
    assert dkim._rsa_bits(_by_hand(_modulus(1024))) == (1024, True)  # pyright: ignore[reportPrivateUsage]
    assert dkim._rsa_bits(KEY_2048) == (2048, True)  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize(
    ("der", "expected"),
    [
        (_by_hand(_modulus(2048), exponent=bytes.fromhex("020103")), (2048, True)),
        (_by_hand(_modulus(1023)), (1023, True)),
        (_by_hand(_modulus(2048), more={"outer": 1}), None),
    ],
)
def test_rsa_bits_leaves_anything_else_to_cryptography(
    monkeypatch: pytest.MonkeyPatch, der: bytes, expected: tuple[int, bool] | None
) -> None:
    calls: list[bytes] = []

    def spy(data: bytes) -> object:
        calls.append(data)
        return load_der_public_key(data)

    monkeypatch.setattr(serialization, "load_der_public_key", spy)
    assert dkim._rsa_bits(der) == expected  # pyright: ignore[reportPrivateUsage]
    assert calls == [der]
