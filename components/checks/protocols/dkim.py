"""DKIM key records (RFC 6376 3.6.1, RFC 8301, RFC 8463): the parser (never raises) and findings."""

from __future__ import annotations

import base64
import binascii
import functools
from dataclasses import dataclass, field

from ..dns.client import Answer, txt_text
from ..verify.expected import Expected
from ..verify.findings import Finding, FindingCode
from .dkim_tags import (
    NOT_BASE64,
    DkimCaution,
    DkimError,
    DkimProblem,
    DkimWarning,
    KeyTags,
    check_tag_values,
    is_key_tags,
    parse_tag_list,
    show,
)
from .resolver import Resolver

MIN_BITS = 1024  # RFC 8301: verifiers must not accept smaller RSA keys
RECOMMENDED_BITS = 2048


@dataclass(kw_only=True)
class DkimKey:
    """A parsed DKIM key record: its tags, key type and size, errors and warnings."""

    text: str
    tags: dict[str, str] = field(default_factory=dict[str, str])
    key_type: str = "rsa"
    bits: int | None = None
    spki: bool = True  # an RSA key in SubjectPublicKeyInfo, not a bare PKCS#1 RSAPublicKey
    errors: list[DkimError] = field(default_factory=list[DkimError])
    warnings: list[DkimWarning] = field(default_factory=list[DkimWarning])

    @property
    def revoked(self) -> bool:
        """The key is revoked (empty ``p=``)."""
        return any(e.kind is DkimProblem.REVOKED for e in self.errors)


# The usual key, SubjectPublicKeyInfo of an RSA key: the AlgorithmIdentifier of
# rsaEncryption with NULL parameters, and (after the modulus) the exponent 65537.
_RSA_ALGORITHM = bytes.fromhex("300d06092a864886f70d0101010500")
_EXPONENT_65537 = bytes.fromhex("0203010001")


def _der_length(der: bytes, pos: int) -> tuple[int, int] | None:
    """The length at ``pos`` in its minimal DER form, and where its content starts."""
    first = der[pos]
    if first < 0x80:
        return first, pos + 1
    if first == 0x81 and der[pos + 1] >= 0x80:
        return der[pos + 1], pos + 2
    if first == 0x82 and der[pos + 1]:
        return (der[pos + 1] << 8) | der[pos + 2], pos + 3
    return None


def _usual_rsa_bits(der: bytes) -> int | None:
    """The modulus size of the usual key (SubjectPublicKeyInfo, exponent 65537, an odd modulus
    of 1024 to 8192 bits, strict DER), which ``load_der_public_key`` reads as such; None for
    anything else, left to it. Spares a run importing ``cryptography`` for what SES publishes."""
    try:
        outer = _der_length(der, 1)
        if der[0] != 0x30 or outer is None or sum(outer) != len(der):
            return None
        pos = outer[1]
        if der[pos : pos + 15] != _RSA_ALGORITHM or der[pos + 15] != 0x03:
            return None
        bits = _der_length(der, pos + 16)
        if bits is None or sum(bits) != len(der) or der[bits[1]] != 0 or der[bits[1] + 1] != 0x30:
            return None
        inner = _der_length(der, bits[1] + 2)
        if inner is None or sum(inner) != len(der) or der[inner[1]] != 0x02:
            return None
        modulus = _der_length(der, inner[1] + 1)
        if modulus is None or sum(modulus) + len(_EXPONENT_65537) != len(der):
            return None
        size, start = modulus
        if der[start + size :] != _EXPONENT_65537 or not der[start + size - 1] & 1:
            return None
        if der[start] == 0 and der[start + 1] >= 0x80:  # a leading zero keeps it positive
            start, size = start + 1, size - 1
        elif not 0 < der[start] < 0x80:
            return None
        found = 8 * size - 8 + der[start].bit_length()
    except IndexError:
        return None
    return found if 1024 <= found <= 8192 else None


def _rsa_bits(der: bytes) -> tuple[int, bool] | None:
    """Modulus size of an RSA key, and whether it is SubjectPublicKeyInfo (not bare PKCS#1).

    ``load_der_public_key`` reads both; the element after the outer SEQUENCE's header tells
    them apart: SubjectPublicKeyInfo starts with the algorithm SEQUENCE, RSAPublicKey with the
    modulus INTEGER. The usual key is read without it (``_usual_rsa_bits``).
    """
    usual = _usual_rsa_bits(der)
    if usual is not None:
        return usual, True
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        key = load_der_public_key(der)
    except Exception:  # malformed input raises various errors; any of them means "not a key"
        return None
    if not isinstance(key, rsa.RSAPublicKey):
        return None
    header = 2 + (der[1] & 0x7F if der[1] >= 0x80 else 0)
    return key.key_size, der[header] == 0x30


