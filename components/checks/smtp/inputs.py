"""What ``checks smtp`` accepts from its options and inputs, checked before anything is sent.

Addresses (``--from``, ``--to``) are ``local@domain``, optionally ``Display Name <local@domain>``;
an internationalised domain becomes its A-label (UTS-46, via the pure
:func:`components.names.normalize_domain`), and a non-ASCII local part is sent only to a server
that offers SMTPUTF8. Header values (``--subject``, ``--configuration-set``, ``--list``,
``--topic``) may hold no line
break or control character, so nothing can be smuggled into the message's header. A host
(``--host``, ``SES_SMTP_HOST``, the stack outputs) is a host name or an IP address, never empty.

Every problem names its option or key, shows the value (escaped and length-bounded; secrets never)
and says what is allowed; :class:`InputError` carries all of them at once (exit status 2).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address

from ...deliverability.model import CONTACT_LIST_NAME
from ...names import (
    DOT_ATOM_TEXT,
    MAX_ADDRESS_OCTETS,
    MAX_LOCAL_PART_OCTETS,
    normalize_domain,
)
from ..exit_status import ExitStatus
from .outcome import SmtpCheckError

MAX_SHOWN = 100
"""At most this many characters of a value are shown in a message."""
MAX_SUBJECT_CHARS = 998
"""The longest ``--subject`` accepted: RFC 5322's line limit. The header is folded into lines of
at most 78 octets whatever its length; a longer subject is refused rather than sent."""
CONFIGURATION_SET_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""An SES configuration set name: 1-64 letters, digits, hyphens and underscores."""
REGION_NAME = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}")
"""The shape of an AWS region name (``eu-west-1``, ``us-gov-east-1``)."""

_LOCAL_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\x00-\x7f]")
_HOST_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")
_ANGLE_ADDRESS = re.compile(r"(?P<name>[^<>]*)<(?P<address>[^<>]*)>")


class InputError(SmtpCheckError):
    """Every usage or input problem found, each naming its option or key: exit status 2."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(ExitStatus.USAGE, "\n".join(problems))
        self.problems = tuple(problems)


def shown(value: object) -> str:
    """``value`` as a message shows it: its ``repr`` (control characters and lone surrogates
    escaped), cut to :data:`MAX_SHOWN` characters."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else f"{text[: MAX_SHOWN - 1]}…"


def printable(text: str) -> str:
    """``text`` as it is when printable, short and not empty, else as :func:`shown` shows it."""
    return text if text.isprintable() and 0 < len(text) <= MAX_SHOWN else shown(text)


