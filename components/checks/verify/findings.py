"""What the checks find: finding codes, findings, and the per-domain result they belong to.

The codes are part of the JSON contract (``schemas/checks_report.schema.json``, the table in
``docs/checks.md``): their string values never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from ..dns.client import Family, Server
from .expected import Expected

Severity = Literal["error", "warning"]

_ERROR: tuple[Severity, ...] = ("error",)
_WARNING: tuple[Severity, ...] = ("warning",)
_PENDING_OR_ERROR: tuple[Severity, ...] = ("error", "warning")


class FindingCode(StrEnum):
    """A finding's code: each member's value is the string in the JSON output.

    Each member also carries the severities it is reported with and its meaning (the member's
    docstring), which the code table in ``docs/checks.md`` lists.
    """

    severities: tuple[Severity, ...]

    def __new__(cls, value: str, severities: tuple[Severity, ...], doc: str) -> FindingCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.severities = severities
        member.__doc__ = doc
        return member

    # Enum hashes the member's name: hash the value, as equality does (a member == its string).
    __hash__ = str.__hash__

    RECORD_MISSING = (
        "record_missing",
        _ERROR,
        "An expected record is not published on a server (the name may not exist at all).",
    )
    RECORD_WRONG = (
        "record_wrong",
        _ERROR,
        "An expected record is published with a different value.",
    )
    CNAME_CONFLICT = (
        "cname_conflict",
        _ERROR,
        "The name holds a CNAME, so the expected TXT or MX record cannot live there.",
    )
    MX_WRONG_HOST = (
        "mx_wrong_host",
        _ERROR,
        "The MAIL FROM MX record points to another host.",
    )
    MX_WRONG_PRIORITY = (
        "mx_wrong_priority",
        _ERROR,
        "The MAIL FROM MX host is published with another priority.",
    )
    MX_EXTRA = (
        "mx_extra",
        _WARNING,
        "Other MX records beside the expected one: bounces may not reach SES.",
    )
    SPF_MULTIPLE = (
        "spf_multiple",
        _ERROR,
        "More than one SPF record at the name: receivers treat it as a permanent error.",
    )
    SPF_SYNTAX = (
        "spf_syntax",
        _ERROR,
        "The published SPF record has a syntax error.",
    )
    SPF_TOO_MANY_LOOKUPS = (
        "spf_too_many_lookups",
        _ERROR,
        "More than 10 DNS-lookup terms across the SPF include/redirect tree.",
    )
    SPF_TOO_MANY_MX = (
        "spf_too_many_mx",
        _ERROR,
        "An SPF 'mx' target has more than 10 MX records: the mechanism is a permanent error.",
    )
    SPF_VOID_LOOKUPS = (
        "spf_void_lookups",
        _ERROR,
        "More than 2 SPF lookups of names with no answer.",
    )
    SPF_INCLUDE_ERROR = (
        "spf_include_error",
        _ERROR,
        "An included or redirected SPF record is absent, duplicated or malformed.",
    )
    SPF_NO_AMAZONSES = (
        "spf_no_amazonses",
        _ERROR,
        "The SPF tree does not include amazonses.com: mail sent through SES fails SPF.",
    )
    SPF_ALLOWS_ALL = (
        "spf_allows_all",
        _ERROR,
        "The SPF record is valid but ends in '+all' (or bare 'all'): any host may send.",
    )
    SPF_WARNING = (
        "spf_warning",
        _WARNING,
        "Something in the SPF record or its tree is valid but questionable.",
    )
    DMARC_MULTIPLE = (
        "dmarc_multiple",
        _ERROR,
        "More than one DMARC record at the name: receivers apply no policy at all.",
    )
    DMARC_SYNTAX = (
        "dmarc_syntax",
        _ERROR,
        "The published DMARC record has a syntax error.",
    )
    DMARC_NO_POLICY = (
        "dmarc_no_policy",
        _ERROR,
        "The published DMARC record has no valid 'p' tag.",
    )
    DMARC_WARNING = (
        "dmarc_warning",
        _WARNING,
        "Something in the DMARC record is valid but questionable.",
    )
    DMARC_OBSOLETE_TAG = (
        "dmarc_obsolete_tag",
        _WARNING,
        "The DMARC record uses a tag RFC 9989 removed (pct, rf, ri): its receivers ignore it.",
    )
    DMARC_RUA_UNAUTHORISED = (
        "dmarc_rua_unauthorised",
        _WARNING,
        "A report destination in another domain does not authorise the reports.",
    )
    BIMI_MULTIPLE = (
        "bimi_multiple",
        _ERROR,
        "More than one BIMI record at the name: receivers use none of them.",
    )
    BIMI_SYNTAX = (
        "bimi_syntax",
        _ERROR,
        "The published BIMI record is malformed (no 'v=BIMI1' first, a bad or repeated tag).",
    )
    BIMI_LOGO_INVALID = (
        "bimi_logo_invalid",
        _ERROR,
        "The BIMI record's 'l=' is not an https URL of an SVG logo.",
    )
    BIMI_AUTHORITY_INVALID = (
        "bimi_authority_invalid",
        _ERROR,
        "The BIMI record's 'a=' is not an https URL of a PEM mark certificate.",
    )
    BIMI_DMARC_NOT_ENFORCED = (
        "bimi_dmarc_not_enforced",
        _ERROR,
        "DMARC is not at enforcement for the domain or its organizational domain: no logo.",
    )
    TRACKING_CNAME_MISSING = (
        "tracking_cname_missing",
        _ERROR,
        "The custom tracking domain has no CNAME: open and click links do not resolve.",
    )
    TRACKING_CNAME_WRONG = (
        "tracking_cname_wrong",
        _ERROR,
        "The custom tracking domain's CNAME points elsewhere than SES's tracking endpoint.",
    )
    POSTMASTER_VERIFICATION_MISSING = (
        "postmaster_verification_missing",
        _ERROR,
        "No Google Postmaster Tools verification TXT at the domain: Postmaster Tools shows "
        "nothing.",
    )
    POSTMASTER_VERIFICATION_WRONG = (
        "postmaster_verification_wrong",
        _ERROR,
        "The domain publishes other google-site-verification tokens, but not the stack's.",
    )
    DKIM_KEY_MISSING = (
        "dkim_key_missing",
        _ERROR,
        "No DKIM key record at the target of a DKIM CNAME.",
    )
    DKIM_KEY_REVOKED = (
        "dkim_key_revoked",
        _ERROR,
        "The DKIM key is revoked (empty 'p=').",
    )
    DKIM_KEY_WEAK = (
        "dkim_key_weak",
        _ERROR,
        "The DKIM RSA key is shorter than 1024 bits: verifiers reject it.",
    )
    DKIM_KEY_INVALID = (
        "dkim_key_invalid",
        _ERROR,
        "The DKIM key record is malformed or holds no usable key.",
    )
    DKIM_KEY_SHORT = (
        "dkim_key_short",
        _WARNING,
        "A warning about an RSA DKIM key: under the recommended 2048 bits, or 't=y' on it.",
    )
    DKIM_KEY_WARNING = (
        "dkim_key_warning",
        _WARNING,
        "Any other warning about a DKIM key record: a tag-list oddity verifiers may not "
        "tolerate, or 't=y' on a key with no RSA size (ed25519).",
    )
    SERIAL_BEHIND = (
        "serial_behind",
        _WARNING,
        "A server serves an older SOA serial than another: the latest zone has not reached it.",
    )
    NOT_AUTHORITATIVE = (
        "not_authoritative",
        _ERROR,
        "A server answers without authority for the zone (lame delegation).",
    )
    NO_NAMESERVERS = (
        "no_nameservers",
        _ERROR,
        "The resolver finds no zone or NS set for the domain.",
    )
    COULD_NOT_CHECK = (
        "could_not_check",
        _ERROR,
        "A server, resolver or the SES API did not answer: never 'missing', exit status 3.",
    )
    SERVER_UNREACHABLE_IPV4 = (
        "server_unreachable_ipv4",
        _ERROR,
        "A nameserver answers over IPv6 but not at its IPv4 address: could not check that "
        "address, exit status 3.",
    )
    SERVER_UNREACHABLE_IPV6 = (
        "server_unreachable_ipv6",
        _ERROR,
        "A nameserver answers over IPv4 but not at its IPv6 address: could not check that "
        "address, exit status 3.",
    )
    SES_IDENTITY_MISSING = (
        "ses_identity_missing",
        _ERROR,
        "SES has no identity for the domain in its region.",
    )
    SES_IDENTITY_STATUS = (
        "ses_identity_status",
        _PENDING_OR_ERROR,
        "SES has not verified the identity (a warning while still pending).",
    )
    SES_DKIM_STATUS = (
        "ses_dkim_status",
        _PENDING_OR_ERROR,
        "SES has not verified DKIM (a warning while still pending).",
    )
    SES_MAIL_FROM_STATUS = (
        "ses_mail_from_status",
        _PENDING_OR_ERROR,
        "SES has not verified the MAIL FROM domain (a warning while still pending).",
    )
    SES_DKIM_TARGET = (
        "ses_dkim_target",
        _ERROR,
        "The DKIM CNAMEs point elsewhere than SES's own SigningHostedZone, or their selectors "
        "are not SES's tokens.",
    )
    SES_MAIL_FROM_NOT_SET = (
        "ses_mail_from_not_set",
        _ERROR,
        "The records include a MAIL FROM domain but SES has none configured.",
    )
    SES_ENDPOINT_MISSING = (
        "ses_endpoint_missing",
        _ERROR,
        "SES has no global endpoint of the stack's name in its primary region.",
    )
    SES_ENDPOINT_STATUS = (
        "ses_endpoint_status",
        _PENDING_OR_ERROR,
        "The global endpoint is not READY (a warning while SES is still creating it).",
    )
    SES_ENDPOINT_ROUTES = (
        "ses_endpoint_routes",
        _ERROR,
        "The global endpoint routes to other regions than the stack declared.",
    )
    SES_SANDBOX = (
        "ses_sandbox",
        _WARNING,
        "The SES account is in the sandbox: only verified recipients.",
    )
    SES_SENDING_DISABLED = (
        "ses_sending_disabled",
        _ERROR,
        "Sending is disabled for the SES account.",
    )
    SES_PROBATION = (
        "ses_probation",
        _WARNING,
        "The SES account is under review (probation).",
    )
    SES_SHUTDOWN = (
        "ses_shutdown",
        _ERROR,
        "Sending is shut down for the SES account.",
    )


@dataclass
class Finding:
    """One problem found (or one thing that could not be checked) about a name."""

    severity: Severity
    code: FindingCode
    name: str
    message: str
    nameserver: str | None = None
    fix: str | None = None
    unchecked: bool = False  # "could not check": exit status 3 rather than 1
    family: Family | None = None  # of the server addresses it was seen on, when they share one

    @classmethod
    def could_not_check(cls, name: str, server: str, what: str) -> Finding:
        """``server`` did not answer about ``what``: never "missing", exit status 3."""
        return cls(
            "error",
            FindingCode.COULD_NOT_CHECK,
            name,
            f"could not check {server}: {what}",
            nameserver=server,
            unchecked=True,
        )

    @classmethod
    def unreachable(
        cls, name: str, server: Server, errors: str, answering: list[Server]
    ) -> Finding:
        """``server`` cannot be asked while its NS host answers at ``answering``, all of the
        other family: the host is reachable over one family only."""
        family = server.family
        other = Family.IPV4 if family is Family.IPV6 else Family.IPV6
        code = (
            FindingCode.SERVER_UNREACHABLE_IPV6
            if family is Family.IPV6
            else FindingCode.SERVER_UNREACHABLE_IPV4
        )
        return cls(
            "error",
            code,
            name,
            f"could not check {server.label} over {family.label}: {errors}; {server.name} "
            f"answers over {other.label} ({', '.join(s.address for s in answering)}), so only its "
            f"{family.label} address fails: check that the server listens and serves the zone on "
            f"{server.host} and that DNS reaches it over {family.label}",
            nameserver=server.label,
            unchecked=True,
            family=family,
        )

    def key(self) -> tuple[str, str, str, str, str | None, bool]:
        """What makes two findings the same problem, whichever server they were found on."""
        return (self.severity, self.code, self.name, self.message, self.fix, self.unchecked)


@dataclass
class RowResult:
    """One expected record's status on each server and through each resolver."""

    expected: Expected
    servers: dict[str, str] = field(default_factory=dict[str, str])  # server label -> status
    resolvers: dict[str, str] = field(default_factory=dict[str, str])


@dataclass
class ServerState:
    """An authoritative server of a domain and what its SOA said."""

    server: Server
    serial: int | None = None
    status: str = "ok"  # ok | could not check | not authoritative | behind


@dataclass
class DomainResult:
    """Everything one pass found about one domain."""

    domain: str
    zone: str | None = None
    servers: list[ServerState] = field(default_factory=list[ServerState])
    rows: list[RowResult] = field(default_factory=list[RowResult])
    findings: list[Finding] = field(default_factory=list[Finding])
    ses: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """No error among the findings."""
        return not any(f.severity == "error" for f in self.findings)

    def passing(self, strict: bool) -> bool:
        """Passes: no error, and with ``strict`` no warning either."""
        return self.ok and not (strict and any(f.severity == "warning" for f in self.findings))
