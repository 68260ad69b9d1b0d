"""SesDomain under the mock runtime: each resource's inputs, parents, secrets and outputs."""

from __future__ import annotations

from typing import Any

import botocore.session
import jsonschema
import pulumi
import pytest
from cryptography.hazmat.primitives import serialization

from components.domain.records import split_txt
from components.regions import dkim_domain, ses_regions
from tests.support.harness import evaluate, use_mocks
from tests.support.paths import DNS_RECORDS_SCHEMA
from tests.support.private_keys import rsa_pem

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
ROUTE53 = "aws:route53/record:Record"
CLOUDFLARE = "cloudflare:index/dnsRecord:DnsRecord"
COMPONENT = "ses:index:SesDomain"

RSA_2048_PEM = rsa_pem(2048, private_format=serialization.PrivateFormat.TraditionalOpenSSL)


def one_domain(**settings: Any) -> dict[str, Any]:
    return {"domains": [{"name": "example.com", "region": "us-east-1", **settings}]}


def sesv2_enum(shape: str) -> set[str]:
    model = botocore.session.get_session().get_service_model("sesv2")
    return set(model.shape_for(shape).enum)  # pyright: ignore[reportAttributeAccessIssue]


def test_identity_inputs_easy_dkim_defaults() -> None:
    result = evaluate(one_domain(tags={"team": "mail"}) | {"tags": {"env": "test"}})
    identity = result.named("example.com-identity")
    assert identity.type == IDENTITY
    assert identity.parent == "example.com"
    assert identity.inputs["emailIdentity"] == "example.com"
    assert identity.inputs["region"] == "us-east-1"
    assert identity.inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_2048_BIT"}
    assert identity.inputs["tags"] == {"env": "test", "team": "mail"}
    assert identity.secret_paths == ()
    assert identity.inputs["dkimSigningAttributes"]["nextSigningKeyLength"] in sesv2_enum(
        "DkimSigningKeyLength"
    )


def test_mail_from_inputs_and_enum_against_botocore() -> None:
    result = evaluate(
        one_domain(mailFrom={"subdomain": "bounce", "behaviorOnMxFailure": "REJECT_MESSAGE"})
    )
    mail_from = result.named("example.com-mail-from")
    assert mail_from.type == MAIL_FROM and mail_from.parent == "example.com"
    assert mail_from.inputs == {
        "emailIdentity": "example.com",
        "region": "us-east-1",
        "mailFromDomain": "bounce.example.com",
        "behaviorOnMxFailure": "REJECT_MESSAGE",
    }
    assert mail_from.inputs["behaviorOnMxFailure"] in sesv2_enum("BehaviorOnMxFailure")


def test_every_config_enum_value_is_one_botocore_knows() -> None:
    from components.domain.model import DkimKeyLength, MxFailureBehavior

    assert {m.value for m in DkimKeyLength} <= sesv2_enum("DkimSigningKeyLength")
    assert {m.value for m in MxFailureBehavior} == sesv2_enum("BehaviorOnMxFailure")


def test_route53_records_absolute_names_and_values() -> None:
    result = evaluate(one_domain(dns={"zoneId": "Z0123456789ABCDEFGHIJ", "ttl": 600}))
    records = {r.name: r.inputs for r in result.of_type(ROUTE53)}
    assert set(records) == {
        "example.com-dkim-1",
        "example.com-dkim-2",
        "example.com-dkim-3",
        "example.com-mail-from-mx",
        "example.com-mail-from-spf",
        "example.com-dmarc",
    }
    for inputs in records.values():
        assert inputs["zoneId"] == "Z0123456789ABCDEFGHIJ"
        assert inputs["ttl"] == 600
        assert inputs["allowOverwrite"] is False
        assert not inputs["name"].endswith(".") and inputs["name"].endswith("example.com")
    dkim = records["example.com-dkim-1"]
    token = dkim["name"].split(".")[0]
    assert dkim["type"] == "CNAME" and dkim["name"] == f"{token}._domainkey.example.com"
    assert dkim["records"] == [f"{token}.dkim.amazonses.com"]
    assert records["example.com-mail-from-mx"]["records"] == [
        "10 feedback-smtp.us-east-1.amazonses.com"
    ]
    assert records["example.com-mail-from-spf"]["records"] == ["v=spf1 include:amazonses.com ~all"]
    assert records["example.com-dmarc"]["name"] == "_dmarc.example.com"
    assert records["example.com-dmarc"]["records"] == ["v=DMARC1; p=none"]
    assert all(r.parent == "example.com" for r in result.of_type(ROUTE53))


def test_route53_zone_found_by_name_when_no_id() -> None:
    result = evaluate(
        {"domains": [{"name": "mail.example.com", "dns": {"zoneName": "example.com"}}]}
    )
    zone_ids = {r.inputs["zoneId"] for r in result.of_type(ROUTE53)}
    assert len(zone_ids) == 1
    assert next(iter(zone_ids)).startswith("Z")
    names = {r.inputs["name"] for r in result.of_type(ROUTE53)}
    assert "_dmarc.mail.example.com" in names and "mail.mail.example.com" in names


