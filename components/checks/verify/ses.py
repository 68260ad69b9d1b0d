"""``verify --aws``: SES's own view (sesv2 GetEmailIdentity per domain, GetAccount per region).

Per domain: verification, DKIM and MAIL FROM status, and the published Easy DKIM CNAMEs held
against SES's own ``DkimAttributes`` (``SigningHostedZone`` and ``Tokens``). Per region: sandbox
or production, the production-access review and its case, quota, enforcement
(:mod:`..account.status`).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Sequence
from typing import Any

from .. import aws_api
from ..account.status import account_view
from .expected import Expected
from .findings import Finding, FindingCode
from .report import Report

SES_API = "SES API"
"""The "server" named in SES findings."""

ClientFactory = Callable[[str], Any]

_REGION_RE = re.compile(r"feedback-smtp\.([a-z0-9-]+)\.amazonses\.com$")
_GOOD = "SUCCESS"
_PENDING = ("PENDING", "NOT_STARTED")


def domain_regions(records: list[Expected], default: str) -> dict[str, str]:
    """Each domain's SES region, read from its MAIL FROM MX host when it has one."""
    regions: dict[str, str] = {}
    for rec in records:
        regions.setdefault(rec.domain, default)
        if rec.rdtype == "MX":
            match = _REGION_RE.search(rec.value.split(" ")[-1])
            if match:
                regions[rec.domain] = match.group(1)
    return regions


def default_region(explicit: str | None) -> str:
    return (
        explicit
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )


def boto_factory(endpoint: str | None) -> ClientFactory:
    def make(region: str) -> Any:
        return aws_api.client("sesv2", region, endpoint)

    return make


def _error_text(exc: Exception) -> str:
    code, text = aws_api.error_code(exc)
    return f"{code}: {text}" if code else text


def _is_not_found(exc: Exception) -> bool:
    return _error_text(exc).startswith(("NotFoundException", "NotFound"))


def _status_finding(
    domain: str, code: FindingCode, what: str, status: str | None
) -> Finding | None:
    if status == _GOOD:
        return None
    if status in _PENDING or status is None:
        return Finding(
            "warning",
            code,
            domain,
            f"SES reports {what} as {status or 'unknown'}: SES has not seen the DNS records yet "
            "(it checks periodically; rerun later)",
        )
    return Finding(
        "error",
        code,
        domain,
        f"SES reports {what} as {status}: fix the DNS records above, then SES retries",
    )


def dkim_target_findings(
    domain: str, dkim: dict[str, Any], records: Sequence[Expected]
) -> list[Finding]:
    """The expected Easy DKIM CNAMEs of ``domain`` against SES's ``DkimAttributes``: each must
    point to ``<token>.<SigningHostedZone>``, and the selectors must be SES's tokens."""
    zone = str(dkim.get("SigningHostedZone") or "").rstrip(".").lower()
    origin = str(dkim.get("SigningAttributesOrigin") or "")
    cnames = [r for r in records if r.purpose == "dkim" and r.rdtype == "CNAME"]
    if not zone or not origin.startswith("AWS_SES") or not cnames:
        return []
    findings: list[Finding] = []
    for rec in cnames:
        target = rec.value.rstrip(".").lower()
        token = rec.name.split(".", 1)[0].lower()
        if target != f"{token}.{zone}":
            findings.append(
                Finding(
                    "error",
                    FindingCode.SES_DKIM_TARGET,
                    rec.name,
                    f"the DKIM CNAME points to {target}, but SES signs {domain} from the hosted "
                    f"zone {zone}: receivers find no key there once SES rotates it (set the "
                    "domain's dkim.targetDomain in the stack to the zone, or publish the fix)",
                    fix=dataclasses.replace(rec, value=f"{token}.{zone}").zone_line(),
                )
            )
    given: list[object] = dkim.get("Tokens") or []
    tokens = sorted(str(t).lower() for t in given)
    selectors = sorted(r.name.split(".", 1)[0].lower() for r in cnames)
    if tokens and tokens != selectors:
        findings.append(
            Finding(
                "error",
                FindingCode.SES_DKIM_TARGET,
                domain,
                f"the records' DKIM selectors ({', '.join(selectors)}) are not SES's tokens "
                f"({', '.join(tokens)}): the stack outputs are stale or of another identity; "
                "run pulumi up and read the outputs again",
            )
        )
    return findings


