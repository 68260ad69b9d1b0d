"""DKIM key records' tag-list (RFC 6376 3.2) and tag values (3.6.1, RFC 8301, RFC 8463) (pure).

Never raises. Each error carries a kind (``DkimProblem``), which decides its finding code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

KEY_TAGS = frozenset({"v", "h", "k", "n", "p", "s", "t"})
KEY_TYPES = ("rsa", "ed25519")  # RFC 6376 3.6.1, RFC 8463
NOT_BASE64 = "not base64 (A-Z a-z 0-9 + / and '=' padding)"
_SHOW = 80
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # ALPHA *ALNUMPUNC
_WORD = re.compile(r"[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?")  # hyphenated-word
_FWS = re.compile(r"(?:[ \t]|\r\n[ \t])+")  # 1*(WSP / FWS), FWS = [*WSP CRLF] 1*WSP
_SPACE = re.compile(r"[ \t\r\n]+")
_VALCHARS = re.compile(r"[\x21-\x3a\x3c-\x7e]+")  # VALCHAR: '!' to '~' but ';'
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


class DkimProblem(Enum):
    """What kind of error a DKIM key record has, which decides its finding code."""

    INVALID = "invalid"
    """Malformed, or no key a verifier can use: ``dkim_key_invalid``."""
    REVOKED = "revoked"
    """An empty ``p=``: ``dkim_key_revoked``."""
    WEAK = "weak"
    """An RSA key under 1024 bits: ``dkim_key_weak``."""


@dataclass(frozen=True, kw_only=True)
class DkimError:
    """One error in a DKIM key record: its kind and what to tell the user."""

    kind: DkimProblem
    message: str


class DkimCaution(Enum):
    """What kind of warning a DKIM key record has, which decides its finding code."""

    SIZE = "size"
    """An RSA key under the recommended 2048 bits: ``dkim_key_short``."""
    TESTING = "testing"
    """``t=y``: ``dkim_key_short`` on an RSA key of known size, else ``dkim_key_warning``."""
    RECORD = "record"
    """A tag-list oddity verifiers may tolerate: ``dkim_key_warning``."""


@dataclass(frozen=True, kw_only=True)
class DkimWarning:
    """One warning about a DKIM key record: its kind and what to tell the user."""

    kind: DkimCaution
    message: str


@dataclass(kw_only=True)
class KeyTags:
    """A key record's tags, and what is wrong with its tag-list and tag values."""

    tags: dict[str, str] = field(default_factory=dict[str, str])
    errors: list[DkimError] = field(default_factory=list[DkimError])
    warnings: list[DkimWarning] = field(default_factory=list[DkimWarning])
    key_type: str = "rsa"
    key_data: str | None = None  # p= without its FWS; None when p= is absent, bad or empty

    def add(self, message: str, kind: DkimProblem = DkimProblem.INVALID) -> None:
        """Record an error of ``kind``."""
        self.errors.append(DkimError(kind=kind, message=message))

    def warn(self, message: str, kind: DkimCaution = DkimCaution.RECORD) -> None:
        """Record a warning of ``kind``."""
        self.warnings.append(DkimWarning(kind=kind, message=message))


def show(text: str) -> str:
    """``text`` quoted for a message: control characters escaped, cut to 80 characters."""
    cut = text[:_SHOW]
    return repr(cut)[:-1] + "…" + repr(cut)[-1] if len(text) > _SHOW else repr(cut)


def _strip_fws(text: str) -> tuple[str, bool]:
    """``text`` without surrounding whitespace, and whether that whitespace was FWS."""
    inner = text.strip(" \t\r\n")
    if len(inner) == len(text):
        return text, True  # nothing around it (the usual case)
    start = len(text) - len(text.lstrip(" \t\r\n"))
    around = [text[:start], text[start + len(inner) :]]
    return inner, all(not w or _FWS.fullmatch(w) for w in around)


def _value_ok(value: str) -> bool:
    """tag-value = [ tval *( 1*(WSP / FWS) tval ) ]: VALCHARs, separated by FWS only."""
    if not value or _VALCHARS.fullmatch(value):
        return True  # empty, or one word (the usual case)
    runs = _SPACE.findall(value)
    words = _SPACE.split(value)
    return all(_FWS.fullmatch(r) for r in runs) and all(_VALCHARS.fullmatch(w) for w in words)