@pytest.mark.parametrize("region", sorted(ses_regions()))
def test_records_per_region(region: str) -> None:
    result = evaluate(one_domain(region=region, dns={"provider": "external"}))
    records = result.outputs["dns_records"]
    by_purpose: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_purpose.setdefault(record["purpose"], []).append(record)
    assert len(by_purpose["dkim"]) == 3
    for record in by_purpose["dkim"]:
        token = record["name"].removesuffix("._domainkey.example.com")
        assert record["value"] == f"{token}.{dkim_domain(region)}"
    assert [r["value"] for r in by_purpose["mail_from_mx"]] == [
        f"10 feedback-smtp.{region}.amazonses.com"
    ]
    assert result.named("example.com-identity").inputs["region"] == region


def test_regional_dkim_domain_and_override() -> None:
    assert dkim_domain("af-south-1") == "dkim.af-south-1.amazonses.com"
    assert dkim_domain("us-east-1") == "dkim.amazonses.com"
    result = evaluate(
        one_domain(dns={"provider": "external"}, dkim={"targetDomain": "dkim.example.net"})
    )
    dkim_values = [r["value"] for r in result.outputs["dns_records"] if r["purpose"] == "dkim"]
    assert dkim_values and all(v.endswith(".dkim.example.net") for v in dkim_values)


def test_external_dns_declares_no_record_resources_but_exports_them() -> None:
    result = evaluate(one_domain(dns={"provider": "external"}))
    assert result.of_type(ROUTE53) == [] and result.of_type(CLOUDFLARE) == []
    assert len(result.outputs["dns_records"]) == 6
    jsonschema.validate(result.outputs["dns_records"], DNS_RECORDS_SCHEMA)


def test_cloudflare_records() -> None:
    zone = "0123456789abcdef0123456789abcdef"
    result = evaluate(one_domain(dns={"provider": "cloudflare", "zoneId": zone}))
    records = {r.name: r.inputs for r in result.of_type(CLOUDFLARE)}
    assert len(records) == 6 and result.of_type(ROUTE53) == []
    mx = records["example.com-mail-from-mx"]
    assert mx["content"] == "feedback-smtp.us-east-1.amazonses.com" and mx["priority"] == 10
    assert mx["zoneId"] == zone and mx["name"] == "mail.example.com"
    assert records["example.com-dkim-1"]["proxied"] is False
    assert records["example.com-dmarc"]["content"] == '"v=DMARC1; p=none"'
    assert records["example.com-mail-from-spf"]["content"] == '"v=spf1 include:amazonses.com ~all"'
    assert records["example.com-dkim-1"]["content"].endswith(".dkim.amazonses.com")


def test_byodkim_private_key_is_secret_and_public_key_split() -> None:
    result = evaluate(
        one_domain(dkim={"mode": "byodkim", "selector": "ses2026", "privateKeyConfig": "dkimKey"})
        | {"dkimKey": RSA_2048_PEM}
    )
    identity = result.named("example.com-identity")
    assert identity.inputs["dkimSigningAttributes"] == {
        "domainSigningSelector": "ses2026",
        "domainSigningPrivateKey": "[secret]",
    }
    assert identity.secret_paths == ("dkimSigningAttributes.domainSigningPrivateKey",)
    key_record = result.named("example.com-dkim-key").inputs
    assert key_record["name"] == "ses2026._domainkey.example.com"
    assert key_record["type"] == "TXT"
    (value,) = key_record["records"]
    strings = value.split('""')
    assert len(strings) == 2 and all(len(s.encode()) <= 255 for s in strings)
    joined = "".join(strings)
    assert joined.startswith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A")
    assert split_txt(joined) == strings
    assert not any(
        r.name.startswith("example.com-dkim-") and r.name[-1].isdigit() for r in result.declared
    )
    assert "PRIVATE" not in str(result.outputs)
    assert result.secret_outputs == set(), "records and status must not inherit the key's secrecy"
    assert result.outputs["identities"]["example.com"]["dkim_status"] == "PENDING"


def test_email_identities_children_with_tags_and_region() -> None:
    result = evaluate(
        one_domain(region="eu-west-1", emailIdentities=["ops@example.com", "me@gmail.com"])
    )
    addresses = {r.inputs["emailIdentity"]: r for r in result.of_type(IDENTITY)}
    assert set(addresses) == {"example.com", "ops@example.com", "me@gmail.com"}
    for address in ("ops@example.com", "me@gmail.com"):
        assert addresses[address].parent == "example.com"
        assert addresses[address].inputs["region"] == "eu-west-1"
        assert "dkimSigningAttributes" not in addresses[address].inputs
    assert set(result.outputs["email_identities"]) == {"ops@example.com", "me@gmail.com"}


