"""Domain names and addresses, message by whole message: the octet limits (63-octet labels,
253-octet names, 64-octet local parts, 254-octet addresses), all-numeric top labels, URLs, IP
addresses, internationalised names and the look-alikes UTS #39 refuses."""

from __future__ import annotations

import pytest

from components.names import (
    ascii_look_alike,
    is_subdomain,
    normalize_address,
    normalize_domain,
)

MIXED = (
    "Such a name passes for another one (Unicode UTS #39 mixed-script confusable); write each "
    "label in one script"
)
LDH = "may hold only letters, digits and inner hyphens"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("example.com", "example.com"),
        ("EXAMPLE.Com", "example.com"),
        ("example.com.", "example.com"),
        ("mail.eu.example.com", "mail.eu.example.com"),
        ("123.example.com", "123.example.com"),
        ("a-b.c0m", "a-b.c0m"),
        ("example.xn--p1ai", "example.xn--p1ai"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("\u0441\u043e\u0441\u0430.com", "xn--80a1aib.com"),  # one script (Cyrillic) throughout
        ("क१२.com", "xn--11b8nd.com"),  # Devanagari letter and digits
        ("a" * 63 + ".com", "a" * 63 + ".com"),
        (".".join(["a" * 63] * 3) + "." + "a" * 57 + ".com", None),  # 253 octets
    ],
)
def test_names_accepted(text: str, name: str | None) -> None:
    assert normalize_domain(text) == (name or text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" example.com", "has leading or trailing white space"),
        ("example.com\n", "has leading or trailing white space"),
        ("", "is empty"),
        ("https://example.com", "looks like a URL; give the bare domain name, e.g. example.com"),
        ("example.com/path", "looks like a URL; give the bare domain name, e.g. example.com"),
        ("dmarc@example.com", "looks like an email address; give the domain part only"),
        ("192.0.2.1", "is an IP address; SES verifies domain names, not addresses"),
        ("[2001:db8::1]", "is an IP address; SES verifies domain names, not addresses"),
        ("2001:db8::1", "is an IP address; SES verifies domain names, not addresses"),
        (".", "has an empty label"),
        (".example.com", "has an empty label"),
        ("mail..example.com", "has an empty label"),
        ("example.com..", f"label '' {LDH}"),
        ("exa mple.com", "contains white space"),
        ("exa\tmple.com", "contains white space"),
        ("-mail.example.com", f"label '-mail' {LDH}"),
        ("mail-.example.com", f"label 'mail-' {LDH}"),
        ("mail_1.example.com", f"label 'mail_1' {LDH}"),
        ("a" * 64 + ".com", "label 'aaaaaaaaaaaaaaaaaaaa'... is 64 octets; at most 63"),
        (".".join(["a" * 63] * 3) + "." + "a" * 58 + ".com", "is 254 octets long; at most 253"),
        ("localhost", "needs at least two labels (a registrable domain such as example.com)"),
        ("localhost.", "needs at least two labels (a registrable domain such as example.com)"),
        ("example.123", "ends in an all-numeric label, which no top-level domain is"),
        ("mail.example.123", "ends in an all-numeric label, which no top-level domain is"),
        ("a.b.c.0", "ends in an all-numeric label, which no top-level domain is"),
        ("xn--zz.com", "label 'xn--zz' is not a valid A-label: Invalid A-label"),
        (
            "a\u200db.com",
            "is not a valid internationalised domain name: Joiner U+200D not allowed at "
            "position 2 in 'a\\u200db'",
        ),
        (
            "ex\u0430mple.com",
            "has a label 'ex\u0430mple' that mixes scripts (Latin, Cyrillic): '\u0430' U+0430 "
            f"CYRILLIC SMALL LETTER A among Latin letters. {MIXED}",
        ),
        (
            "xn--exmple-4nf.com",  # the same look-alike, given as an A-label
            "has a label 'ex\u0430mple' that mixes scripts (Latin, Cyrillic): '\u0430' U+0430 "
            f"CYRILLIC SMALL LETTER A among Latin letters. {MIXED}",
        ),
        (
            "ex\u0430mple1.com",  # digits (Common) belong to no script
            "has a label 'ex\u0430mple1' that mixes scripts (Latin, Cyrillic): '\u0430' U+0430 "
            f"CYRILLIC SMALL LETTER A among Latin letters. {MIXED}",
        ),
        (
            "ex\u0300\u0430mple.com",  # nor do combining marks (Inherited)
            "has a label 'ex\u0300\u0430mple' that mixes scripts (Latin, Cyrillic): '\u0430' "
            f"U+0430 CYRILLIC SMALL LETTER A among Latin letters. {MIXED}",
        ),
        (
            "\u0430b\u0441.com",  # the script with the most letters is the main one
            "has a label '\u0430b\u0441' that mixes scripts (Cyrillic, Latin): 'b' U+0062 "
            f"LATIN SMALL LETTER B among Cyrillic letters. {MIXED}",
        ),
        (
            "\u0440\u0430\u0443\u0440\u0430\u0456lxyzab.com",  # three of the others are shown
            "has a label '\u0440\u0430\u0443\u0440\u0430\u0456lxyzab' that mixes scripts "
            "(Cyrillic, Latin): '\u0440' U+0440 CYRILLIC SMALL LETTER ER; '\u0430' U+0430 "
            "CYRILLIC SMALL LETTER A; '\u0443' U+0443 CYRILLIC SMALL LETTER U among Latin "
            f"letters. {MIXED}",
        ),
        (
            "क१2.com",
            "has a label 'क१2' that mixes digits of different numbering systems; use one",
        ),
        (
            "e\u0301\u0301xample.com",
            # shown as UTS-46 maps it (NFC: e and the first mark become one letter)
            "has a label '\u00e9\u0301xample' that repeats a combining mark, which hides a "
            "look-alike",
        ),
    ],
)
def test_names_refused_with_whole_messages(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        normalize_domain(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("name", "look_alike"),
    [
        ("xn--80ak6aa92e.com", "appie.com"),  # Cyrillic letters that read as "appie"
        ("xn--80ak6aa92e.xn--80ak6aa92e", "appie.appie"),
        ("mail.xn--80ak6aa92e.com", "mail.appie.com"),
        ("example.com", None),
        ("xn--bcher-kva.example", None),  # 'ü' has no ASCII skeleton
    ],
)
def test_ascii_look_alike(name: str, look_alike: str | None) -> None:
    assert ascii_look_alike(name) == look_alike


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("dmarc@Example.COM", "dmarc@example.com"),
        ("First.Last+tag@example.com", "First.Last+tag@example.com"),
        ("!#$%&'*+/=?^_`{|}~-@example.com", "!#$%&'*+/=?^_`{|}~-@example.com"),
        ("a@bücher.example", "a@xn--bcher-kva.example"),
        ("l" * 64 + "@example.com", "l" * 64 + "@example.com"),
        ("l" * 64 + "@" + "d" * 63 + "." + "d" * 63 + "." + "d" * 57 + ".com", None),  # 254
    ],
)
def test_addresses_accepted(text: str, address: str | None) -> None:
    assert normalize_address(text) == (address or text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("example.com", "needs exactly one '@' between a local part and a domain"),
        ("a@b@example.com", "needs exactly one '@' between a local part and a domain"),
        ("@example.com", "has an empty local part"),
        ("l" * 65 + "@example.com", "local part is over 64 octets"),
        (
            "a..b@example.com",
            "local part may hold letters, digits and !#$%&'*+/=?^_`{|}~- with single inner dots",
        ),
        (
            ".a@example.com",
            "local part may hold letters, digits and !#$%&'*+/=?^_`{|}~- with single inner dots",
        ),
        (
            '"a b"@example.com',
            "local part may hold letters, digits and !#$%&'*+/=?^_`{|}~- with single inner dots",
        ),
        (
            "ü@example.com",
            "local part may hold letters, digits and !#$%&'*+/=?^_`{|}~- with single inner dots",
        ),
        ("a@example.123", "ends in an all-numeric label, which no top-level domain is"),
        ("a@exa mple.com", "contains white space"),
        (
            "l" * 64 + "@" + "d" * 63 + "." + "d" * 63 + "." + "d" * 58 + ".com",
            "is over 254 octets",
        ),
    ],
)
def test_addresses_refused_with_whole_messages(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        normalize_address(text)
    assert str(raised.value) == message


def test_a_local_part_is_measured_in_octets() -> None:
    # 33 two-octet characters are 66 octets: over the limit; 32 are 64 octets: within it, and
    # then refused for not being a dot-atom
    assert _refusal("é" * 33 + "@example.com") == "local part is over 64 octets"
    assert _refusal("é" * 32 + "@example.com") == (
        "local part may hold letters, digits and !#$%&'*+/=?^_`{|}~- with single inner dots"
    )


def _refusal(text: str) -> str:
    with pytest.raises(ValueError) as raised:
        normalize_address(text)
    return str(raised.value)


@pytest.mark.parametrize(
    ("name", "parent", "below"),
    [
        ("mail.example.com", "example.com", True),
        ("a.b.example.com", "example.com", True),
        ("example.com", "example.com", False),
        ("badexample.com", "example.com", False),
        ("example.com", "mail.example.com", False),
    ],
)
def test_is_subdomain(name: str, parent: str, below: bool) -> None:
    assert is_subdomain(name, parent) is below
