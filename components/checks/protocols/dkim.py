"""DKIM key records (RFC 6376 3.6.1, RFC 8301, RFC 8463): the parser (never raises) and findings."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from ..dns.client import txt_text
from ..verify.expected import Expected
from ..verify.findings import Finding, FindingCode
from .resolver import Resolver

MIN_BITS = 1024  # RFC 8301: verifiers must not accept smaller RSA keys
RECOMMENDED_BITS = 2048
_TAG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_B64_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


@dataclass
class DkimKey:
    text: str
    tags: dict[str, str] = field(default_factory=dict[str, str])
    key_type: str = "rsa"
    bits: int | None = None
    revoked: bool = False
    errors: list[str] = field(default_factory=list[str])
    warnings: list[str] = field(default_factory=list[str])


def _rsa_bits(der: bytes) -> int | None:
    """Modulus size of an RSA key given as SubjectPublicKeyInfo or bare RSAPublicKey DER."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        key = load_der_public_key(der)
    except Exception:  # malformed input raises various errors; any of them means "not a key"
        key = None
    if isinstance(key, rsa.RSAPublicKey):
        return key.key_size
    if key is not None:
        return None
    try:  # some publishers use the bare PKCS#1 RSAPublicKey structure
        wrapped = _wrap_pkcs1(der)
        key = load_der_public_key(wrapped) if wrapped else None
    except Exception:
        key = None
    return key.key_size if isinstance(key, rsa.RSAPublicKey) else None


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _wrap_pkcs1(der: bytes) -> bytes | None:
    if not der or der[0] != 0x30 or len(der) > 10000:
        return None
    algo = bytes.fromhex("300d06092a864886f70d0101010500")  # rsaEncryption, NULL
    bitstring = b"\x03" + _der_len(len(der) + 1) + b"\x00" + der
    body = algo + bitstring
    return b"\x30" + _der_len(len(body)) + body


def parse_dkim_key(text: str) -> DkimKey:
    """Parse a DKIM key record (TXT strings already joined)."""
    key = DkimKey(text=text)
    parts = [p.strip() for p in text.split(";")]
    if parts and parts[-1] == "":
        parts.pop()
    for index, part in enumerate(parts):
        name, eq, value = part.partition("=")
        name = name.strip()
        if not eq or not _TAG_RE.match(name):
            key.errors.append(f"'{part[:40]}' is not a tag=value pair")
            continue
        if name in key.tags:
            key.errors.append(f"tag '{name}' appears more than once")
            continue
        if name == "v" and index != 0:
            key.errors.append("'v=' must be the first tag")
        key.tags[name] = value.strip()
    tags = key.tags
    if "v" in tags and tags["v"] != "DKIM1":
        key.errors.append(f"v={tags['v']}: must be 'DKIM1'")
    key.key_type = tags.get("k", "rsa").lower()
    if key.key_type not in ("rsa", "ed25519"):
        key.errors.append(f"k={tags.get('k')}: unknown key type (rsa or ed25519)")
    if "h" in tags:
        hashes = [h.strip().lower() for h in tags["h"].split(":")]
        if "sha256" not in hashes:
            key.errors.append(f"h={tags['h']}: sha256 must be allowed (RFC 8301)")
    if "s" in tags:
        services = [s.strip().lower() for s in tags["s"].split(":")]
        if "*" not in services and "email" not in services:
            key.errors.append(f"s={tags['s']}: the key is not for email")
    if "t" in tags:
        flags = [f.strip().lower() for f in tags["t"].split(":")]
        if "y" in flags:
            key.warnings.append("t=y: the domain is in DKIM testing mode")
    if "p" not in tags:
        key.errors.append("the required public key tag 'p' is missing")
        return key
    data = re.sub(r"\s+", "", tags["p"])
    if not data:
        key.revoked = True
        key.errors.append("the key is revoked (empty p=)")
        return key
    if not _B64_RE.match(data):
        key.errors.append("p= is not valid base64")
        return key
    try:
        der = base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        key.errors.append("p= is not valid base64")
        return key
    if key.key_type == "ed25519":
        if len(der) != 32:
            key.errors.append(f"an ed25519 key is 32 bytes, this one is {len(der)}")
        return key
    if key.key_type != "rsa":
        return key
    bits = _rsa_bits(der)
    if bits is None:
        key.errors.append("p= does not hold an RSA public key")
        return key
    key.bits = bits
    if bits < MIN_BITS:
        key.errors.append(f"RSA key of {bits} bits: verifiers reject keys under {MIN_BITS} bits")
    elif bits < RECOMMENDED_BITS:
        key.warnings.append(f"RSA key of {bits} bits: {RECOMMENDED_BITS} bits is recommended")
    return key


def is_dkim_txt_row(e: Expected) -> bool:
    """An expected TXT record that is a DKIM key itself (BYODKIM), not a CNAME to one."""
    return e.rdtype == "TXT" and (e.purpose.startswith("dkim") or "._domainkey." in e.name)


async def dkim_target_findings(
    e: Expected, target: str, ns_label: str | None, view: Resolver
) -> list[Finding]:
    """The DKIM key behind the CNAME target ``target`` of ``e``, through the resolvers."""
    answer = await view.query(target, "TXT")
    where = f"{e.name} -> {target}"
    if answer.status == "error":
        return [
            Finding.could_not_check(
                e.name, view.label, f"the DKIM key at {target} ({answer.error})"
            )
        ]
    _, records = answer.chase()
    texts = [txt_text(r) for r in records]
    keys = [t for t in texts if "p=" in t]
    if not keys:
        return [
            Finding(
                "error",
                FindingCode.DKIM_KEY_MISSING,
                e.name,
                f"{where}: no DKIM key record at {target} through {view.label} "
                "(wrong token or region, or SES has not published it)",
                nameserver=ns_label,
            )
        ]
    found: list[Finding] = []
    for text in keys:
        found.extend(dkim_findings(e, target, text, ns_label, view.label))
    return found


def dkim_findings(
    e: Expected, key_name: str, text: str, ns_label: str | None, via: str
) -> list[Finding]:
    """What is wrong with the DKIM key record ``text`` at ``key_name`` (found via ``via``)."""
    key = parse_dkim_key(text)
    where = f"DKIM key at {key_name}" + (f" (via {via})" if key_name != e.name else "")
    byodkim = e.rdtype == "TXT"
    fix = e.zone_line() if byodkim else None
    found: list[Finding] = []
    for err in key.errors:
        if key.revoked:
            code = FindingCode.DKIM_KEY_REVOKED
        elif key.bits is not None and key.bits < MIN_BITS:
            code = FindingCode.DKIM_KEY_WEAK
        else:
            code = FindingCode.DKIM_KEY_INVALID
        found.append(Finding("error", code, e.name, f"{where}: {err}", ns_label, fix))
    for warn in key.warnings:
        code = FindingCode.DKIM_KEY_SHORT if key.bits is not None else FindingCode.DKIM_KEY_WARNING
        found.append(Finding("warning", code, e.name, f"{where}: {warn}", ns_label))
    return found
