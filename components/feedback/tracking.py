"""The DNS record a configuration set's custom tracking domain needs. Pure: no Pulumi.

AWS's "Configuring custom domains to handle open and click tracking"
(https://docs.aws.amazon.com/ses/latest/dg/configure-custom-open-click-domains.html): the redirect
domain is a CNAME to the SES tracking domain of the set's region, ``r.<region>.awstrack.me``
(HTTP), or, for HTTPS, to a CDN (CloudFront with an ACM certificate for the domain) whose origin
is that tracking domain. SES accepts the redirect domain only when it, or a parent, is a verified
identity in the set's region. A redirect domain under one of the stack's domains is published with
that domain's records (through its DNS writer); any other is only exported, like external DNS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..domain.model import DEFAULT_TTL, DomainConfig
from ..domain.records import DnsRecord, Purpose, RecordType
from ..names import is_subdomain
from ..validation import Fields, Problems, as_list, as_mapping
from .model import ConfigurationSetConfig, FeedbackConfig, HttpsPolicy

TRACKING_ENDPOINT = "r.{region}.awstrack.me"
"""SES's open and click tracking domain of a region, in the form AWS's page gives (its region
table is rendered on the website only; docs/feedback.md says how far this was checked)."""


def tracking_endpoint(region: str) -> str:
    """Where a region's custom tracking domains point (over HTTP, or as a CDN's origin)."""
    return TRACKING_ENDPOINT.format(region=region)


@dataclass(frozen=True, kw_only=True)
class TrackingRecords:
    """The tracking CNAMEs of a stack's configuration sets, by where they are published."""

    by_domain: Mapping[str, tuple[DnsRecord, ...]] = field(
        default_factory=dict[str, tuple[DnsRecord, ...]]
    )
    """Stack domain -> the CNAMEs under it, written by its DNS writer."""
    elsewhere: tuple[DnsRecord, ...] = ()
    """CNAMEs of redirect domains under none of the stack's domains: exported only."""
    warnings: tuple[str, ...] = ()
    """Settings that deploy but need something done outside the stack."""


def _set_paths(top: Fields, sets: Sequence[ConfigurationSetConfig]) -> dict[str, str]:
    """Set name -> key path of its ``tracking`` object (the ``feedback`` template for the
    domains' own sets)."""
    paths: dict[str, str] = {}
    for index, entry in enumerate(as_list(top.raw("configurationSets")) or []):
        name = (as_mapping(entry) or {}).get("name")
        if isinstance(name, str):
            paths.setdefault(name, f"{top.key_path('configurationSets')}[{index}].tracking")
    default = f"{top.key_path('feedback')}.tracking"
    return {item.name: paths.get(item.name, default) for item in sets}


def _owner(redirect: str, domains: Sequence[DomainConfig]) -> DomainConfig | None:
    """The stack domain whose DNS holds ``redirect``: the nearest one above it."""
    above = [d for d in domains if is_subdomain(redirect, d.name)]
    return max(above, key=lambda d: len(d.name), default=None)


def _clash(redirect: str, domains: Sequence[DomainConfig]) -> str | None:
    """Why ``redirect`` cannot hold a CNAME: it is a sending or MAIL FROM domain."""
    for domain in domains:
        if redirect == domain.name:
            return f"is the sending domain {domain.name} itself"
        if domain.mail_from.enabled and redirect == domain.mail_from_domain:
            return f"is the MAIL FROM domain of {domain.name} (its MX and SPF records)"
    return None


def plan_tracking(
    top: Fields, domains: Sequence[DomainConfig], feedback: FeedbackConfig, problems: Problems
) -> TrackingRecords:
    """The CNAME each set's ``tracking.customRedirectDomain`` needs, every problem added: a
    redirect domain that is a sending or MAIL FROM domain, or one asked of two targets."""
    paths = _set_paths(top, feedback.configuration_sets)
    targets: dict[str, tuple[str, str]] = {}
    by_domain: dict[str, list[DnsRecord]] = {}
    elsewhere: list[DnsRecord] = []
    warnings: list[str] = []
    for item in feedback.configuration_sets:
        tracking = item.tracking
        if tracking is None:
            continue
        redirect, path = tracking.custom_redirect_domain, paths[item.name]
        target = tracking.cdn_domain or tracking_endpoint(item.region)
        if (why := _clash(redirect, domains)) is not None:
            problems.add(
                f"{path}.customRedirectDomain",
                redirect,
                f"{why}; a CNAME can hold no other record: give a subdomain used for tracking "
                f"only, such as track.{redirect}",
            )
            continue
        if redirect in targets:
            if targets[redirect][0] != target:
                problems.add(
                    f"{path}.customRedirectDomain",
                    redirect,
                    f"needs a CNAME to {target} (set {item.name!r}, {item.region}), but set "
                    f"{targets[redirect][1]!r} needs it to {targets[redirect][0]}; one name holds "
                    "one CNAME: give each region its own tracking domain",
                )
            continue
        targets[redirect] = (target, item.name)
        if tracking.https_policy is not HttpsPolicy.OPTIONAL and tracking.cdn_domain is None:
            warnings.append(
                f"{path}.httpsPolicy = {tracking.https_policy.value}: tracking links use "
                f"https://{redirect}, which {tracking_endpoint(item.region)} cannot serve with a "
                f"certificate for that name; put CloudFront (an ACM certificate for {redirect} in "
                f"us-east-1, origin {tracking_endpoint(item.region)}) in front and set "
                f"{path}.cdnDomain to the distribution's domain (docs/feedback.md)"
            )
        owner = _owner(redirect, domains)
        if owner is None:
            elsewhere.append(
                DnsRecord(
                    redirect,
                    redirect,
                    RecordType.CNAME,
                    target,
                    DEFAULT_TTL,
                    Purpose.TRACKING,
                    "tracking",
                )
            )
            warnings.append(
                f"{path}.customRedirectDomain = {redirect!r} is under none of the stack's domains: "
                f"publish its CNAME to {target} yourself (it is in dns_records) and verify it, or "
                f"a parent, as an SES identity in {item.region}; SES refuses an unverified one"
            )
            continue
        if owner.region != item.region:
            warnings.append(
                f"{path}.customRedirectDomain = {redirect!r} is under {owner.name}, whose "
                f"identity is in {owner.region}, but set {item.name!r} is in {item.region}: SES "
                f"needs the redirect domain, or a parent, verified in {item.region}"
            )
        label = redirect.removesuffix(f".{owner.name}")
        record = DnsRecord(
            owner.name,
            redirect,
            RecordType.CNAME,
            target,
            owner.dns.ttl,
            Purpose.TRACKING,
            f"tracking-{label}",
        )
        by_domain.setdefault(owner.name, []).append(record)
    return TrackingRecords(
        by_domain={name: tuple(found) for name, found in by_domain.items()},
        elsewhere=tuple(elsewhere),
        warnings=tuple(warnings),
    )
