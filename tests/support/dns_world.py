"""Building blocks for the DNS check tests: SES records, DKIM keys and zones to serve them."""

from __future__ import annotations

import base64
import functools
import secrets
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from components.checks.verify.expected import parse_records
from tests.support.knot_server import record_lines, zone_text

# The real amazonses.com SPF record's shape: only ip4 terms, no further lookups.
AMAZONSES_SPF = (
    "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 ip4:69.169.224.0/20 "
    "ip4:23.249.208.0/20 ip4:23.251.224.0/19 ip4:76.223.176.0/20 ip4:54.240.64.0/19 -all"
)


@functools.cache
def rsa_key_der(bits: int) -> bytes:
    """SubjectPublicKeyInfo DER of an RSA key (under 1024 bits: a synthetic modulus)."""
    if bits >= 1024:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    else:  # cryptography refuses to generate such keys; the record only needs the public part
        modulus = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        key = rsa.RSAPublicNumbers(65537, modulus).public_key()
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def dkim_key_txt(bits: int = 2048, *, revoked: bool = False) -> str:
    p = "" if revoked else base64.b64encode(rsa_key_der(bits)).decode()
    return f"v=DKIM1; k=rsa; p={p}"


POSTMASTER_TOKEN = "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"
"""A Postmaster Tools verification token of the shape Google gives."""


def postmaster_record(domain: str = "example.com") -> dict[str, Any]:
    """The expected Postmaster Tools TXT record at ``domain``'s apex, in contract 1's form."""
    return {
        "domain": domain,
        "name": domain,
        "type": "TXT",
        "value": POSTMASTER_TOKEN,
        "ttl": 300,
        "purpose": "postmaster_tools",
    }


def ses_records(
    domain: str = "example.com",
    tokens: Iterable[str] = ("tok1aaaa", "tok2bbbb", "tok3cccc"),
    *,
    mail_from: str | None = "mail",
    region: str = "us-east-1",
    dmarc: str | None = "v=DMARC1; p=none; rua=mailto:dmarc@{domain}",
) -> list[dict[str, Any]]:
    """Contract 1 records for one SES domain."""
    out: list[dict[str, Any]] = [
        {
            "domain": domain,
            "name": f"{t}._domainkey.{domain}",
            "type": "CNAME",
            "value": f"{t}.dkim.amazonses.com",
            "ttl": 1800,
            "purpose": "dkim",
        }
        for t in tokens
    ]
    if mail_from:
        mf = f"{mail_from}.{domain}"
        out.append(
            {
                "domain": domain,
                "name": mf,
                "type": "MX",
                "value": f"10 feedback-smtp.{region}.amazonses.com",
                "ttl": 300,
                "purpose": "mail_from_mx",
            }
        )
        out.append(
            {
                "domain": domain,
                "name": mf,
                "type": "TXT",
                "value": "v=spf1 include:amazonses.com ~all",
                "ttl": 300,
                "purpose": "mail_from_spf",
            }
        )
    if dmarc:
        out.append(
            {
                "domain": domain,
                "name": f"_dmarc.{domain}",
                "type": "TXT",
                "value": dmarc.format(domain=domain),
                "ttl": 300,
                "purpose": "dmarc",
            }
        )
    return out


def domain_zone(
    records: list[dict[str, Any]],
    origin: str,
    serial: int = 1,
    *,
    drop: Iterable[tuple[str, str]] = (),
    extra: Iterable[str] = (),
    replace: dict[tuple[str, str], str] | None = None,
    ns_address: str = "127.0.0.1",
) -> str:
    """The zone serving ``records``; ``drop`` removes (name, type) records, ``replace`` swaps a
    (name, type) record for a raw zone line, ``extra`` adds raw lines; ``ns_address`` is the
    IPv4 glue of its NS host ns1."""
    expected = parse_records_list(records)
    dropped = {(n.lower(), t) for n, t in drop}
    replace = replace or {}
    lines: list[str] = []
    for rec in expected:
        key = (rec.name, rec.rdtype)
        if key in dropped or not (rec.name == origin or rec.name.endswith("." + origin)):
            continue
        if key in replace:
            lines.append(replace[key])
            continue
        lines.extend(record_lines([rec]))
    return zone_text(origin, serial, [*lines, *extra], ns_address=ns_address)


def parse_records_list(records: list[dict[str, Any]]):
    import json

    return parse_records(json.dumps(records), "test records")


def amazonses_zone(
    tokens: Iterable[str] = ("tok1aaaa", "tok2bbbb", "tok3cccc"),
    serial: int = 1,
    *,
    key_txt: str | None = None,
    keys: dict[str, str] | None = None,
    extra: Iterable[str] = (),
) -> str:
    """A stand-in amazonses.com: a DKIM key per token and SES's SPF record."""
    keys = keys or {}
    default = key_txt or dkim_key_txt(2048)
    lines = [f'amazonses.com. 300 IN TXT "{AMAZONSES_SPF}"']
    for t in tokens:
        txt = keys.get(t, default)
        from components.checks.verify.expected import txt_zone_strings

        lines.append(f"{t}.dkim.amazonses.com. 300 IN TXT {txt_zone_strings(txt)}")
    return zone_text("amazonses.com", serial, [*lines, *extra])
