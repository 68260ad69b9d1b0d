"""``verify --aws``: SES's own view (sesv2 GetEmailIdentity per domain, GetAccount per region).

Per domain: verification, DKIM and MAIL FROM status, and the published Easy DKIM CNAMEs held
against SES's own ``DkimAttributes`` (``SigningHostedZone`` and ``Tokens``). Per region: sandbox
or production, the production-access review and its case, quota, enforcement
(:mod:`..account.status`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from typing import Any, cast

from .. import aws_api
from ..account.status import account_view
from .expected import Expected
from .findings import Finding, FindingCode
from .report import Report
from .stack_context import MAIL_FROM_MX_REGION, StackContext, domain_regions

SES_API = "SES API"
"""The "server" named in SES findings."""

ClientFactory = Callable[[str], Any]

_GOOD = "SUCCESS"
_PENDING = ("PENDING", "NOT_STARTED")


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
    domain: str,
    dkim: dict[str, Any],
    records: Sequence[Expected],
    *,
    several_regions: bool = False,
) -> list[Finding]:
    """The expected Easy DKIM CNAMEs of ``domain`` against SES's ``DkimAttributes``: each must
    point to ``<token>.<SigningHostedZone>``, and the selectors must be SES's tokens. A domain
    in ``several_regions`` publishes each region's tokens: only this region's are compared, and
    each of its tokens must have a record."""
    zone = str(dkim.get("SigningHostedZone") or "").rstrip(".").lower()
    origin = str(dkim.get("SigningAttributesOrigin") or "")
    cnames = [r for r in records if r.purpose == "dkim" and r.rdtype == "CNAME"]
    if not zone or not origin.startswith("AWS_SES") or not cnames:
        return []
    given: list[object] = dkim.get("Tokens") or []
    tokens = sorted(str(t).lower() for t in given)
    if several_regions:
        cnames = [r for r in cnames if r.name.split(".", 1)[0].lower() in tokens]
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
    *,
    several_regions: bool = False,
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
    findings.extend(
        dkim_target_findings(domain, dkim, dkim_records, several_regions=several_regions)
    )
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


def endpoint_status(
    name: str, regions: list[str], client: Any
) -> tuple[dict[str, Any] | None, list[Finding]]:
    """sesv2 GetMultiRegionEndpoint in the endpoint's primary region: its id, status and
    routes, held against the two regions the stack declared."""
    subject = f"global endpoint {name}"
    try:
        data: dict[str, Any] = client.get_multi_region_endpoint(EndpointName=name)
    except Exception as exc:  # botocore raises many types; all mean "could not check"
        if _is_not_found(exc):
            return None, [
                Finding(
                    "error",
                    FindingCode.SES_ENDPOINT_MISSING,
                    subject,
                    f"SES has no global endpoint {name} in {regions[0]}: deploy the stack",
                )
            ]
        return None, [
            Finding.could_not_check(subject, SES_API, f"GetMultiRegionEndpoint: {_error_text(exc)}")
        ]
    routes = [
        str(route.get("Region")) for route in cast(list[dict[str, Any]], data.get("Routes") or [])
    ]
    status = data.get("Status")
    info: dict[str, Any] = {"id": data.get("EndpointId"), "status": status, "routes": routes}
    findings: list[Finding] = []
    if status == "CREATING":
        findings.append(
            Finding(
                "warning",
                FindingCode.SES_ENDPOINT_STATUS,
                subject,
                "SES reports the endpoint as CREATING: not usable yet (rerun later)",
            )
        )
    elif status != "READY":
        findings.append(
            Finding(
                "error",
                FindingCode.SES_ENDPOINT_STATUS,
                subject,
                f"SES reports the endpoint as {status or 'unknown'}: sends through it fail",
            )
        )
    if sorted(routes) != sorted(regions):
        findings.append(
            Finding(
                "error",
                FindingCode.SES_ENDPOINT_ROUTES,
                subject,
                f"SES routes the endpoint to {', '.join(routes) or 'no region'}, the stack "
                f"declares {', '.join(regions)}: run pulumi up (a change replaces the endpoint)",
            )
        )
    return info, findings


def attach_status(
    report: Report,
    records: list[Expected],
    *,
    region: str | None = None,
    endpoint: str | None = None,
    factory: ClientFactory | None = None,
    context: StackContext | None = None,
) -> None:
    """Add SES identity status in each of its regions to each domain, the account status of
    every region, and the status and routes of the stack's global endpoints to the report."""
    make = factory or boto_factory(endpoint)
    context = context or StackContext()
    regions = domain_regions(records, default_region(region), context.regions)
    mail_from = _mail_from_regions(records)
    clients: dict[str, Any] = {}

    def client_for(reg: str, subject: str, findings: list[Finding]) -> Any:
        if reg not in clients:
            try:
                clients[reg] = make(reg)
            except Exception as exc:
                findings.append(Finding.could_not_check(subject, SES_API, _error_text(exc)))
                return None
        return clients[reg]

    for d in report.domains:
        own = regions.get(d.domain) or [default_region(region)]
        by_region: dict[str, dict[str, Any]] = {}
        for reg in own:
            client = client_for(reg, d.domain, d.findings)
            if client is None:
                continue
            info, findings = identity_status(
                d.domain,
                reg in mail_from.get(d.domain, ()),
                client,
                [r for r in records if r.domain == d.domain],
                several_regions=len(own) > 1,
            )
            by_region[reg] = {"region": reg, **(info or {})}
            server = SES_API if len(own) == 1 else f"{SES_API} ({reg})"
            d.findings.extend(_from_ses(findings, server))
        if own[0] in by_region:
            d.ses = dict(by_region[own[0]])
        if len(own) > 1:
            d.ses = {**(d.ses or {"region": own[0]}), "regions": by_region}
    report.account_findings = []
    report.endpoints = {}
    for name, routes in sorted(context.endpoints.items()):
        client = client_for(routes[0], f"global endpoint {name}", report.account_findings)
        if client is None:
            continue
        info, findings = endpoint_status(name, routes, client)
        report.endpoints[name] = info
        report.account_findings.extend(_from_ses(findings))
    report.account = {}
    for reg, client in sorted(clients.items()):
        info, findings = account_status(reg, client)
        report.account[reg] = info
        report.account_findings.extend(_from_ses(findings))


def _mail_from_regions(records: list[Expected]) -> dict[str, set[str]]:
    """Per domain, the regions whose MAIL FROM MX the records hold."""
    found: dict[str, set[str]] = {}
    for rec in records:
        if rec.rdtype == "MX" and (match := MAIL_FROM_MX_REGION.search(rec.value.split(" ")[-1])):
            found.setdefault(rec.domain, set()).add(match.group(1))
    return found


def _from_ses(findings: list[Finding], server: str = SES_API) -> list[Finding]:
    for f in findings:
        f.nameserver = f.nameserver or server
    return findings