def json_type(value: object) -> str:
    """The JSON type name of a value read from JSON (for type errors in the outputs)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _bad_character(text: str, *, allow_tab: bool = False) -> str | None:
    """Why ``text`` may not go into a header or an SMTP command (``None`` when it may)."""
    for char in text:
        category = unicodedata.category(char)
        if char in "\r\n" or category in ("Zl", "Zp"):
            return f"holds a line break (U+{ord(char):04X}); header lines cannot be injected"
        if category == "Cs":
            return "is not valid Unicode (it holds a lone surrogate)"
        if category == "Cc" and not (allow_tab and char == "\t"):
            return f"holds the control character U+{ord(char):04X}"
    return None


@dataclass(frozen=True, kw_only=True)
class MailAddress:
    """An address checked for sending: the domain is an A-label."""

    display_name: str
    """The display name (may be empty)."""
    local: str
    """The local part (non-ASCII only when the server offers SMTPUTF8)."""
    domain: str
    """The domain, lowercase A-labels."""

    @property
    def addr_spec(self) -> str:
        """``local@domain``: what MAIL FROM and RCPT TO carry."""
        return f"{self.local}@{self.domain}"

    @property
    def needs_smtputf8(self) -> bool:
        """True when the local part is not ASCII (RFC 6531)."""
        return not self.local.isascii()

    def header(self) -> Address:
        """The address for a From or To header."""
        return Address(display_name=self.display_name, username=self.local, domain=self.domain)


def parse_address(text: str) -> MailAddress:
    """``text`` as a :class:`MailAddress`; ``ValueError`` says what is wrong with it."""
    if not text:
        raise ValueError("is empty; give an address such as noreply@example.com")
    bad = _bad_character(text)
    if bad:
        raise ValueError(bad)
    display_name, address = "", text
    angle = _ANGLE_ADDRESS.fullmatch(text)
    if angle:
        display_name, address = angle["name"].strip(), angle["address"]
        if len(display_name) >= 2 and display_name[0] == display_name[-1] == '"':
            display_name = display_name[1:-1]
    if address.count("@") != 1:
        raise ValueError(
            "needs exactly one '@' between a local part and a domain "
            "(quoted local parts are not supported)"
        )
    local, domain = address.split("@")
    if not local:
        raise ValueError("has an empty local part")
    if len(local.encode()) > MAX_LOCAL_PART_OCTETS:
        raise ValueError(f"local part is over {MAX_LOCAL_PART_OCTETS} octets")
    if local.isascii():
        atoms_ok = DOT_ATOM_TEXT.fullmatch(local) is not None
    else:
        atoms = local.split(".")
        atoms_ok = all(atom and all(_LOCAL_ATOM.fullmatch(c) for c in atom) for atom in atoms)
        atoms_ok = atoms_ok and not any(c.isspace() for c in local)
    if not atoms_ok:
        raise ValueError(
            "local part may hold letters, digits and !#$%&'*+/=?^_`{|}~- with single inner dots"
        )
    try:
        domain = normalize_domain(domain)
    except ValueError as error:
        raise ValueError(f"domain {shown(domain)} {error}") from None
    result = MailAddress(display_name=display_name, local=local, domain=domain)
    if len(result.addr_spec.encode()) > MAX_ADDRESS_OCTETS:
        raise ValueError(f"is over {MAX_ADDRESS_OCTETS} octets")
    return result


def check_subject(text: str) -> str:
    """``text`` if it can be the Subject header; ``ValueError`` otherwise."""
    bad = _bad_character(text, allow_tab=True)
    if bad:
        raise ValueError(bad)
    if len(text) > MAX_SUBJECT_CHARS:
        raise ValueError(f"is {len(text)} characters long; at most {MAX_SUBJECT_CHARS}")
    return text


def check_configuration_set(text: str) -> str:
    """``text`` if it is an SES configuration set name; ``ValueError`` otherwise."""
    bad = _bad_character(text)
    if bad:
        raise ValueError(bad)
    if not CONFIGURATION_SET_NAME.fullmatch(text):
        raise ValueError("must be 1-64 letters, digits, hyphens and underscores")
    return text


def check_list_part(text: str) -> str:
    """``text`` if it is an SES contact list or topic name, so it can stand in
    ``X-SES-LIST-MANAGEMENT-OPTIONS`` as it is (no ``;``, ``=`` or white space to misread);
    ``ValueError`` otherwise."""
    bad = _bad_character(text)
    if bad:
        raise ValueError(bad)
    if not CONTACT_LIST_NAME.fullmatch(text):
        raise ValueError("must be 1-64 letters, digits, hyphens and underscores")
    return text


def list_management_options(contact_list: str, topic: str | None) -> str:
    """The value of ``X-SES-LIST-MANAGEMENT-OPTIONS``: ``<list>`` or ``<list>; topic=<topic>``
    (docs/deliverability.md cites the syntax). With it SES adds ``List-Unsubscribe`` and
    ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` to a message for one recipient."""
    return contact_list if topic is None else f"{contact_list}; topic={topic}"


def check_region(text: str) -> str:
    """``text`` if it has the shape of an AWS region name; ``ValueError`` otherwise."""
    if not REGION_NAME.fullmatch(text):
        raise ValueError("is not an AWS region name such as eu-west-1")
    return text


def check_host(text: str) -> str:
    """``text`` as a host to connect to (lowercase A-labels, or a bare IP address)."""
    if not text:
        raise ValueError(
            "is empty; give a host name or IP address, or leave it out to use the SES "
            "endpoint of the region"
        )
    bad = _bad_character(text)
    if bad:
        raise ValueError(bad)
    if any(char.isspace() for char in text):
        raise ValueError("holds white space")
    try:
        return str(ipaddress.ip_address(text[1:-1] if text.startswith("[") else text))
    except ValueError:
        pass
    if "://" in text or "/" in text:
        raise ValueError("looks like a URL; give the bare host name (and the port with --port)")
    if ":" in text:
        raise ValueError("holds a ':'; give the bare host name and the port with --port")
    name = text[:-1] if text.endswith(".") else text
    if not name.isascii():
        try:
            return normalize_domain(name)
        except ValueError as error:
            raise ValueError(str(error)) from None
    labels = name.split(".")
    if len(name) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ValueError(
            "is not a host name (labels of 1-63 letters, digits, hyphens, at most 253 octets) "
            "or an IP address"
        )
    return name.lower()
