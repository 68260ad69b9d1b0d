"""A configuration set's custom tracking domain: its CNAME published with the stack domain it lies
under (or exported when it lies under none), the problems and warnings around it, and the
warning for ``suppressedReasons: []`` (pulumi-aws#5999)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from components.feedback.tracking import tracking_endpoint
from components.plan import make_plan
from components.plan.render import records_of, render_records
from components.validation import ConfigError
from tests.support.harness import evaluate, parse
from tests.support.paths import REPO

ROUTE53 = "aws:route53/record:Record"


def values(tracking: dict[str, Any], **domain: Any) -> dict[str, Any]:
    return {
        "domains": [
            {"name": "example.com", "region": "eu-west-1", "configurationSet": "news", **domain}
        ],
        "configurationSets": [{"name": "news", "region": "eu-west-1", "tracking": tracking}],
    }


def tracking_records(outputs: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in outputs["dns_records"] if r["purpose"] == "tracking"]


def test_the_endpoint_is_the_regions_tracking_domain() -> None:
    assert tracking_endpoint("us-east-1") == "r.us-east-1.awstrack.me"
    assert tracking_endpoint("ap-southeast-2") == "r.ap-southeast-2.awstrack.me"


def test_a_redirect_domain_under_a_stack_domain_is_written_with_its_records() -> None:
    result = evaluate(values({"customRedirectDomain": "Track.Example.com"}))
    assert tracking_records(result.outputs) == [
        {
            "domain": "example.com",
            "name": "track.example.com",
            "type": "CNAME",
            "value": "r.eu-west-1.awstrack.me",
            "ttl": 1800,
            "purpose": "tracking",
        }
    ]
    written = result.named("example.com-tracking-track")
    assert written.type == ROUTE53
    assert written.inputs["type"] == "CNAME"
    assert written.inputs["records"] == ["r.eu-west-1.awstrack.me"]


def test_a_cdn_domain_is_the_target_for_https() -> None:
    config = values(
        {
            "customRedirectDomain": "track.example.com",
            "httpsPolicy": "REQUIRE",
            "cdnDomain": "d111111abcdef8.cloudfront.net",
        }
    )
    assert not [w for w in parse(config).warnings if "httpsPolicy" in w]
    (record,) = tracking_records(evaluate(config).outputs)
    assert record["value"] == "d111111abcdef8.cloudfront.net"


def test_https_without_a_cdn_warns_what_https_needs() -> None:
    config = values({"customRedirectDomain": "track.example.com", "httpsPolicy": "REQUIRE"})
    (warning,) = [w for w in parse(config).warnings if "httpsPolicy" in w]
    assert warning.startswith("ses:configurationSets[0].tracking.httpsPolicy = REQUIRE")
    assert "CloudFront" in warning and "us-east-1" in warning and "cdnDomain" in warning


def test_external_dns_exports_the_record_without_writing_it() -> None:
    result = evaluate(
        values({"customRedirectDomain": "t.example.com"}, dns={"provider": "external"})
    )
    assert [r["name"] for r in tracking_records(result.outputs)] == ["t.example.com"]
    assert all("tracking" not in r.name for r in result.declared)


def test_a_redirect_domain_under_no_stack_domain_is_exported_and_warned() -> None:
    config = values({"customRedirectDomain": "links.other.org"})
    (warning,) = [w for w in parse(config).warnings if "links.other.org" in w]
    assert "under none of the stack's domains" in warning and "eu-west-1" in warning
    result = evaluate(config)
    (record,) = tracking_records(result.outputs)
    assert record["domain"] == record["name"] == "links.other.org"
    assert all("tracking" not in r.name for r in result.declared)


def test_the_domains_own_sets_share_the_feedback_template() -> None:
    config = {
        "domains": [{"name": "example.com", "region": "us-east-1"}],
        "feedback": {"tracking": {"customRedirectDomain": "track.example.com"}},
    }
    (record,) = tracking_records(evaluate(config).outputs)
    assert record["value"] == "r.us-east-1.awstrack.me"


@pytest.mark.parametrize(
    ("redirect", "why"),
    [("example.com", "sending domain"), ("mail.example.com", "MAIL FROM domain")],
)
def test_a_name_with_other_records_cannot_be_the_redirect_domain(redirect: str, why: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(values({"customRedirectDomain": redirect}))
    (problem,) = [
        p
        for p in raised.value.problems
        if p.key == "ses:configurationSets[0].tracking.customRedirectDomain"
    ]
    assert why in problem.allowed and f"track.{redirect}" in problem.allowed


def test_one_redirect_domain_for_two_regions_is_refused() -> None:
    config = {
        "domains": [
            {"name": "example.com", "region": "us-east-1", "configurationSet": False},
        ],
        "configurationSets": [
            {
                "name": "a",
                "region": "us-east-1",
                "tracking": {"customRedirectDomain": "t.example.com"},
            },
            {
                "name": "b",
                "region": "eu-west-1",
                "tracking": {"customRedirectDomain": "t.example.com"},
            },
        ],
    }
    with pytest.raises(ConfigError) as raised:
        parse(config)
    (problem,) = [p for p in raised.value.problems if "tracking" in p.key]
    assert problem.key == "ses:configurationSets[1].tracking.customRedirectDomain"
    assert "r.eu-west-1.awstrack.me" in problem.allowed and "'a'" in problem.allowed


def test_a_set_in_another_region_than_the_domain_is_warned() -> None:
    config = {
        "domains": [{"name": "example.com", "region": "us-east-1"}],
        "configurationSets": [
            {
                "name": "eu",
                "region": "eu-west-1",
                "tracking": {"customRedirectDomain": "t.example.com"},
            }
        ],
    }
    (warning,) = [w for w in parse(config).warnings if "t.example.com" in w]
    assert "verified in eu-west-1" in warning


def test_a_bad_cdn_domain_is_named() -> None:
    with pytest.raises(ConfigError) as raised:
        parse(values({"customRedirectDomain": "t.example.com", "cdnDomain": "https://x"}))
    keys = [p.key for p in raised.value.problems]
    assert keys == ["ses:configurationSets[0].tracking.cdnDomain"]


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ({"configurationSets": [{"name": "x", "suppressedReasons": []}]}, "configurationSets[0]"),
        ({"feedback": {"suppressedReasons": []}}, "feedback"),
    ],
)
def test_an_empty_suppression_list_warns_about_the_provider_bug(
    where: dict[str, Any], key: str
) -> None:
    config = {"domains": [{"name": "example.com"}], **where}
    (warning,) = [w for w in parse(config).warnings if "suppressedReasons" in w]
    assert warning.startswith(f"ses:{key}.suppressedReasons = []")
    assert "pulumi/pulumi-aws#5999" in warning and "rename it" in warning


@pytest.mark.parametrize("reasons", [None, ["BOUNCE"], ["BOUNCE", "COMPLAINT"]])
def test_a_suppression_list_that_is_not_empty_does_not_warn(reasons: list[str] | None) -> None:
    entry: dict[str, Any] = {"name": "x"}
    if reasons is not None:
        entry["suppressedReasons"] = reasons
    config = {"domains": [{"name": "example.com"}], "configurationSets": [entry]}
    assert not [w for w in parse(config).warnings if "suppressedReasons" in w]


def test_the_plan_says_an_exported_tracking_record_is_not_written(tmp_path: Path) -> None:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", tmp_path / "__main__.py")
    (tmp_path / "Pulumi.t.yaml").write_text(
        "config:\n"
        "  aws:region: us-east-1\n"
        "  ses:domains:\n"
        "    - name: example.com\n"
        "  ses:feedback:\n"
        "    tracking:\n"
        "      customRedirectDomain: links.other.org\n",
        encoding="utf-8",
    )
    plan = make_plan("t", tmp_path)
    assert plan.record_destinations["links.other.org"]["provider"] == "external"
    table = render_records(records_of(plan), plan.record_destinations)
    (row,) = [line for line in table.splitlines() if line.startswith("links.other.org")]
    assert "tracking" in row and "not written" in row
