"""DKIM key records as the checks report them: whole findings (severity, code, name, message,
server, fix) for BYODKIM TXT rows and for keys behind Easy DKIM CNAMEs, looked up through the
resolvers; unpadded and bare PKCS#1 keys; keys that are not RSA."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field

import dns.message
import dns.rrset
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

from components.checks.dns import wire
from components.checks.dns.client import Answer
from components.checks.protocols import dkim
from components.checks.protocols.dkim_tags import KeyTags, is_key_tags, parse_tag_list
from components.checks.verify.expected import Expected, txt_zone_strings
from components.checks.verify.findings import Finding, FindingCode
from tests.support.dns_world import dkim_key_txt, rsa_key_der

KEY_2048 = dkim_key_txt(2048).partition("p=")[2]
ED = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
CNAME_ROW = Expected(
    "example.com",
    "tok1._domainkey.example.com",
    "CNAME",
    "tok1.dkim.amazonses.com",
    "dkim",
    1800,
)
TXT_ROW = Expected(
    "example.com", "sel._domainkey.example.com", "TXT", "v=DKIM1; p=", "dkim_byodkim", 300
)
TARGET = "tok1.dkim.amazonses.com"


def txt_answer(name: str, *texts: str, status: str = "ok") -> Answer:
    """An answer holding ``texts`` as TXT records, read through the client's wire parser."""
    message = dns.message.Message()
    if texts:
        zone_strings = [txt_zone_strings(t) for t in texts]
        message.answer.append(dns.rrset.from_text(name + ".", 300, "IN", "TXT", *zone_strings))
    question = wire.question_bytes(wire.encode_name(name).lower(), wire.TXT)
    records = wire.read_reply(message.to_wire(), question).records
    return Answer(name, "TXT", "ok" if texts else "nodata", records=records)


@dataclass
class Resolvers:
    """A resolver view that answers from a table and records what was asked."""

    answers: dict[tuple[str, str], Answer]
    label: str = "resolver 192.0.2.53"
    asked: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])

    async def query(self, name: str, rdtype: str) -> Answer:
        self.asked.append((name, rdtype))
        return self.answers[(name, rdtype)]


def target_findings(view: Resolvers, ns_label: str | None = "ns1.example.com") -> list[Finding]:
    return asyncio.run(dkim.dkim_target_findings(CNAME_ROW, TARGET, ns_label, view))


# ---- keys behind Easy DKIM CNAMEs -------------------------------------------------------------


def test_a_good_key_behind_the_cname_has_no_findings() -> None:
    view = Resolvers({(TARGET, "TXT"): txt_answer(TARGET, dkim_key_txt(2048))})
    assert target_findings(view) == []
    assert view.asked == [(TARGET, "TXT")]


def test_a_lookup_error_is_could_not_check() -> None:
    failed = Answer(TARGET, "TXT", "error", error="timeout")
    assert target_findings(Resolvers({(TARGET, "TXT"): failed})) == [
        Finding(
            "error",
            FindingCode.COULD_NOT_CHECK,
            "tok1._domainkey.example.com",
            f"could not check resolver 192.0.2.53: the DKIM key at {TARGET} (timeout)",
            nameserver="resolver 192.0.2.53",
            unchecked=True,
        )
    ]


@pytest.mark.parametrize(
    "answer",
    [
        txt_answer(TARGET),
        txt_answer(TARGET, "v=spf1 -all", "google-site-verification=abc"),
        Answer(TARGET, "TXT", "nxdomain"),
    ],
)
def test_no_key_record_at_the_target(answer: Answer) -> None:
    assert target_findings(Resolvers({(TARGET, "TXT"): answer})) == [
        Finding(
            "error",
            FindingCode.DKIM_KEY_MISSING,
            "tok1._domainkey.example.com",
            f"tok1._domainkey.example.com -> {TARGET}: no DKIM key record at {TARGET} through "
            "resolver 192.0.2.53 (wrong token or region, or SES has not published it)",
            nameserver="ns1.example.com",
        )
    ]


