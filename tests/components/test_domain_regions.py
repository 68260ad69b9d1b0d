"""One domain in several regions and its global endpoint: the config (stack and typed props),
the records, the resources per region, feedback and SMTP in each region, and what AWS requires
of a global endpoint checked before anything is declared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from components import __version__
from components.constraints.check import check_resources
from components.domain.args import Byodkim, ExternalDns, GlobalEndpointArgs, SesDomainArgs
from components.domain.component import SesDomain
from components.domain.records import record_slots, required_records
from components.multilang.provider import COMPONENTS, PACKAGE_NAME, SesComponentProvider
from components.validation import ConfigError
from tests.support.harness import Evaluation, evaluate, parse, resolve_outputs, use_mocks
from tests.support.private_keys import rsa_pem

ENDPOINT = "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
TWO = ["eu-west-1", "us-east-1"]


def two_regions(**overrides: Any) -> dict[str, Any]:
    """A stack config with one domain in two regions (external DNS: no zone lookups)."""
    domain = {"name": "example.com", "regions": TWO, "dns": {"provider": "external"}}
    return {"domains": [{**domain, **overrides}]}


def problems_of(values: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as raised:
        parse(values)
    return str(raised.value)


# --- the config ----------------------------------------------------------------------------


def test_regions_make_the_first_the_primary() -> None:
    [domain] = parse(two_regions()).domains
    assert domain.region == "eu-west-1"
    assert domain.secondary_regions == ("us-east-1",)
    assert domain.regions == ("eu-west-1", "us-east-1")
    assert domain.mail_from_domain_in("eu-west-1") == "mail.example.com"
    assert domain.mail_from_domain_in("us-east-1") == "mail-us-east-1.example.com"


def test_a_given_mail_from_subdomain_is_suffixed_in_secondary_regions() -> None:
    [domain] = parse(two_regions(mailFrom={"subdomain": "bounce.mail.example.com"})).domains
    assert domain.mail_from_domain_in("eu-west-1") == "bounce.mail.example.com"
    assert domain.mail_from_domain_in("us-east-1") == "bounce-us-east-1.mail.example.com"


def test_a_secondary_regions_mail_from_subdomain_may_be_given() -> None:
    values = two_regions(
        regions=["eu-west-1", "us-east-1", "us-west-2"],
        mailFrom={"subdomains": {"us-east-1": "bounce-us"}},
    )
    [domain] = parse(values).domains
    assert domain.mail_from_domain_in("us-east-1") == "bounce-us.example.com"
    assert domain.mail_from_domain_in("us-west-2") == "mail-us-west-2.example.com"


def test_bad_mail_from_subdomains_are_named_at_once() -> None:
    message = problems_of(
        {
            "domains": [
                {
                    "name": "example.com",
                    "regions": ["eu-west-1", "us-east-1", "us-west-2"],
                    "mailFrom": {
                        "subdomains": {
                            "eu-west-1": "x",
                            "ap-south-1": "y",
                            "us-east-1": "mail",
                            "us-west-2": "mail.example.org",
                        }
                    },
                }
            ]
        }
    )
    key = "ses:domains[0].mailFrom.subdomains"
    assert f"{key}.eu-west-1 = 'x': is the primary region's" in message
    assert f"{key}.ap-south-1 = 'y': names a region the domain is not in" in message
    assert f"{key}.us-west-2 = 'mail.example.org': is not under example.com" in message
    assert "gives us-east-1 the MAIL FROM domain mail.example.com of eu-west-1" in message


def test_one_region_is_what_it_always_was() -> None:
    [domain] = parse({"domains": [{"name": "example.com", "region": "eu-west-1"}]}).domains
    assert domain.regions == ("eu-west-1",) and domain.secondary_regions == ()
    assert domain.global_endpoint is None
    assert [slot.slot for slot in record_slots(domain)] == [
        "dkim-1",
        "dkim-2",
        "dkim-3",
        "mail-from-mx",
        "mail-from-spf",
        "dmarc",
    ]


def test_every_regions_problem_at_once() -> None:
    message = problems_of(
        {
            "domains": [
                {"name": "a.example", "region": "eu-west-1", "regions": ["eu-west-1"]},
                {"name": "b.example", "regions": ["eu-west-1", "eu-west-1"]},
                {"name": "c.example", "regions": ["eu-west-9", "us-east-1"]},
                {"name": "d.example", "regions": ["eu-west-1", "us-gov-west-1"]},
                {"name": "e.example", "regions": []},
            ]
        }
    )
    assert "ses:domains[0].region = 'eu-west-1': cannot be given with regions" in message
    assert "ses:domains[1].regions[1] = 'eu-west-1': is listed twice" in message
    assert "ses:domains[2].regions[0] = 'eu-west-9': is not a region where SES runs" in message
    assert "did you mean 'eu-west-1'?" in message or "did you mean 'eu-west-3'?" in message
    assert "ses:domains[3].regions" in message
    assert "mixes AWS partitions (aws, aws-us-gov)" in message
    assert "ses:domains[4].regions = []: must list at least one region" in message


def test_global_endpoint_true_spans_the_domains_two_regions() -> None:
    [domain] = parse(two_regions(globalEndpoint=True)).domains
    endpoint = domain.global_endpoint
    assert endpoint is not None
    assert (endpoint.name, endpoint.regions) == ("example-com", ("eu-west-1", "us-east-1"))


def test_global_endpoint_object_picks_two_of_three_regions() -> None:
    values = two_regions(
        regions=["eu-west-1", "us-east-1", "eu-central-1"],
        globalEndpoint={"name": "mail_global", "regions": ["us-east-1", "eu-central-1"]},
    )
    [domain] = parse(values).domains
    assert domain.global_endpoint is not None
    assert domain.global_endpoint.name == "mail_global"
    assert domain.global_endpoint.regions == ("us-east-1", "eu-central-1")


@pytest.mark.parametrize(
    ("domain", "key", "allowed"),
    [
        (
            {"name": "a.example", "region": "eu-west-1", "globalEndpoint": True},
            "ses:domains[0].globalEndpoint.regions = (missing)",
            "a global endpoint spans exactly two regions and the domain has 1",
        ),
        (
            {
                "name": "a.example",
                "regions": ["eu-west-1", "us-east-1", "us-west-2"],
                "globalEndpoint": True,
            },
            "ses:domains[0].globalEndpoint.regions = (missing)",
            "is required",
        ),
        (
            {
                "name": "a.example",
                "regions": TWO,
                "globalEndpoint": {"regions": ["eu-west-1", "ap-south-1"]},
            },
            "ses:domains[0].globalEndpoint.regions",
            "names ap-south-1, where the domain has no identity",
        ),
        (
            {"name": "a.example", "regions": TWO, "globalEndpoint": {"regions": ["eu-west-1"]}},
            "ses:domains[0].globalEndpoint.regions",
            "must list exactly two different regions",
        ),
        (
            {"name": "a.example", "regions": TWO, "globalEndpoint": {"name": "no spaces"}},
            "ses:domains[0].globalEndpoint.name = 'no spaces'",
            "must be 1-64 letters, digits, '_' and '-'",
        ),
        (
            {"name": "a.example", "regions": TWO, "globalEndpoint": "yes"},
            "ses:domains[0].globalEndpoint = 'yes'",
            "must be true, false or an object",
        ),
        (
            {"name": "a.example", "regions": TWO, "globalEndpoint": {"region": "eu-west-1"}},
            "ses:domains[0].globalEndpoint.region:",
            "is not a known key; known keys here: name, regions",
        ),
    ],
)
def test_bad_global_endpoints_are_named(domain: dict[str, Any], key: str, allowed: str) -> None:
    message = problems_of({"domains": [domain]})
    assert key in message and allowed in message


def test_two_endpoints_of_one_name_in_one_region_are_refused() -> None:
    endpoint = {"name": "shared", "regions": TWO}
    message = problems_of(
        {
            "domains": [
                {"name": "a.example", "regions": TWO, "globalEndpoint": endpoint},
                {"name": "b.example", "regions": TWO, "globalEndpoint": endpoint},
            ]
        }
    )
    assert "ses:domains[1].globalEndpoint.name = 'shared': would name a global endpoint" in (
        message
    )
    assert "ses:domains[0].globalEndpoint.name already names in eu-west-1" in message


def test_a_named_set_of_one_region_cannot_serve_a_domain_in_two() -> None:
    values = {
        **two_regions(configurationSet="shared"),
        "configurationSets": [{"name": "shared", "region": "eu-west-1"}],
    }
    message = problems_of(values)
    assert "ses:domains[0].configurationSet = 'shared': is made in eu-west-1" in message
    assert "also has identities in us-east-1; list them in ses:configurationSets[0].regions" in (
        message
    )


def test_a_named_set_in_every_region_serves_the_domain_and_its_endpoint() -> None:
    values = {
        **two_regions(configurationSet="shared", globalEndpoint=True),
        "configurationSets": [{"name": "shared", "regions": TWO}],
    }
    feedback = parse(values).feedback
    assert feedback.domain_sets == {"example.com": "shared"}
    assert feedback.set_regions("shared") == tuple(TWO)


def test_a_configuration_sets_regions_are_checked_like_a_domains() -> None:
    message = problems_of(
        {
            **two_regions(configurationSet=False),
            "configurationSets": [
                {"name": "a", "region": "eu-west-1", "regions": TWO},
                {"name": "b", "regions": ["us-east-1", "us-east-1"]},
            ],
        }
    )
    assert "ses:configurationSets[0].region = 'eu-west-1': cannot be given with regions" in message
    assert "ses:configurationSets[1].regions[1] = 'us-east-1': is listed twice" in message


def test_the_domains_own_set_and_alarms_are_in_each_region() -> None:
    feedback = parse(two_regions()).feedback
    assert [(s.name, s.region) for s in feedback.configuration_sets] == [
        ("example-com", "eu-west-1"),
        ("example-com", "us-east-1"),
    ]
    assert feedback.alarm_regions == ("eu-west-1", "us-east-1")
    assert feedback.set_regions("example-com") == ("eu-west-1", "us-east-1")


def test_smtp_users_get_the_secondary_identity_as_their_own() -> None:
    values = {
        **two_regions(),
        "smtpUsers": [
            {
                "name": "app",
                "domains": ["example.com"],
                "fromAddresses": ["noreply@example.com"],
                "extraRegions": ["us-west-2"],
            }
        ],
    }
    [user] = parse(values).smtp_users
    by_region = {item.region: item for item in user.access.identities}
    assert user.access.regions == ("eu-west-1", "us-east-1", "us-west-2")
    assert by_region["eu-west-1"].home and by_region["eu-west-1"].primary
    assert by_region["us-east-1"].home and not by_region["us-east-1"].primary
    assert not by_region["us-west-2"].home
    assert {(s.region, s.name) for s in user.access.configuration_sets} == {
        ("eu-west-1", "example-com"),
        ("us-east-1", "example-com"),
    }


def test_an_smtp_user_naming_the_global_endpoint_is_refused() -> None:
    values = {
        **two_regions(globalEndpoint=True),
        "smtpUsers": [
            {
                "name": "app",
                "domains": ["example.com"],
                "fromAddresses": ["noreply@example.com"],
                "globalEndpoint": "example-com",
            }
        ],
    }
    message = problems_of(values)
    assert "ses:smtpUsers[0].globalEndpoint = 'example-com': is refused" in message
    assert "not SMTP" in message
    assert message.count("globalEndpoint") == 1  # not again as an unknown key


# --- records ---------------------------------------------------------------------------------


def test_easy_dkim_records_per_region_and_dmarc_once() -> None:
    [domain] = parse(two_regions()).domains
    records = required_records(domain, ["aaa", "bbb", "ccc"], {"us-east-1": ["ddd", "eee", "fff"]})
    dkim = [r for r in records if r.purpose.value == "dkim"]
    assert [r.value for r in dkim] == [
        "aaa.dkim.amazonses.com",
        "bbb.dkim.amazonses.com",
        "ccc.dkim.amazonses.com",
        "ddd.dkim.amazonses.com",
        "eee.dkim.amazonses.com",
        "fff.dkim.amazonses.com",
    ]
    mx = {r.name: r.value for r in records if r.purpose.value == "mail_from_mx"}
    assert mx == {
        "mail.example.com": "10 feedback-smtp.eu-west-1.amazonses.com",
        "mail-us-east-1.example.com": "10 feedback-smtp.us-east-1.amazonses.com",
    }
    assert len([r for r in records if r.purpose.value == "mail_from_spf"]) == 2
    assert len([r for r in records if r.purpose.value == "dmarc"]) == 1
    assert len({r.slot for r in records}) == len(records)


def test_a_regional_dkim_domain_is_used_for_that_regions_cnames() -> None:
    [domain] = parse(two_regions(regions=["us-east-1", "eu-south-1"])).domains
    records = required_records(domain, ["aaa"], {"eu-south-1": ["bbb"]})
    assert [r.value for r in records if r.type.value == "CNAME"] == [
        "aaa.dkim.amazonses.com",
        "bbb.dkim.eu-south-1.amazonses.com",
    ]


def test_one_byodkim_key_record_serves_every_region() -> None:
    values = {
        **two_regions(dkim={"mode": "byodkim", "selector": "s1", "privateKeyConfig": "dkimKey"}),
        "dkimKey": rsa_pem(1024),
    }
    [domain] = parse(values).domains
    records = required_records(domain)
    assert [r.slot for r in records if r.purpose.value == "dkim"] == ["dkim-key"]


# --- resources under mocks -------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack() -> Evaluation:
    values = {
        **two_regions(globalEndpoint=True, emailIdentities=["test@example.com"]),
        "smtpUsers": [
            {"name": "app", "domains": ["example.com"], "fromAddresses": ["noreply@example.com"]}
        ],
    }
    return evaluate(values)


def test_an_identity_and_mail_from_per_region(stack: Evaluation) -> None:
    identities = {
        (r.inputs["emailIdentity"], r.inputs["region"]): r.inputs.get("configurationSetName")
        for r in stack.of_type(IDENTITY)
    }
    assert identities == {
        ("example.com", "eu-west-1"): "example-com",
        ("example.com", "us-east-1"): "example-com",
        ("test@example.com", "eu-west-1"): "example-com",
        ("test@example.com", "us-east-1"): "example-com",
    }
    assert {(r.inputs["region"], r.inputs["mailFromDomain"]) for r in stack.of_type(MAIL_FROM)} == {
        ("eu-west-1", "mail.example.com"),
        ("us-east-1", "mail-us-east-1.example.com"),
    }
    feedback = "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
    assert sorted(r.inputs["region"] for r in stack.of_type(feedback)) == TWO


def test_the_global_endpoint_is_created_in_its_primary_region(stack: Evaluation) -> None:
    [endpoint] = stack.of_type(ENDPOINT)
    assert endpoint.inputs["endpointName"] == "example-com"
    assert endpoint.inputs["region"] == "eu-west-1"
    assert endpoint.inputs["details"] == {"routesDetails": {"region": "us-east-1"}}
    exported = stack.outputs["global_endpoints"]["example-com"]
    assert exported["regions"] == TWO and exported["domain"] == "example.com"
    assert isinstance(exported["id"], str) and exported["id"]


def test_outputs_name_every_regions_identity_and_records(stack: Evaluation) -> None:
    identity = stack.outputs["identities"]["example.com"]
    assert identity["region"] == "eu-west-1"
    assert set(identity["regions"]) == set(TWO)
    assert identity["regions"]["us-east-1"]["mail_from_domain"] == "mail-us-east-1.example.com"
    dkim = [r for r in stack.outputs["dns_records"] if r["purpose"] == "dkim"]
    assert len(dkim) == 6 and len({r["name"] for r in dkim}) == 6


def test_the_smtp_policy_allows_both_regions_identities(stack: Evaluation) -> None:
    [policy] = stack.of_type("aws:iam/userPolicy:UserPolicy")
    document = str(policy.inputs["policy"])
    for region in TWO:
        assert f"arn:aws:ses:{region}:123456789012:identity/example.com" in document
        assert f"arn:aws:ses:{region}:123456789012:configuration-set/example-com" in document


def test_the_plan_holds_no_constraint_violation(stack: Evaluation) -> None:
    resources = [{"type": r.type, "name": r.name, "inputs": r.inputs} for r in stack.declared]
    assert check_resources(resources) == []


def test_two_endpoints_of_one_name_in_one_region_are_a_violation() -> None:
    endpoint = {
        "type": ENDPOINT,
        "inputs": {
            "endpointName": "shared",
            "region": "eu-west-1",
            "details": {"routesDetails": {"region": "us-east-1"}},
        },
    }
    found = check_resources([{**endpoint, "name": "a"}, {**endpoint, "name": "b"}])
    assert [(v.resource_name, v.property) for v in found] == [("b", "endpointName")]


def test_a_route_to_a_region_without_ses_is_a_violation() -> None:
    endpoint = {
        "type": ENDPOINT,
        "name": "a",
        "inputs": {"endpointName": "e", "details": {"routesDetails": {"region": "xx-east-1"}}},
    }
    [violation] = check_resources([endpoint])
    assert violation.property == "details.routesDetails.region"


# --- typed props -----------------------------------------------------------------------------


def _declare(args: SesDomainArgs) -> Evaluation:
    monitor = use_mocks()
    result = Evaluation(monitor.declared)

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        domain = SesDomain("d", args)
        watched: dict[str, pulumi.Output[Any]] = {"dns_records": domain.dns_records}
        if domain.global_endpoint is not None:
            watched["endpoint_id"] = domain.global_endpoint.endpoint_id
        return resolve_outputs(watched, result.outputs, result.secret)

    program()
    return result


def test_typed_props_take_regions_and_a_global_endpoint() -> None:
    result = _declare(
        SesDomainArgs(
            name="example.com",
            regions=TWO,
            dns=ExternalDns(),
            configuration_set_name="mail",
            global_endpoint=GlobalEndpointArgs(name="mail-global"),
        )
    )
    assert {
        (r.inputs["region"], r.inputs["configurationSetName"]) for r in result.of_type(IDENTITY)
    } == {
        ("eu-west-1", "mail"),
        ("us-east-1", "mail"),
    }
    [endpoint] = result.of_type(ENDPOINT)
    assert endpoint.inputs["endpointName"] == "mail-global"
    assert result.outputs["endpoint_id"]
    assert len(result.outputs["dns_records"]) == 11


def test_typed_props_problems_are_named_as_props() -> None:
    use_mocks()
    with pytest.raises(ConfigError) as raised:
        SesDomain(
            "d",
            SesDomainArgs(
                name="example.com",
                region="eu-west-1",
                regions=["eu-west-1", "eu-west-1"],
                global_endpoint=GlobalEndpointArgs(regions=["eu-west-1", "ap-south-1"]),
            ),
        )
    message = str(raised.value)
    assert "SesDomainArgs.region = 'eu-west-1': cannot be given with regions" in message
    assert "SesDomainArgs.regions[1] = 'eu-west-1': is listed twice" in message


def test_other_languages_get_regions_and_the_endpoint_through_the_provider() -> None:
    monitor = use_mocks("provider")
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    inputs = {
        "name": "shop.example.net",
        "regions": TWO,
        "globalEndpoint": {"name": "shop-global"},
        "dns": {"external": {}},
    }
    state: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        result = provider.construct("shop", "ses:index:SesDomain", inputs)
        return pulumi.Output.from_input(result.state["dnsRecords"]).apply(
            lambda records: state.update(records=records)
        )

    program()
    assert sorted(r.inputs["region"] for r in monitor.declared if r.type == IDENTITY) == TWO
    [endpoint] = [r for r in monitor.declared if r.type == ENDPOINT]
    assert endpoint.inputs["endpointName"] == "shop-global"
    assert len(state["records"]) == 11


def _region_outputs(make: Callable[[], SesDomainArgs]) -> dict[str, Any]:
    """The resolved ``SesDomain.regions`` of the props ``make`` returns (in the program, so
    they may hold outputs), as ``{region: {field: value}}``."""
    monitor = use_mocks()
    result = Evaluation(monitor.declared)

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        domain = SesDomain("d", make())
        watched = {
            f"{region}/{name}": pulumi.Output.from_input(getattr(found, name))
            for region, found in domain.regions.items()
            for name in ("arn", "dkim_tokens", "dns_records", "email_identity_arns")
        }
        watched["endpoint"] = pulumi.Output.from_input(domain.global_endpoint_id)
        watched["set"] = pulumi.Output.from_input(
            domain.regions["us-east-1"].configuration_set_name
        )
        return resolve_outputs(watched, result.outputs, result.secret)

    program()
    found: dict[str, Any] = {}
    for key, value in result.outputs.items():
        region, _, name = key.partition("/")
        found.setdefault(region, {})[name] = value
    return found


def test_each_region_answers_its_identity_tokens_records_and_addresses() -> None:
    found = _region_outputs(
        lambda: SesDomainArgs(
            name="example.com",
            regions=TWO,
            dns=ExternalDns(),
            email_identities=["ops@example.com"],
            configuration_set_name="mail",
            global_endpoint=GlobalEndpointArgs(),
        )
    )
    assert found["set"] == {"": "mail"} and found["endpoint"][""]
    for region, subdomain in (("eu-west-1", "mail"), ("us-east-1", "mail-us-east-1")):
        mine = found[region]
        assert mine["arn"] == f"arn:aws:ses:{region}:123456789012:identity/example.com"
        assert len(mine["dkim_tokens"]) == 3
        cnames = [r["name"] for r in mine["dns_records"] if r["purpose"] == "dkim"]
        assert cnames == [f"{token}._domainkey.example.com" for token in mine["dkim_tokens"]]
        assert {(r["purpose"], r["name"]) for r in mine["dns_records"] if r["type"] != "CNAME"} == {
            ("mail_from_mx", f"{subdomain}.example.com"),
            ("mail_from_spf", f"{subdomain}.example.com"),
        }
        assert mine["email_identity_arns"] == {
            "ops@example.com": f"arn:aws:ses:{region}:123456789012:identity/ops@example.com"
        }
    assert set(found["eu-west-1"]["dkim_tokens"]).isdisjoint(found["us-east-1"]["dkim_tokens"])


def test_a_byodkim_domains_regions_share_the_key_record_and_have_no_tokens() -> None:
    found = _region_outputs(
        lambda: SesDomainArgs(
            name="example.com",
            regions=TWO,
            dns=ExternalDns(),
            mail_from=None,
            dmarc=None,
            dkim=Byodkim(selector="s1", private_key=pulumi.Output.secret(rsa_pem(2048))),
        )
    )
    for region in TWO:
        assert found[region]["dkim_tokens"] == []
        assert [r["name"] for r in found[region]["dns_records"]] == ["s1._domainkey.example.com"]


def test_other_languages_get_every_regions_outputs() -> None:
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    use_mocks("provider")
    state: dict[str, Any] = {}
    inputs = {"name": "shop.example.net", "regions": TWO, "dns": {"external": {}}}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        result = provider.construct("shop", "ses:index:SesDomain", inputs)
        return pulumi.Output.all(
            **{k: pulumi.Output.from_input(v) for k, v in result.state.items()}
        ).apply(state.update)

    program()
    assert state["region"] == "eu-west-1" and set(state["regions"]) == set(TWO)
    us = state["regions"]["us-east-1"]
    assert set(us) == {
        "arn",
        "dkimStatus",
        "verifiedForSending",
        "dkimTokens",
        "dnsRecords",
        "mailFromDomain",
        "emailIdentityArns",
    }
    assert us["mailFromDomain"] == "mail-us-east-1.shop.example.net"
    assert {r["purpose"] for r in us["dnsRecords"]} == {"dkim", "mail_from_mx", "mail_from_spf"}
    assert "globalEndpointId" not in state and "configurationSetName" not in state