def parse_tag_list(text: str, record: KeyTags) -> None:
    """RFC 6376 3.2: ``tag-spec *( ";" tag-spec ) [ ";" ]``, into ``record.tags``."""
    parts = text.split(";")
    if len(parts) > 1 and not parts[-1].strip(" \t\r\n"):
        parts.pop()  # the one trailing ';' (and FWS after it)
    for index, part in enumerate(parts):
        if not part.strip(" \t\r\n"):
            record.warn(
                f"empty tag-spec at position {index + 1}: RFC 6376 3.2 allows one ';' after "
                "the last tag only, and some verifiers discard such records"
            )
            continue
        raw_name, eq, raw_value = part.partition("=")
        name, name_fws = _strip_fws(raw_name)
        value, value_fws = _strip_fws(raw_value)
        if not eq:
            record.add(f"{show(part.strip())} is not a tag=value pair")
            continue
        if not _TAG_NAME.fullmatch(name):
            record.add(f"tag name {show(name)} is not ALPHA *(ALPHA / DIGIT / '_')")
            continue
        if not (name_fws and value_fws and _value_ok(value)):
            record.add(
                f"{name}={show(value)}: only '!' to '~' but ';' in a value, and spaces, tabs "
                "or CRLF followed by a space or tab between them"
            )
        if name in record.tags:
            record.add(f"tag '{name}' appears more than once: verifiers discard the record")
            continue
        if name == "v" and index != 0:
            record.add("'v=' must be the first tag")
        if name not in KEY_TAGS and name.lower() in KEY_TAGS:
            record.warn(
                f"tag '{name}' is ignored: tag names are case-sensitive (did you mean "
                f"'{name.lower()}'?)"
            )
        record.tags[name] = value


def is_key_tags(tags: dict[str, str]) -> bool:
    """Whether a TXT record with these tags (read through the tag-list grammar, so ``p = ...``
    with FWS around '=' counts too) is meant as a DKIM key: a ``p`` tag or ``v=DKIM1``."""
    return "p" in tags or tags.get("v") == "DKIM1"


def _words(tag: str, value: str, record: KeyTags) -> list[str] | None:
    """A colon-separated list of hyphenated words (h=, s=, t=), lower-cased; None if malformed."""
    items = [item.strip(" \t\r\n") for item in value.split(":")]
    bad = [i for i in items if not (_WORD.fullmatch(i) or (tag == "s" and i == "*"))]
    if bad:
        record.add(f"{tag}={show(value)}: {show(bad[0])} is not a name (letters, digits, '-')")
        return None
    return [item.lower() for item in items]


def check_tag_values(record: KeyTags) -> None:
    """The values of v, k, h, s, t and p (RFC 6376 3.6.1, RFC 8301, RFC 8463)."""
    tags = record.tags
    if "v" in tags and tags["v"] != "DKIM1":
        record.add(f"v={show(tags['v'])}: must be exactly 'DKIM1'; verifiers discard the record")
    record.key_type = tags["k"].lower() if "k" in tags else "rsa"
    if record.key_type not in KEY_TYPES:
        record.add(
            f"k={show(tags['k'])}: unknown key type, verifiers ignore the key (rsa or ed25519)"
        )
    hashes = _words("h", tags["h"], record) if "h" in tags else None
    if hashes is not None and "sha256" not in hashes:
        why = (
            "only sha1, which RFC 8301 verifiers refuse"
            if "sha1" in hashes
            else "none of sha1, sha256: verifiers ignore unknown algorithms"
        )
        record.add(f"h={show(tags['h'])}: lists {why}; the key is unusable (add sha256)")
    services = _words("s", tags["s"], record) if "s" in tags else None
    if services is not None and not {"*", "email"} & set(services):
        record.add(f"s={show(tags['s'])}: lists neither 'email' nor '*': not a key for email")
    flags = _words("t", tags["t"], record) if "t" in tags else None
    if flags is not None and "y" in flags:
        record.warn("t=y: the domain is in DKIM testing mode", DkimCaution.TESTING)
    _check_p(record)


def _check_p(record: KeyTags) -> None:
    if "p" not in record.tags:
        record.add("the required public key tag 'p' is missing")
        return
    data = _SPACE.sub("", record.tags["p"])
    if not data:
        record.add("the key is revoked (empty p=)", DkimProblem.REVOKED)
    elif not _BASE64.fullmatch(data) or len(data) % 4 == 1:
        record.add(f"p={show(data)}: {NOT_BASE64}")
    else:
        record.key_data = data
