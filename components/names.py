"""Domain names and email addresses: normalising and rejecting what SES and DNS would not take.

Pure functions with no Pulumi import. Each raises ``ValueError`` with a message that says what is
wrong; the config parser pairs it with the key and the value.
"""

from __future__ import annotations

import ipaddress
import re

import idna

MAX_NAME_OCTETS = 253
MAX_LABEL_OCTETS = 63
MAX_LOCAL_PART_OCTETS = 64
MAX_ADDRESS_OCTETS = 254

_LDH_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
DOT_ATOM_TEXT = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
)
"""An RFC 5321 dot-atom local part (unquoted)."""


def normalize_domain(text: str) -> str:
    """Return ``text`` as a lowercase, A-label, dot-free-at-the-end domain name.

    Uppercase and one trailing dot are normalised; internationalised names become A-labels
    (``bücher.example`` -> ``xn--bcher-kva.example``). URLs, IP addresses, email addresses,
    over-long labels or names, and characters outside letters, digits and hyphens are rejected.
    """
    name = text.strip()
    if name != text:
        raise ValueError("has leading or trailing white space")
    if not name:
        raise ValueError("is empty")
    if "://" in name or "/" in name:
        raise ValueError("looks like a URL; give the bare domain name, e.g. example.com")
    if "@" in name:
        raise ValueError("looks like an email address; give the domain part only")
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        pass
    else:
        raise ValueError("is an IP address; SES verifies domain names, not addresses")
    if name.endswith("."):
        name = name[:-1]
    if not name or name.startswith(".") or ".." in name:
        raise ValueError("has an empty label")
    if any(char.isspace() for char in name):
        raise ValueError("contains white space")
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            raise ValueError(f"is not a valid internationalised domain name: {error}") from None
    name = name.lower()
    labels = name.split(".")
    for label in labels:
        if len(label) > MAX_LABEL_OCTETS:
            raise ValueError(
                f"label {label[:20]!r}... is {len(label)} octets; at most {MAX_LABEL_OCTETS}"
            )
        if not _LDH_LABEL.match(label):
            raise ValueError(f"label {label!r} may hold only letters, digits and inner hyphens")
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except idna.IDNAError as error:
                raise ValueError(f"label {label!r} is not a valid A-label: {error}") from None
    if len(name) > MAX_NAME_OCTETS:
        raise ValueError(f"is {len(name)} octets long; at most {MAX_NAME_OCTETS}")
    if len(labels) < 2:
        raise ValueError("needs at least two labels (a registrable domain such as example.com)")
    if labels[-1].isdigit():
        raise ValueError("ends in an all-numeric label, which no top-level domain is")
    return name


def normalize_address(text: str) -> str:
    """Return an email address with its domain normalised by :func:`normalize_domain`.

    The local part must be an RFC 5321 dot-atom of at most 64 octets; quoted local parts are
    refused because SES identities and IAM ``ses:FromAddress`` patterns do not handle them well.
    """
    if text.count("@") != 1:
        raise ValueError("needs exactly one '@' between a local part and a domain")
    local, domain = text.split("@")
    if not local:
        raise ValueError("has an empty local part")
    if len(local.encode()) > MAX_LOCAL_PART_OCTETS:
        raise ValueError(f"local part is over {MAX_LOCAL_PART_OCTETS} octets")
    if not DOT_ATOM_TEXT.match(local):
        raise ValueError(
            "local part may hold letters, digits and !#$%&'*+/=?^_`{|}~- with single inner dots"
        )
    address = f"{local}@{normalize_domain(domain)}"
    if len(address) > MAX_ADDRESS_OCTETS:
        raise ValueError(f"is over {MAX_ADDRESS_OCTETS} octets")
    return address


def is_subdomain(name: str, parent: str) -> bool:
    """True when ``name`` lies strictly below ``parent`` (both normalised)."""
    return name.endswith("." + parent)