def test_dmarc_off_and_mail_from_off() -> None:
    result = evaluate(one_domain(dmarc={"enabled": False}, mailFrom={"enabled": False}))
    purposes = {r["purpose"] for r in result.outputs["dns_records"]}
    assert purposes == {"dkim"}
    assert result.of_type(MAIL_FROM) == []
    assert result.outputs["identities"]["example.com"]["mail_from_domain"] is None


def test_protect_applies_to_the_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi

    protected: dict[str, bool] = {}
    original = pulumi.CustomResource.__init__

    def spy(self: Any, t: str, name: str, props: Any = None, opts: Any = None, *a: Any, **k: Any):
        protected[name] = bool(opts and opts.protect)
        original(self, t, name, props, opts, *a, **k)

    monkeypatch.setattr(pulumi.CustomResource, "__init__", spy)
    evaluate(
        {
            "domains": [{"name": "a.example.com"}, {"name": "b.example.com", "protect": False}],
            "protect": True,
        }
    )
    assert protected["a.example.com-identity"] is True
    assert protected["b.example.com-identity"] is False
    assert protected["a.example.com-mail-from"] is False


def test_two_domains_never_collide_and_are_parented() -> None:
    result = evaluate(
        {
            "domains": [
                {"name": "a.example.com", "region": "us-east-1"},
                {"name": "b.example.com", "region": "eu-central-1"},
            ]
        }
    )
    names = [r.name for r in result.declared]
    assert len(names) == len(set(names))
    components = result.of_type(COMPONENT)
    assert {c.name for c in components} == {"a.example.com", "b.example.com"}
    for resource in result.declared:
        if resource.type.startswith("aws:sesv2") or resource.type == ROUTE53:
            assert resource.parent is not None
            assert resource.name.startswith(f"{resource.parent}-")
    regions = {r.inputs["emailIdentity"]: r.inputs["region"] for r in result.of_type(IDENTITY)}
    assert regions == {"a.example.com": "us-east-1", "b.example.com": "eu-central-1"}
    assert result.outputs["identities"]["b.example.com"]["region"] == "eu-central-1"


def test_outputs_match_contract_and_schema() -> None:
    result = evaluate(one_domain(dmarc={"policy": "reject", "rua": ["mailto:d@example.com"]}))
    records = result.outputs["dns_records"]
    jsonschema.validate(records, DNS_RECORDS_SCHEMA)
    assert {r["purpose"] for r in records} == {"dkim", "mail_from_mx", "mail_from_spf", "dmarc"}
    identity = result.outputs["identities"]["example.com"]
    assert identity["arn"] == "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    assert identity["dkim_status"] == "PENDING"
    assert identity["verified_for_sending"] is False
    assert result.secret_outputs == set()


def test_same_config_twice_declares_identical_inputs() -> None:
    config = one_domain(
        emailIdentities=["ops@example.com"], dmarc={"rua": ["mailto:d@example.com"]}
    )
    first = evaluate(config)
    second = evaluate(config)
    as_data = [
        [(r.type, r.name, r.parent, r.inputs) for r in sorted(run.declared, key=lambda r: r.name)]
        for run in (first, second)
    ]
    assert as_data[0] == as_data[1]
    assert first.outputs == second.outputs


def test_first_preview_knows_every_record_but_the_dkim_cnames() -> None:
    """Before SES hands out tokens (a first ``pulumi preview``) the identity's DKIM attributes
    are unknown; MX, SPF and DMARC must still show their real names and values."""
    from pulumi.runtime import rpc

    from components.plan.mocks import PlanMocks
    from components.stack import build_stack
    from tests.support.harness import parse

    class FirstPreviewMocks(PlanMocks):
        def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
            resource_id, outputs = super().new_resource(args)
            if args.typ == IDENTITY:
                outputs = {**outputs, "dkimSigningAttributes": rpc.UNKNOWN}
            return resource_id, outputs

    config = parse(one_domain(dns={"zoneId": "Z0123456789ABCDEFGHIJ"}, configurationSet=False))
    monitor = use_mocks(mocks=FirstPreviewMocks(), preview=True)

    @pulumi.runtime.test
    def program() -> None:
        build_stack(config)

    program()
    records = {r.name: r.inputs for r in monitor.declared if r.type == ROUTE53}
    assert records["example.com-mail-from-mx"]["name"] == "mail.example.com"
    assert records["example.com-mail-from-spf"]["records"] == ["v=spf1 include:amazonses.com ~all"]
    assert records["example.com-dmarc"]["records"] == ["v=DMARC1; p=none"]
    for slot in ("dkim-1", "dkim-2", "dkim-3"):
        assert records[f"example.com-{slot}"]["name"] == rpc.UNKNOWN