@functools.lru_cache(maxsize=1024)
def parse_dkim_key(text: str) -> DkimKey:
    """Parse a DKIM key record (TXT strings already joined). Memoised (a pure function of the
    text, the RSA key loaded each time otherwise: one key record may be behind many
    selectors); the keys are shared, never changed."""
    record = KeyTags()
    parse_tag_list(text, record)
    check_tag_values(record)
    key = DkimKey(
        text=text,
        tags=record.tags,
        key_type=record.key_type,
        errors=record.errors,
        warnings=record.warnings,
    )
    if record.key_data is not None:
        _check_key_data(key, record.key_data)
    return key


def _check_key_data(key: DkimKey, data: str) -> None:
    def add(message: str, kind: DkimProblem = DkimProblem.INVALID) -> None:
        key.errors.append(DkimError(kind=kind, message=message))

    try:
        der = base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        add(f"p={show(data)}: {NOT_BASE64}")
        return
    if key.key_type == "ed25519":
        if len(der) != 32:
            add(f"an ed25519 key is 32 bytes, this one is {len(der)}")
        return
    if key.key_type != "rsa":
        return
    found = _rsa_bits(der)
    if found is None:
        add("p= does not hold an RSA public key")
        return
    key.bits, key.spki = found
    if not key.spki:
        add(
            "p= holds a bare PKCS#1 RSAPublicKey, which common verifiers (OpenDKIM, dkimpy) "
            "cannot read: publish it as SubjectPublicKeyInfo, as SES does (openssl rsa -pubout)"
        )
    if key.bits < MIN_BITS:
        msg = f"RSA key of {key.bits} bits: verifiers reject keys under {MIN_BITS} bits"
        add(msg, DkimProblem.WEAK)
    elif key.bits < RECOMMENDED_BITS:
        message = f"RSA key of {key.bits} bits: {RECOMMENDED_BITS} bits is recommended"
        key.warnings.append(DkimWarning(kind=DkimCaution.SIZE, message=message))


_CODES = {
    DkimProblem.INVALID: FindingCode.DKIM_KEY_INVALID,
    DkimProblem.REVOKED: FindingCode.DKIM_KEY_REVOKED,
    DkimProblem.WEAK: FindingCode.DKIM_KEY_WEAK,
}


def is_dkim_txt_row(e: Expected) -> bool:
    """An expected TXT record that is a DKIM key itself (BYODKIM), not a CNAME to one."""
    return e.rdtype == "TXT" and (e.purpose.startswith("dkim") or "._domainkey." in e.name)


async def dkim_target_findings(
    e: Expected, target: str, ns_label: str | None, view: Resolver
) -> list[Finding]:
    """The DKIM key behind the CNAME target ``target`` of ``e``, through the resolvers."""
    answer = await view.query(target, "TXT")
    return target_key_findings(e, target, answer, ns_label, view.label)


def target_key_findings(
    e: Expected, target: str, answer: Answer, ns_label: str | None, via: str
) -> list[Finding]:
    """``dkim_target_findings`` once the resolvers' ``answer`` (through ``via``) is in."""
    where = f"{e.name} -> {target}"
    if answer.status == "error":
        return [Finding.could_not_check(e.name, via, f"the DKIM key at {target} ({answer.error})")]
    _, records = answer.chase()
    parsed = [parse_dkim_key(txt_text(r)) for r in records]  # each record read once
    keys = [key for key in parsed if is_key_tags(key.tags)]
    if not keys:
        return [
            Finding(
                "error",
                FindingCode.DKIM_KEY_MISSING,
                e.name,
                f"{where}: no DKIM key record at {target} through {via} "
                "(wrong token or region, or SES has not published it)",
                nameserver=ns_label,
            )
        ]
    found: list[Finding] = []
    for key in keys:
        found.extend(_key_findings(e, target, key, ns_label, via))
    return found


def dkim_findings(
    e: Expected, key_name: str, text: str, ns_label: str | None, via: str
) -> list[Finding]:
    """What is wrong with the DKIM key record ``text`` at ``key_name`` (found via ``via``)."""
    return _key_findings(e, key_name, parse_dkim_key(text), ns_label, via)


def _key_findings(
    e: Expected, key_name: str, key: DkimKey, ns_label: str | None, via: str
) -> list[Finding]:
    where = f"DKIM key at {key_name}" + (f" (via {via})" if key_name != e.name else "")
    byodkim = e.rdtype == "TXT"
    fix = e.zone_line() if byodkim else None
    found: list[Finding] = []
    for err in key.errors:
        code = _CODES[err.kind]
        found.append(Finding("error", code, e.name, f"{where}: {err.message}", ns_label, fix))
    for warn in key.warnings:
        short = warn.kind is DkimCaution.SIZE or (
            warn.kind is DkimCaution.TESTING and key.bits is not None
        )
        code = FindingCode.DKIM_KEY_SHORT if short else FindingCode.DKIM_KEY_WARNING
        found.append(Finding("warning", code, e.name, f"{where}: {warn.message}", ns_label))
    return found