def test_every_key_record_at_the_target_is_checked_and_others_ignored() -> None:
    answer = txt_answer(TARGET, "v=spf1 -all", "v=DKIM1; p=", dkim_key_txt(1024))
    found = target_findings(Resolvers({(TARGET, "TXT"): answer}))
    via = f"DKIM key at {TARGET} (via resolver 192.0.2.53)"
    assert sorted(found, key=lambda f: f.code) == [
        Finding(
            "error",
            FindingCode.DKIM_KEY_REVOKED,
            "tok1._domainkey.example.com",
            f"{via}: the key is revoked (empty p=)",
            nameserver="ns1.example.com",
        ),
        Finding(
            "warning",
            FindingCode.DKIM_KEY_SHORT,
            "tok1._domainkey.example.com",
            f"{via}: RSA key of 1024 bits: 2048 bits is recommended",
            nameserver="ns1.example.com",
        ),
    ]


def test_a_key_split_into_several_strings_is_read_whole() -> None:
    long_key = dkim_key_txt(2048)
    assert len(long_key) > 255
    assert target_findings(Resolvers({(TARGET, "TXT"): txt_answer(TARGET, long_key)})) == []


def test_one_key_behind_many_selectors_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same key text (several selectors, two servers, every ``--wait`` poll) is parsed
    once, and every selector still gets its own findings."""
    loaded: list[bytes] = []
    monkeypatch.setattr(dkim, "_rsa_bits", loaded.append)  # returns None: "not a key"
    text = dkim_key_txt(1024).replace("p=", "t=y; p=")  # a text no other test parses
    answer = txt_answer(TARGET, text)
    view = Resolvers({(TARGET, "TXT"): answer})
    first = target_findings(view)
    again = dkim.target_key_findings(CNAME_ROW, TARGET, answer, "ns1.example.com", view.label)
    byodkim = dkim.dkim_findings(TXT_ROW, TXT_ROW.name, text, "ns2.example.com", "ns")
    assert len(loaded) == 1
    assert first == again
    assert [f.code for f in first] == [FindingCode.DKIM_KEY_INVALID, FindingCode.DKIM_KEY_WARNING]
    assert [f.name for f in byodkim] == [TXT_ROW.name, TXT_ROW.name]


# ---- BYODKIM keys published as TXT ------------------------------------------------------------


def test_byodkim_errors_carry_the_zone_line_to_paste() -> None:
    found = dkim.dkim_findings(TXT_ROW, TXT_ROW.name, "v=DKIM1; p=", "ns2.example.com", "ns")
    assert found == [
        Finding(
            "error",
            FindingCode.DKIM_KEY_REVOKED,
            "sel._domainkey.example.com",
            "DKIM key at sel._domainkey.example.com: the key is revoked (empty p=)",
            nameserver="ns2.example.com",
            fix='sel._domainkey.example.com. 300 IN TXT "v=DKIM1; p="',
        )
    ]


def test_byodkim_warnings_name_the_server_and_carry_no_fix() -> None:
    found = dkim.dkim_findings(TXT_ROW, TXT_ROW.name, dkim_key_txt(1024), "ns2.example.com", "ns")
    assert found == [
        Finding(
            "warning",
            FindingCode.DKIM_KEY_SHORT,
            "sel._domainkey.example.com",
            "DKIM key at sel._domainkey.example.com: RSA key of 1024 bits: "
            "2048 bits is recommended",
            nameserver="ns2.example.com",
        )
    ]


def test_cname_rows_carry_no_fix() -> None:
    found = dkim.dkim_findings(CNAME_ROW, TARGET, "v=DKIM1; p=", "ns1", "resolver 192.0.2.53")
    assert found == [
        Finding(
            "error",
            FindingCode.DKIM_KEY_REVOKED,
            "tok1._domainkey.example.com",
            "DKIM key at tok1.dkim.amazonses.com (via resolver 192.0.2.53): the key is revoked "
            "(empty p=)",
            nameserver="ns1",
        )
    ]


# ---- key data ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"v=DKIM1; k=ed25519; p={ED.rstrip('=')}",  # 43 characters: padding left out
        f"v=DKIM1; p={KEY_2048.rstrip('=')}",
    ],
)
def test_keys_without_base64_padding_are_read(text: str) -> None:
    key = dkim.parse_dkim_key(text)
    assert (key.errors, key.warnings) == ([], [])


@pytest.mark.parametrize("p", ["A==", "AAAAA="])
def test_base64_that_does_not_decode(p: str) -> None:
    key = dkim.parse_dkim_key(f"v=DKIM1; p={p}")
    assert [(e.kind, e.message) for e in key.errors] == [
        (dkim.DkimProblem.INVALID, f"p={p!r}: not base64 (A-Z a-z 0-9 + / and '=' padding)")
    ]


def test_an_ec_key_is_not_an_rsa_key() -> None:
    der = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    key = dkim.parse_dkim_key(f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}")
    assert [e.message for e in key.errors] == ["p= does not hold an RSA public key"]
    assert key.bits is None


@pytest.mark.parametrize("bits", [512, 1024, 2048])
def test_spki_keys_of_each_size(bits: int) -> None:
    key = dkim.parse_dkim_key(f"p={base64.b64encode(rsa_key_der(bits)).decode()}")
    assert (key.bits, key.spki) == (bits, True)


@pytest.mark.parametrize("bits", [512, 1024, 2048])
def test_bare_pkcs1_keys_are_refused_by_name(bits: int) -> None:
    spki = load_der_public_key(rsa_key_der(bits))
    der = spki.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    key = dkim.parse_dkim_key(f"v=DKIM1; p={base64.b64encode(der).decode()}")
    assert (key.bits, key.spki) == (bits, False)
    assert key.errors[0] == dkim.DkimError(
        kind=dkim.DkimProblem.INVALID,
        message="p= holds a bare PKCS#1 RSAPublicKey, which common verifiers (OpenDKIM, dkimpy) "
        "cannot read: publish it as SubjectPublicKeyInfo, as SES does (openssl rsa -pubout)",
    )


def test_ed25519_of_the_wrong_length() -> None:
    short = base64.b64encode(b"\x01" * 31).decode()
    key = dkim.parse_dkim_key(f"v=DKIM1; k=ed25519; p={short}")
    assert [e.message for e in key.errors] == ["an ed25519 key is 32 bytes, this one is 31"]


def test_the_parsed_key_keeps_its_text() -> None:
    text = f"v=DKIM1; p={ED}"
    assert dkim.parse_dkim_key(text).text == text


def test_revoked_is_read_from_the_errors() -> None:
    assert dkim.parse_dkim_key("v=DKIM1; p=").revoked
    assert not dkim.parse_dkim_key(dkim_key_txt(512)).revoked


@pytest.mark.parametrize(
    ("row", "is_key"),
    [
        (TXT_ROW, True),
        (Expected("example.com", "s._domainkey.example.com", "TXT", "v=DKIM1", "other"), True),
        (Expected("example.com", "example.com", "TXT", "v=DKIM1", "dkim"), True),
        (Expected("example.com", "example.com", "TXT", "v=spf1 -all", "mail_from_spf"), False),
        (CNAME_ROW, False),
    ],
)
def test_which_rows_are_dkim_keys_themselves(row: Expected, is_key: bool) -> None:
    assert dkim.is_dkim_txt_row(row) is is_key


# ---- the tag-list -----------------------------------------------------------------------------

NAME_RULE = "is not ALPHA *(ALPHA / DIGIT / '_')"
CHARS = (
    "only '!' to '~' but ';' in a value, and spaces, tabs or CRLF followed by a space or tab "
    "between them"
)


@pytest.mark.parametrize(
    "text",
    [
        f"p={KEY_2048};",  # the one trailing ';' of a two-part list
        f"v=DKIM1; X=1; p={KEY_2048}",  # an unknown tag named X
        f"v=DKIM1; h=sha256:X; s=email:X; p={KEY_2048}",  # one-letter words
        f"p={KEY_2048}; k=RSA",
    ],
)
def test_more_valid_tag_lists(text: str) -> None:
    key = dkim.parse_dkim_key(text)
    assert (key.errors, key.warnings) == ([], [])


def test_an_unknown_tag_is_kept() -> None:
    assert dkim.parse_dkim_key(f"v=DKIM1; X=1; p={KEY_2048}").tags == {
        "v": "DKIM1",
        "X": "1",
        "p": KEY_2048,
    }


@pytest.mark.parametrize(
    ("text", "errors", "warnings"),
    [
        (
            "",
            ["the required public key tag 'p' is missing"],
            [
                "empty tag-spec at position 1: RFC 6376 3.2 allows one ';' after the last tag "
                "only, and some verifiers discard such records"
            ],
        ),
        (f"v=DKIM1; p={KEY_2048};X", ["'X' is not a tag=value pair"], []),
        (f"v=DKIM1; p={KEY_2048}; X", ["'X' is not a tag=value pair"], []),
        # characters outside FWS around a tag or in an empty last part are not white space
        (f"v=DKIM1; p={KEY_2048};\x0b", ["'' is not a tag=value pair"], []),
        (
            f"v=DKIM1; \x0cp={KEY_2048}",
            [f"tag name '\\x0cp' {NAME_RULE}", "the required public key tag 'p' is missing"],
            [],
        ),
        (
            f"v=DKIM1; h=sha256:\x0bsha1; p={KEY_2048}",
            [
                f"h='sha256:\\x0bsha1': {CHARS}",
                "h='sha256:\\x0bsha1': '\\x0bsha1' is not a name (letters, digits, '-')",
            ],
            [],
        ),
        (
            f"v=DKIM1; s=email:\x0b*; p={KEY_2048}",
            [
                f"s='email:\\x0b*': {CHARS}",
                "s='email:\\x0b*': '\\x0b*' is not a name (letters, digits, '-')",
            ],
            [],
        ),
        (
            f"v=DKIM1; k=dsa; p={KEY_2048}",
            ["k='dsa': unknown key type, verifiers ignore the key (rsa or ed25519)"],
            [],
        ),
        (
            f"v=DKIM1; k=; p={KEY_2048}",
            ["k='': unknown key type, verifiers ignore the key (rsa or ed25519)"],
            [],
        ),
        (
            "v=DKIM1; k=ed25519; p=AAAA",  # decodes, to 3 bytes
            ["an ed25519 key is 32 bytes, this one is 3"],
            [],
        ),
        (
            "v=DKIM1; k=ed25519; p=AAAAAA",  # decodes, to 4 bytes
            ["an ed25519 key is 32 bytes, this one is 4"],
            [],
        ),
        (
            "v=DKIM1; k=ed25519; p=AAAAA",  # 4n+1 characters are never base64
            ["p='AAAAA': not base64 (A-Z a-z 0-9 + / and '=' padding)"],
            [],
        ),
    ],
)
def test_tag_list_errors_in_full(text: str, errors: list[str], warnings: list[str]) -> None:
    key = dkim.parse_dkim_key(text)
    assert ([e.message for e in key.errors], [w.message for w in key.warnings]) == (
        errors,
        warnings,
    )


@pytest.mark.parametrize(
    ("text", "is_key"),
    [
        ("v=DKIM1", True),
        ("v=DKIM1; k=rsa", True),
        ("p=", True),
        ("k=rsa; p=abc", True),
        (" p = abc", True),
        ("v=DKIM2", False),
        ("v=dkim1", False),
        ("V=DKIM1", False),
        ("P=abc", False),
        ("v=spf1 -all", False),
        ("", False),
    ],
)
def test_which_txt_records_are_meant_as_dkim_keys(text: str, is_key: bool) -> None:
    record = KeyTags()
    parse_tag_list(text, record)
    assert is_key_tags(record.tags) is is_key


def test_show_cuts_at_80_characters() -> None:
    assert dkim.show("a" * 80) == repr("a" * 80)
    assert dkim.show("a" * 81) == "'" + "a" * 80 + "…'"
    assert dkim.show("a\r\n") == "'a\\r\\n'"
