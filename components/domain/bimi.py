"""A domain's ``bimi`` settings: parsing, the DMARC enforcement BIMI needs, the record's value.

BIMI (draft-brand-indicators-for-message-identification) lets mail clients show a brand's logo
beside mail that passes DMARC, but only for domains whose DMARC policy is at enforcement: the
draft and the receivers that show logos (Gmail, Yahoo, Apple) ask for ``p=quarantine`` or
``p=reject`` applied to all mail (no ``pct`` below 100) and no ``sp=none``. Pure: no Pulumi.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..names import normalize_domain
from ..validation import Fields, Problems
from .model import DEFAULT_BIMI_SELECTOR, BimiConfig, DmarcConfig, DmarcPolicy

MAX_URL_LENGTH = 2048
"""Longest logo or certificate URL accepted: the length browsers and HTTP clients reliably take
(the record itself is split into 255-octet strings, as every TXT record here is)."""
_SELECTOR = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_URL_FORBIDDEN = re.compile(r"[\s;,\"\\]")
"""Characters that would end or split a tag in the record's tag-list, or need quoting in DNS."""
ENFORCED = (DmarcPolicy.QUARANTINE, DmarcPolicy.REJECT)


def _check_url(fields: Fields, key: str, file: str, what: str, problems: Problems) -> None:
    """Every problem of the URL at ``key``: https, a host, a path ending like ``file``."""
    url = fields.raw(key)
    if not isinstance(url, str):
        return
    extension = file[file.rindex(".") :]
    example = (
        f"must be an https URL of the {what} ending in {extension}, such as "
        f"https://brand.example.com/bimi/{file}"
    )
    if len(url) > MAX_URL_LENGTH:
        problems.add(fields.key_path(key), url, f"{example}; at most {MAX_URL_LENGTH} characters")
        return
    if (bad := _URL_FORBIDDEN.search(url)) is not None:
        problems.add(
            fields.key_path(key),
            url,
            f"{example}; it contains {bad.group()!r}, which the record's tag-list cannot hold "
            "(percent-encode it)",
        )
        return
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unclosed IPv6 literal: "https://[..."
        problems.add(fields.key_path(key), url, f"{example}; it is no URL ({error})")
        return
    why: str | None = None
    if parts.scheme.lower() != "https":
        why = f"has the scheme {parts.scheme or '(none)'!r}: receivers fetch only over https"
    elif not parts.hostname or parts.username is not None or parts.password is not None:
        why = "has no host name (or user information, which is not allowed)"
    elif not parts.path.lower().endswith(extension):
        why = f"has a path that does not end in {extension}"
    elif parts.query or parts.fragment:
        why = "has a query or fragment, which receivers do not use"
    else:
        try:
            normalize_domain(parts.hostname)
        except ValueError as error:
            why = f"has the host {parts.hostname!r}, which {error}"
    if why is not None:
        problems.add(fields.key_path(key), url, f"{example}; it {why}")


def _check_enforcement(dmarc: DmarcConfig, dmarc_path: str, problems: Problems) -> None:
    """BIMI needs DMARC at enforcement: each setting that keeps it from it, named by key."""
    if not dmarc.enabled:
        return  # managed elsewhere: checks verify asks DNS (bimi_dmarc_not_enforced)
    needs = "BIMI (bimi.logoUrl) needs DMARC at enforcement"
    if dmarc.policy not in ENFORCED:
        problems.add(
            f"{dmarc_path}.policy",
            dmarc.policy.value,
            f"must be quarantine or reject: {needs}; receivers show no logo under p=none",
        )
    if dmarc.pct < 100:
        problems.add(
            f"{dmarc_path}.pct",
            dmarc.pct,
            f"must be 100 (or left out): {needs} applied to all mail",
        )
    if dmarc.subdomain_policy is DmarcPolicy.NONE:
        problems.add(
            f"{dmarc_path}.subdomainPolicy",
            dmarc.subdomain_policy.value,
            f"must be quarantine or reject (or left out to follow policy): {needs}, and "
            "sp=none leaves the domain's subdomains open to spoofing",
        )


def parse_bimi(
    fields: Fields | None, dmarc: DmarcConfig, dmarc_path: str, problems: Problems
) -> BimiConfig | None:
    """A domain's ``bimi`` object (``None`` when absent or unusable), every problem added:
    the URLs, the selector, and the domain's DMARC settings (at ``dmarc_path``) BIMI needs."""
    if fields is None:
        return None
    logo = fields.string("logoUrl", required=True)
    authority = fields.string("authorityUrl")
    selector = fields.string("selector", DEFAULT_BIMI_SELECTOR) or DEFAULT_BIMI_SELECTOR
    fields.finish()
    before = len(problems)
    _check_url(fields, "logoUrl", "logo.svg", "brand logo (SVG Tiny PS)", problems)
    _check_url(fields, "authorityUrl", "vmc.pem", "mark certificate (VMC or CMC)", problems)
    if not _SELECTOR.match(selector):
        problems.add(
            fields.key_path("selector"),
            selector,
            "must be one DNS label: lowercase letters, digits and inner hyphens, at most 63 "
            "characters (default: default)",
        )
    _check_enforcement(dmarc, dmarc_path, problems)
    if logo is None or len(problems) > before:
        return None
    return BimiConfig(logo, authority, selector)


def bimi_name(domain: str, bimi: BimiConfig) -> str:
    """Where the assertion record lives."""
    return f"{bimi.selector}._bimi.{domain}"


def bimi_value(bimi: BimiConfig) -> str:
    """The assertion record: ``v=BIMI1; l=<logo>; a=<certificate or empty>``."""
    return f"v=BIMI1; l={bimi.logo_url}; a={bimi.authority_url or ''}"