def identity_status(
    domain: str,
    needs_mail_from: bool,
    client: Any,
    dkim_records: Sequence[Expected] = (),
) -> tuple[dict[str, Any] | None, list[Finding]]:
    try:
        data: dict[str, Any] = client.get_email_identity(EmailIdentity=domain)
    except Exception as exc:  # botocore raises many types; all mean "could not check"
        if _is_not_found(exc):
            return None, [
                Finding(
                    "error",
                    FindingCode.SES_IDENTITY_MISSING,
                    domain,
                    f"SES has no identity {domain} in this region: deploy the stack",
                )
            ]
        return None, [Finding.could_not_check(domain, SES_API, _error_text(exc))]
    dkim: dict[str, Any] = data.get("DkimAttributes") or {}
    mail_from: dict[str, Any] = data.get("MailFromAttributes") or {}
    info: dict[str, Any] = {
        "verification_status": data.get("VerificationStatus"),
        "verified_for_sending": data.get("VerifiedForSendingStatus"),
        "dkim_status": dkim.get("Status"),
        "dkim_signing_origin": dkim.get("SigningAttributesOrigin"),
        "dkim_signing_hosted_zone": dkim.get("SigningHostedZone"),
        "mail_from_domain": mail_from.get("MailFromDomain"),
        "mail_from_status": mail_from.get("MailFromDomainStatus"),
    }
    findings: list[Finding] = []
    for code, what, status in (
        (FindingCode.SES_IDENTITY_STATUS, "identity verification", info["verification_status"]),
        (FindingCode.SES_DKIM_STATUS, "DKIM", info["dkim_status"]),
    ):
        found = _status_finding(domain, code, what, status)
        if found:
            findings.append(found)
    findings.extend(dkim_target_findings(domain, dkim, dkim_records))
    if needs_mail_from:
        if not info["mail_from_domain"]:
            findings.append(
                Finding(
                    "error",
                    FindingCode.SES_MAIL_FROM_NOT_SET,
                    domain,
                    "the records include a MAIL FROM domain but SES has none configured for "
                    f"{domain}",
                )
            )
        else:
            status = info["mail_from_status"]
            found = _status_finding(domain, FindingCode.SES_MAIL_FROM_STATUS, "MAIL FROM", status)
            if found:
                findings.append(found)
    return info, findings


def account_status(region: str, client: Any) -> tuple[dict[str, Any] | None, list[Finding]]:
    try:
        data: dict[str, Any] = client.get_account()
    except Exception as exc:
        return None, [
            Finding.could_not_check(
                f"account ({region})", SES_API, f"GetAccount: {_error_text(exc)}"
            )
        ]
    view = account_view(region, data)
    info = view.as_json()
    findings: list[Finding] = []
    subject = f"account ({region})"
    if not view.production:
        findings.append(
            Finding(
                "warning",
                FindingCode.SES_SANDBOX,
                subject,
                "the SES account is in the sandbox: only verified recipients, "
                f"{view.max_24_hour_send} messages per 24 h; {view.sandbox_advice()}",
            )
        )
    if data.get("SendingEnabled") is False:
        findings.append(
            Finding("error", FindingCode.SES_SENDING_DISABLED, subject, "sending is disabled")
        )
    enforcement = data.get("EnforcementStatus")
    if enforcement == "PROBATION":
        findings.append(
            Finding(
                "warning",
                FindingCode.SES_PROBATION,
                subject,
                "the account is under review (probation)",
            )
        )
    elif enforcement == "SHUTDOWN":
        findings.append(Finding("error", FindingCode.SES_SHUTDOWN, subject, "sending is shut down"))
    return info, findings


def attach_status(
    report: Report,
    records: list[Expected],
    *,
    region: str | None = None,
    endpoint: str | None = None,
    factory: ClientFactory | None = None,
) -> None:
    """Add SES identity status to each domain and the account status to the report."""
    make = factory or boto_factory(endpoint)
    regions = domain_regions(records, default_region(region))
    mail_from = {r.domain for r in records if r.purpose.startswith("mail_from")}
    clients: dict[str, Any] = {}
    for d in report.domains:
        reg = regions.get(d.domain, default_region(region))
        client = clients.get(reg)
        if client is None:
            try:
                client = clients[reg] = make(reg)
            except Exception as exc:
                d.findings.append(Finding.could_not_check(d.domain, SES_API, _error_text(exc)))
                continue
        own = [r for r in records if r.domain == d.domain]
        info, findings = identity_status(d.domain, d.domain in mail_from, client, own)
        d.ses = {"region": reg, **(info or {})}
        d.findings.extend(_from_ses(findings))
    report.account = {}
    report.account_findings = []
    for reg, client in sorted(clients.items()):
        info, findings = account_status(reg, client)
        report.account[reg] = info
        report.account_findings.extend(_from_ses(findings))


def _from_ses(findings: list[Finding]) -> list[Finding]:
    for f in findings:
        f.nameserver = f.nameserver or SES_API
    return findings
