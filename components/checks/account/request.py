"""``checks account request-production``'s request: every option checked, then the
sesv2 PutAccountDetails parameters that ask AWS to take a region's account out of the sandbox.

The limits are the API model's (botocore's sesv2 ``PutAccountDetails``): ``WebsiteURL`` at most
1000 characters, ``UseCaseDescription`` at most 5000, one to four additional contact addresses of
6 to 254 characters, ``MailType`` and ``ContactLanguage`` from their enums. No Pulumi, no AWS.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..aws_api import shown
from ..smtp.inputs import parse_address

MAX_URL_CHARS = 1000
MAX_USE_CASE_CHARS = 5000
MAX_CONTACTS = 4
CONTACT_CHARS = (6, 254)


class MailType(StrEnum):
    """What the account will send (``MailType``)."""

    TRANSACTIONAL = "TRANSACTIONAL"
    MARKETING = "MARKETING"


class ContactLanguage(StrEnum):
    """The language AWS answers the request in (``ContactLanguage``)."""

    EN = "EN"
    JA = "JA"


@dataclass(frozen=True, kw_only=True)
class ProductionRequest:
    """A checked request for production access in one region."""

    region: str
    """The region whose account leaves the sandbox (production access is per region)."""
    mail_type: MailType
    """Transactional or marketing mail."""
    website_url: str
    """The sender's public web site."""
    contacts: tuple[str, ...] = ()
    """Additional addresses AWS writes to about the account (A-label domains)."""
    use_case: str | None = None
    """How the mail is sent, to whom, and how bounces and complaints are handled."""
    language: ContactLanguage | None = None
    """The language AWS answers in (AWS's default when ``None``)."""

    def api_parameters(self) -> dict[str, Any]:
        """The keyword arguments of sesv2 ``put_account_details``."""
        params: dict[str, Any] = {
            "MailType": self.mail_type.value,
            "WebsiteURL": self.website_url,
            "ProductionAccessEnabled": True,
        }
        if self.language is not None:
            params["ContactLanguage"] = self.language.value
        if self.use_case is not None:
            params["UseCaseDescription"] = self.use_case
        if self.contacts:
            params["AdditionalContactEmailAddresses"] = list(self.contacts)
        return params


def _enum_problem(option: str, value: str, allowed: Sequence[str]) -> str | None:
    if value.upper() in allowed:
        return None
    return f"{option} {shown(value, 80)}: allowed: {' or '.join(allowed)}"


def website_problem(url: str) -> str | None:
    """Why ``url`` cannot be the request's web site (``None`` when it can)."""
    if not url.isprintable() or any(c.isspace() for c in url):
        return "holds white space or a control character"
    if len(url) > MAX_URL_CHARS:
        return f"is {len(url)} characters long; at most {MAX_URL_CHARS}"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError as exc:
        return f"is not a URL ({exc})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "allowed: an http:// or https:// URL with a host, e.g. https://www.example.com"
    if parts.username is not None or parts.password is not None:
        return "holds a user name or password; give the site's public URL"
    if "." not in parts.hostname.strip("."):
        return "names no public host (a name with a dot, e.g. https://www.example.com)"
    return None


def contact_problem(text: str) -> tuple[str | None, str | None]:
    """The address to send for ``text`` (domain as A-labels), or why it cannot be one."""
    if "<" in text or ">" in text:
        return None, "give the bare address (local@domain), without a display name"
    try:
        address = parse_address(text).addr_spec
    except ValueError as error:
        return None, str(error)
    low, high = CONTACT_CHARS
    if not low <= len(address) <= high:
        return None, f"is {len(address)} characters long; allowed: {low} to {high}"
    return address, None


def use_case_problem(text: str) -> str | None:
    """Why ``text`` cannot be the use case description (``None`` when it can)."""
    if not text.strip():
        return "is empty; describe how you send, to whom, and how bounces are handled"
    if len(text) > MAX_USE_CASE_CHARS:
        return f"is {len(text)} characters long; at most {MAX_USE_CASE_CHARS}"
    bad = next((c for c in text if not (c.isprintable() or c in "\n\t")), None)
    if bad is not None:
        return f"holds the control character U+{ord(bad):04X}"
    return None


def parse_request(
    *,
    region: str,
    mail_type: str,
    website_url: str,
    contacts: Sequence[str],
    use_case: str | None,
    language: str | None,
) -> tuple[ProductionRequest | None, list[str]]:
    """The request the options describe, or every problem with them (each naming its option,
    the value shown bounded, and what is allowed). The region is checked by the caller."""
    problems: list[str] = []
    for option, value, allowed in (
        ("--mail-type", mail_type, [m.value for m in MailType]),
        ("--language", language, [c.value for c in ContactLanguage]),
    ):
        if value is not None:
            problem = _enum_problem(option, value, allowed)
            if problem:
                problems.append(problem)
    problem = website_problem(website_url)
    if problem:
        problems.append(f"--website-url {shown(website_url, 120)}: {problem}")
    addresses: list[str] = []
    for text in contacts:
        address, problem = contact_problem(text)
        if problem:
            problems.append(f"--contact {shown(text, 120)}: {problem}")
        elif address in addresses:
            problems.append(f"--contact {shown(text, 120)}: given twice")
        elif address:
            addresses.append(address)
    if len(contacts) > MAX_CONTACTS:
        problems.append(
            f"--contact given {len(contacts)} times; allowed: at most {MAX_CONTACTS} addresses"
        )
    if use_case is not None:
        problem = use_case_problem(use_case)
        if problem:
            problems.append(f"--use-case {shown(use_case, 120)}: {problem}")
    if problems:
        return None, problems
    return (
        ProductionRequest(
            region=region,
            mail_type=MailType(mail_type.upper()),
            website_url=website_url,
            contacts=tuple(addresses),
            use_case=use_case,
            language=None if language is None else ContactLanguage(language.upper()),
        ),
        [],
    )
