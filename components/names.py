"""Domain names and email addresses: normalising and rejecting what SES and DNS would not take.

Pure functions with no Pulumi import. Each raises ``ValueError`` with a message that says what is
wrong; the config parser pairs it with the key and the value.
"""

from __future__ import annotations

import functools
import importlib
import ipaddress
import re
import unicodedata
from typing import Any

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
    over-long labels or names, characters outside letters, digits and hyphens, and labels that
    mix scripts as look-alikes do (``ex\\u0430mple``, a Cyrillic ``a`` among Latin letters,
    given as Unicode or as an A-label) are rejected.
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
                unicode_label = idna.decode(label)
            except idna.IDNAError as error:
                raise ValueError(f"label {label!r} is not a valid A-label: {error}") from None
            if (problem := _look_alike_problem(unicode_label)) is not None:
                raise ValueError(problem)
    if len(name) > MAX_NAME_OCTETS:
        raise ValueError(f"is {len(name)} octets long; at most {MAX_NAME_OCTETS}")
    if len(labels) < 2:
        raise ValueError("needs at least two labels (a registrable domain such as example.com)")
    if labels[-1].isdigit():
        raise ValueError("ends in an all-numeric label, which no top-level domain is")
    return name


@functools.cache
def _spoof_checker() -> Any:
    """ICU's UTS #39 checker: moderately restrictive (one script, or Latin with one other
    script that is not Cyrillic, Greek or Cherokee; Han with kana or Hangul counts as one), one
    numbering system, no repeated combining mark."""
    icu: Any = importlib.import_module("icu")
    checker = icu.SpoofChecker()
    checker.setRestrictionLevel(icu.URestrictionLevel.MODERATELY_RESTRICTIVE)
    checks = icu.USpoofChecks
    checker.setChecks(checks.RESTRICTION_LEVEL | checks.MIXED_NUMBERS | checks.INVISIBLE)
    return checker


def _described(char: str) -> str:
    return f"{char!r} U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"


def _look_alike_problem(label: str) -> str | None:
    """Why a Unicode label could pass for another name (``None`` when it could not): it mixes
    scripts the way look-alikes do (``ex\\u0430mple``, a Cyrillic ``a`` among Latin letters),
    or digits of two numbering systems, or repeats a combining mark. Unicode UTS #39 rules, as
    ICU implements them."""
    failed = int(_spoof_checker().check(label))
    if not failed:
        return None
    icu: Any = importlib.import_module("icu")
    if failed & int(icu.USpoofChecks.RESTRICTION_LEVEL):
        by_script: dict[str, list[str]] = {}
        for char in dict.fromkeys(label):
            script = str(icu.Script.getScript(ord(char)).getName())
            if script not in ("Common", "Inherited"):
                by_script.setdefault(script, []).append(char)
        main = max(by_script, key=lambda script: len(by_script[script]))
        others = [char for script, chars in by_script.items() if script != main for char in chars]
        return (
            f"has a label {label!r} that mixes scripts ({', '.join(by_script)}): "
            f"{'; '.join(_described(char) for char in others[:3])} among {main} letters. Such "
            "a name passes for another one (Unicode UTS #39 mixed-script confusable); write "
            "each label in one script"
        )
    if failed & int(icu.USpoofChecks.MIXED_NUMBERS):
        return f"has a label {label!r} that mixes digits of different numbering systems; use one"
    return f"has a label {label!r} that repeats a combining mark, which hides a look-alike"


def ascii_look_alike(name: str) -> str | None:
    """The ASCII name a normalised internationalised ``name`` can pass for, by UTS #39's
    confusable skeletons (``coco.com`` written in Cyrillic letters -> ``coco.com``), or ``None``."""
    labels = name.split(".")
    if not any(label.startswith("xn--") for label in labels):
        return None
    checker = _spoof_checker()
    skeletons = [
        str(checker.getSkeleton(0, idna.decode(label))) if label.startswith("xn--") else label
        for label in labels
    ]
    look_alike = ".".join(skeletons)
    return look_alike if look_alike.isascii() else None


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
