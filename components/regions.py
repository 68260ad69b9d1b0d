"""Which AWS regions run SES, and the per-region host names that DNS records point at.

The region list comes from botocore's bundled endpoint data (the ``email`` service, which is
what both the SES v1 and v2 APIs use), so it follows the pinned botocore instead of a list copied
by hand. No Pulumi import.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from typing import Any, cast

from .validation import Fields, Problems, did_you_mean

DEFAULT_DKIM_DOMAIN = "dkim.amazonses.com"

REGIONAL_DKIM_DOMAINS: dict[str, str] = {
    region: f"dkim.{region}.amazonses.com"
    for region in (
        "af-south-1",
        "ap-northeast-3",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-5",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "il-central-1",
        "me-central-1",
        "us-gov-east-1",
    )
}
"""Regions whose Easy DKIM CNAMEs point below a regional domain instead of
``dkim.amazonses.com``. Source: AWS General Reference, "Amazon Simple Email Service endpoints and
quotas" (https://docs.aws.amazon.com/general/latest/gr/ses.html), the Easy DKIM domain of each
region. SES's own answer for an identity is ``DkimAttributes.SigningHostedZone`` of
GetEmailIdentity (``checks verify --aws`` can compare). Any region can be overridden per domain
with ``dkim.targetDomain``."""


@functools.cache
def ses_regions() -> frozenset[str]:
    """Every region, in every partition botocore knows, that has an SES endpoint."""
    endpoints_file = importlib.resources.files("botocore") / "data" / "endpoints.json"
    data = cast(dict[str, Any], json.loads(endpoints_file.read_text(encoding="utf-8")))
    regions: set[str] = set()
    for partition in cast(list[dict[str, Any]], data["partitions"]):
        services = cast(dict[str, Any], partition.get("services", {}))
        endpoints = cast(dict[str, Any], services.get("email", {}).get("endpoints", {}))
        regions.update(
            name for name in endpoints if "fips" not in name and not name.startswith("fips")
        )
    return frozenset(regions)


def region_problem(region: str) -> str | None:
    """What to tell the user when SES does not run in ``region`` (``None`` when it does)."""
    if region in ses_regions():
        return None
    known = sorted(ses_regions())
    return (
        "is not a region where SES runs"
        + did_you_mean(region, known)
        + "; SES regions: "
        + ", ".join(known)
    )


def partition_of(region: str) -> str:
    """The AWS partition a region belongs to (``aws``, ``aws-cn``, ``aws-us-gov``, ...)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("eusc-"):
        return "aws-eusc"
    return "aws"


def dkim_domain(region: str) -> str:
    """The domain Easy DKIM CNAME targets live under for ``region``."""
    return REGIONAL_DKIM_DOMAINS.get(region, DEFAULT_DKIM_DOMAIN)


def mail_from_mx_host(region: str) -> str:
    """The feedback MX host a custom MAIL FROM domain must point at."""
    return f"feedback-smtp.{region}.amazonses.com"


def parse_regions(
    fields: Fields, default_region: str | None, problems: Problems
) -> tuple[str | None, tuple[str, ...]]:
    """``region`` or ``regions`` of a domain or a configuration set: the primary region and the
    secondary ones, each a region where SES runs, listed once, all in one partition (one
    account cannot span partitions). ``(None, ())`` when unusable (the problems are added)."""
    if fields.has("regions"):
        if fields.has("region"):
            problems.add(
                fields.key_path("region"),
                fields.raw("region"),
                "cannot be given with regions; list every region under regions (the first is "
                "the primary region)",
            )
            fields.raw("region")
        items = fields.string_list("regions")
        if not items and isinstance(fields.raw("regions"), list):
            problems.add(
                fields.key_path("regions"), [], "must list at least one region (e.g. eu-west-1)"
            )
        regions: list[str] = []
        usable = True
        for path, text in items:
            if (problem := region_problem(text)) is not None:
                problems.add(path, text, problem)
                usable = False
            elif text in regions:
                problems.add(path, text, "is listed twice; each region once")
            else:
                regions.append(text)
        partitions = sorted({partition_of(region) for region in regions})
        if len(partitions) > 1:
            problems.add(
                fields.key_path("regions"),
                regions,
                f"mixes AWS partitions ({', '.join(partitions)}); one account cannot span them",
            )
            usable = False
        if not regions or not usable:
            return None, ()
        return regions[0], tuple(regions[1:])
    region = fields.string("region", default_region)
    if region is None:
        problems.add(
            fields.key_path("region"),
            None,
            "is required when aws:region is not set (e.g. us-east-1)",
        )
    elif fields.has("region") and (problem := region_problem(region)) is not None:
        problems.add(fields.key_path("region"), region, problem)
    return region, ()
