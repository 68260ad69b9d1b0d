"""The grammar of SPF term arguments (RFC 7208 7.1 macro-strings and domain-specs, 5.3/5.4
dual-cidr-length), checked as written: pure, no DNS, no macro expansion.

The ABNF this module follows::

    domain-spec   = macro-string domain-end
    domain-end    = ( "." toplabel [ "." ] ) / macro-expand
    toplabel      = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
    macro-string  = *( macro-expand / macro-literal )
    macro-expand  = ( "%{" macro-letter transformers *delimiter "}" ) / "%%" / "%_" / "%-"
    macro-literal = %x21-24 / %x26-7E
    macro-letter  = "s" / "l" / "o" / "d" / "i" / "p" / "h" / "c" / "r" / "t" / "v"
    transformers  = *DIGIT [ "r" ]
    delimiter     = "." / "-" / "+" / "," / "/" / "_" / "="

ABNF strings are case-insensitive (RFC 5234 2.3), so ``%{D2R}`` is as valid as ``%{d2r}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TERM_LETTERS = frozenset("slodiphv")
"""Macro letters a record's terms may use (RFC 7208 7.2)."""
EXP_ONLY_LETTERS = frozenset("crt")
"""Macro letters allowed only in the explanation text an ``exp=`` target publishes (7.2)."""
_DELIMITERS = frozenset(".-+,/_=")
_TOPLABEL_RE = re.compile(r"(?=.*[A-Za-z-])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_MAX_LABEL = 63
_MAX_NAME = 253


@dataclass(frozen=True, kw_only=True)
class MacroString:
    """A parsed macro-string: its parts in order, each literal text or one macro-expand."""

    parts: tuple[str, ...]
    expands: frozenset[int]
    """Indexes into ``parts`` of the macro-expands (the rest are literal runs)."""

    def ends_in_expand(self) -> bool:
        return bool(self.parts) and len(self.parts) - 1 in self.expands


def parse_macro_string(text: str) -> MacroString | str:
    """``text`` split into literals and macro-expands, or a message saying what is wrong."""
    parts: list[str] = []
    expands: set[int] = set()
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "%":
            if not 0x21 <= ord(char) <= 0x7E:
                return f"character {char!r} is not allowed (visible ASCII only)"
            literal.append(char)
            i += 1
            continue
        expand = _macro_expand(text, i)
        if not expand.startswith("%"):
            return expand
        if literal:
            parts.append("".join(literal))
            literal = []
        expands.add(len(parts))
        parts.append(expand)
        i += len(expand)
    if literal:
        parts.append("".join(literal))
    return MacroString(parts=tuple(parts), expands=frozenset(expands))


def _macro_expand(text: str, start: int) -> str:
    """The macro-expand starting at ``text[start]`` (a '%'), or a message (not starting '%')."""
    after = text[start + 1 : start + 2]
    if after in ("%", "_", "-"):
        return text[start : start + 2]
    if after != "{":
        return (
            f"'%' at position {start + 1} must be followed by '{{', '%', '_' or '-' "
            "(write '%%' for a literal '%')"
        )
    end = text.find("}", start)
    if end < 0:
        return f"'{text[start : start + 12]}': '%{{' is never closed by '}}'"
    macro = text[start : end + 1]
    body = macro[2:-1]
    shown = macro if len(macro) <= 40 else macro[:36] + "...}"
    letter = body[:1].lower()
    if letter in EXP_ONLY_LETTERS:
        return (
            f"'{shown}': macro letter '{body[:1]}' is allowed only in the explanation text "
            "an exp= target publishes, not in a record (RFC 7208 7.2)"
        )
    if letter not in TERM_LETTERS:
        return f"'{shown}': unknown macro letter (allowed: s, l, o, d, i, p, h, v)"
    rest = body[1:]
    digits = len(rest) - len(rest.lstrip("0123456789"))
    if digits and not rest[:digits].strip("0"):
        return f"'{shown}': the number of parts to keep must not be zero (RFC 7208 7.3)"
    rest = rest[digits:]
    if rest[:1] in ("r", "R"):
        rest = rest[1:]
    if any(c not in _DELIMITERS for c in rest):
        return f"'{shown}': after the letter come digits, 'r', then delimiters from . - + , / _ ="
    return macro


def check_macro_string(text: str) -> str | None:
    """Why ``text`` is not an RFC 7208 macro-string (an unknown modifier's value), or None."""
    parsed = parse_macro_string(text)
    return parsed if isinstance(parsed, str) else None


@dataclass(frozen=True, kw_only=True)
class DomainSpecCheck:
    """What is wrong with a domain-spec (``error``) or questionable about it (``warning``)."""

    error: str | None = None
    warning: str | None = None


def check_domain_spec(text: str) -> DomainSpecCheck:
    """Check a domain-spec against the grammar, then (as far as macros allow) as a DNS name.

    A literal name with an empty label or a label over 63 octets is valid grammar that no DNS
    query can carry; RFC 7208 leaves the result undefined (no match or permerror), so it is
    reported as an error. A name over 253 characters is truncated on its left by receivers (7.3).
    """
    if not text:
        return DomainSpecCheck(error="the domain is empty")
    parsed = parse_macro_string(text)
    if isinstance(parsed, str):
        return DomainSpecCheck(error=parsed)
    if not parsed.ends_in_expand():
        tail = parsed.parts[-1]
        name = tail[:-1] if tail.endswith(".") else tail
        dot = name.rfind(".")
        if dot < 0 or not _TOPLABEL_RE.fullmatch(name[dot + 1 :]):
            return DomainSpecCheck(
                error="the domain must end in '.' and a top label (letters, digits and inner "
                "hyphens, not all digits), or in a macro"
            )
    # Every macro expands to something non-empty, so a placeholder keeps the labels honest.
    skeleton = "".join(
        "\x00" if index in parsed.expands else part for index, part in enumerate(parsed.parts)
    )
    labels = skeleton.removesuffix(".").split(".")
    if any(not label for label in labels):
        return DomainSpecCheck(error="the domain has an empty label ('..' or a leading '.')")
    if any(len(label) > _MAX_LABEL and "\x00" not in label for label in labels):
        return DomainSpecCheck(error=f"the domain has a label longer than {_MAX_LABEL} characters")
    if not parsed.expands and len(text.removesuffix(".")) > _MAX_NAME:
        return DomainSpecCheck(
            warning=f"the domain is longer than {_MAX_NAME} characters: receivers drop labels "
            "from its left until it fits (RFC 7208 7.3)"
        )
    return DomainSpecCheck()


def valid_cidr(text: str, maximum: int) -> bool:
    """An ip4-cidr-length or ip6-cidr-length value: no leading zero, at most ``maximum``."""
    return (
        _is_number(text)
        and len(text) <= 3
        and int(text) <= maximum
        and not (len(text) > 1 and text.startswith("0"))
    )


def split_dual_cidr(value: str) -> tuple[str, str | None, str | None]:
    """``domain/24//64`` as the domain and its ip4 and ip6 prefix lengths.

    RFC 7208 5.3/5.4: ``a = "a" [ ":" domain-spec ] [ dual-cidr-length ]``; a domain-spec may
    itself hold '/' and ':' (macro-literal), so the lengths are taken from the end.
    """
    head, v4, v6 = value, None, None
    cut = head.rfind("//")
    if cut >= 0 and _is_number(head[cut + 2 :]):
        head, v6 = head[:cut], head[cut + 2 :]
    cut = head.rfind("/")
    if cut >= 0 and _is_number(head[cut + 1 :]):
        head, v4 = head[:cut], head[cut + 1 :]
    return head, v4, v6


def _is_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes '²', which ``int`` refuses."""
    return text.isascii() and text.isdigit()
