"""The ``ses`` package for every Pulumi language: the schema, Construct, the plugin.

The schema is the one ``SesComponentProvider`` serves (derived from ``multilang/types.py``); the
plugin itself is started as Pulumi starts it and asked over gRPC on loopback.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.errors import InputPropertiesError
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from components import __version__
from components.multilang.provider import (
    COMPONENTS,
    PACKAGE_NAME,
    SesComponentProvider,
    SesDomain,
    SmtpUser,
)
from components.validation import ConfigError
from tests.support.harness import use_mocks
from tests.support.paths import REPO

PLUGIN_DIR = REPO / "provider"

EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    "ses:index:SesDomain": {
        "inputs": {
            "name": "string",
            "region": "string",
            "regions": "array<string>",
            "globalEndpoint": "#/types/ses:index:GlobalEndpoint",
            "dkim": "#/types/ses:index:Dkim",
            "mailFrom": "#/types/ses:index:MailFrom",
            "dmarc": "#/types/ses:index:Dmarc",
            "dns": "#/types/ses:index:Dns",
            "emailIdentities": "array<string>",
            "tags": "map<string>",
            "protect": "boolean",
            "configurationSetName": "string",
            "sendingAuthorization": "array<#/types/ses:index:SendingAuthorization>",
            "bimi": "#/types/ses:index:Bimi",
            "postmasterTools": "#/types/ses:index:PostmasterTools",
            "adopt": "oneOf<boolean, #/types/ses:index:Adopt>",
        },
        "outputs": {
            "arn": "string",
            "dnsRecords": "array<#/types/ses:index:DnsRecord>",
            "dkimStatus": "string",
            "verifiedForSending": "boolean",
            "mailFromDomain": "string",
            "emailIdentityArns": "map<string>",
            "region": "string",
            "regions": "map<#/types/ses:index:SesDomainRegion>",
            "configurationSetName": "string",
            "globalEndpointId": "string",
            "authorizationPolicies": "array<string>",
        },
    },
    "ses:index:SmtpUser": {
        "inputs": {
            "userName": "string",
            "regions": "array<string>",
            "policy": "#/types/ses:index:SmtpPolicy",
            "group": "string",
            "path": "string",
            "rotation": "string",
            "previousRotation": "string",
            "secret": "#/types/ses:index:SmtpSecret",
            "providerRegion": "string",
            "tags": "map<string>",
        },
        "outputs": {
            "userName": "string",
            "userArn": "string",
            "username": "string",
            "password": "string",
            "passwords": "map<string>",
            "endpoints": "map<#/types/ses:index:SmtpEndpoint>",
            "secretArn": "string",
            "policy": "string",
        },
    },
    "ses:index:SmtpGroup": {
        "inputs": {
            "groupName": "string",
            "policy": "#/types/ses:index:SmtpPolicy",
            "path": "string",
        },
        "outputs": {"groupName": "string", "arn": "string", "policy": "string"},
    },
}
EXPECTED["ses:index:ConfigurationSet"] = {
    "inputs": {
        "name": "string",
        "region": "string",
        "tlsPolicy": "#/types/ses:index:TlsPolicy",
        "reputationMetrics": "boolean",
        "sendingEnabled": "boolean",
        "suppressedReasons": "array<#/types/ses:index:SuppressionReason>",
        "maxDeliverySeconds": "integer",
        "tracking": "#/types/ses:index:Tracking",
        "vdm": "#/types/ses:index:Vdm",
        "topics": "array<#/types/ses:index:Topic>",
        "kms": "#/types/ses:index:Kms",
        "cloudWatch": "#/types/ses:index:CloudWatch",
        "eventBridge": "#/types/ses:index:EventBridge",
        "allowUnroutedFeedback": "boolean",
        "emailForwarding": "boolean",
        "tags": "map<string>",
        "account": "#/types/ses:index:AccountContext",
        "sendingPoolName": "string",
    },
    "outputs": {
        "name": "string",
        "arn": "string",
        "region": "string",
        "topicArns": "map<string>",
        "queueUrls": "map<string>",
        "keyArn": "string",
    },
}
EXPECTED["ses:index:FeedbackTopics"] = {
    "inputs": {
        "setName": "string",
        "sourceArn": "string",
        "region": "string",
        "topics": "array<#/types/ses:index:Topic>",
        "kms": "#/types/ses:index:Kms",
        "tags": "map<string>",
        "account": "#/types/ses:index:AccountContext",
    },
    "outputs": {
        "topicArns": "map<string>",
        "queueUrls": "map<string>",
        "deadLetterQueueUrls": "map<string>",
        "keyArn": "string",
    },
}
EXPECTED["ses:index:ReputationAlarms"] = {
    "inputs": {
        "region": "string",
        "bounceRateThreshold": "number",
        "complaintRateThreshold": "number",
        "periodSeconds": "integer",
        "evaluationPeriods": "integer",
        "subscriptions": "array<#/types/ses:index:Subscription>",
        "dashboard": "boolean",
        "namePrefix": "string",
        "tags": "map<string>",
        "account": "#/types/ses:index:AccountContext",
    },
    "outputs": {
        "alarmNames": "array<string>",
        "alertsTopicArn": "string",
        "dashboardName": "string",
    },
}
EXPECTED["ses:index:ApiSender"] = {
    "inputs": {
        "senderName": "string",
        "policy": "#/types/ses:index:SmtpPolicy",
        "kind": "#/types/ses:index:ApiSenderKind",
        "trust": "#/types/ses:index:Trust",
        "path": "string",
        "maxSessionDuration": "integer",
        "accessKey": "boolean",
        "rotation": "string",
        "previousRotation": "string",
        "tags": "map<string>",
    },
    "outputs": {
        "kind": "string",
        "name": "string",
        "arn": "string",
        "policy": "string",
        "accessKeyId": "string",
        "secretAccessKey": "string",
    },
}
EXPECTED["ses:index:ContactList"] = {
    "inputs": {
        "name": "string",
        "region": "string",
        "description": "string",
        "topics": "array<#/types/ses:index:ContactListTopic>",
        "tags": "map<string>",
    },
    "outputs": {"name": "string", "arn": "string", "region": "string"},
}
EXPECTED["ses:index:DedicatedIpPool"] = {
    "inputs": {
        "name": "string",
        "region": "string",
        "scalingMode": "#/types/ses:index:ScalingMode",
        "tags": "map<string>",
    },
    "outputs": {"name": "string", "arn": "string", "region": "string", "scalingMode": "string"},
}
EXPECTED["ses:index:AccountVdm"] = {
    "inputs": {
        "enabled": "#/types/ses:index:FeatureStatus",
        "engagementMetrics": "#/types/ses:index:FeatureStatus",
        "optimizedSharedDelivery": "#/types/ses:index:FeatureStatus",
        "regions": "array<string>",
    },
    "outputs": {"regions": "array<string>", "enabled": "string"},
}
EXPECTED["ses:index:Tenant"] = {
    "inputs": {
        "name": "string",
        "region": "string",
        "resources": "map<string>",
        "tags": "map<string>",
    },
    "outputs": {"name": "string", "arn": "string"},
}
REQUIRED = {
    "ses:index:SesDomain": (["name"], ["arn", "dkimStatus", "dnsRecords"]),
    "ses:index:SmtpUser": (["regions", "userName"], ["password", "passwords", "username"]),
    "ses:index:SmtpGroup": (["groupName", "policy"], ["arn", "groupName", "policy"]),
    "ses:index:FeedbackTopics": (["setName", "sourceArn"], ["deadLetterQueueUrls", "topicArns"]),
    "ses:index:ConfigurationSet": (["name"], ["arn", "name", "region", "topicArns"]),
    "ses:index:ReputationAlarms": ([], ["alarmNames", "alertsTopicArn"]),
    "ses:index:ApiSender": (["policy", "senderName"], ["arn", "kind", "name", "policy"]),
    "ses:index:ContactList": (["name"], ["arn", "name", "region"]),
    "ses:index:DedicatedIpPool": (["name"], ["arn", "name", "region", "scalingMode"]),
    "ses:index:AccountVdm": ([], ["enabled", "regions"]),
    "ses:index:Tenant": (["name"], ["arn", "name"]),
}
ENUMS = {
    "DkimKeyLength": ["RSA_2048_BIT", "RSA_1024_BIT"],
    "MxFailureBehavior": ["USE_DEFAULT_VALUE", "REJECT_MESSAGE"],
    "DmarcPolicy": ["none", "quarantine", "reject"],
    "DmarcAlignment": ["r", "s"],
    "ApiSenderKind": ["role", "user"],
    "ScalingMode": ["STANDARD", "MANAGED"],
    "SubscriptionStatus": ["OPT_IN", "OPT_OUT"],
    "AdoptedRecord": ["dkim", "mail_from_mx", "mail_from_spf", "dmarc", "bimi"],
}


def _type_of(prop: dict[str, Any]) -> str:
    if "oneOf" in prop:
        return f"oneOf<{', '.join(_type_of(member) for member in prop['oneOf'])}>"
    if "$ref" in prop:
        return str(prop["$ref"])
    if prop["type"] == "array":
        return f"array<{_type_of(prop['items'])}>"
    if prop["type"] == "object" and "additionalProperties" in prop:
        return f"map<{_type_of(prop['additionalProperties'])}>"
    return str(prop["type"])


def served_schema() -> dict[str, Any]:
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    assert provider.schema is not None
    return json.loads(provider.schema)


SCHEMA = served_schema()


def schema_figures(schema: dict[str, Any]) -> dict[str, int]:
    """Components, their input and output properties, and the named types, as counted for the
    issue's closing note."""
    resources = schema["resources"].values()
    return {
        "components": len(schema["resources"]),
        "inputs": sum(len(r["inputProperties"]) for r in resources),
        "outputs": sum(len(r["properties"]) for r in resources),
        "types": len(schema["types"]),
        "type_properties": sum(len(t.get("properties", {})) for t in schema["types"].values()),
    }


def test_schema_names_the_package_version_and_each_component() -> None:
    assert SCHEMA["name"] == PACKAGE_NAME == "ses"
    assert SCHEMA["version"] == __version__
    assert set(SCHEMA["resources"]) == set(EXPECTED)
    for token, resource in SCHEMA["resources"].items():
        assert resource["isComponent"] is True
        assert resource["description"], token


@pytest.mark.parametrize("token", sorted(EXPECTED))
def test_schema_inputs_and_outputs_with_types(token: str) -> None:
    resource = SCHEMA["resources"][token]
    inputs = {name: _type_of(prop) for name, prop in resource["inputProperties"].items()}
    outputs = {name: _type_of(prop) for name, prop in resource["properties"].items()}
    assert inputs == EXPECTED[token]["inputs"]
    assert outputs == EXPECTED[token]["outputs"]
    required_inputs, some_required_outputs = REQUIRED[token]
    assert sorted(resource["requiredInputs"]) == required_inputs
    assert set(some_required_outputs) <= set(resource["required"])
    for name, prop in resource["inputProperties"].items():
        assert prop.get("description"), f"{token}.{name} has no description"


def test_schema_types_and_enums() -> None:
    types = SCHEMA["types"]
    for name, values in ENUMS.items():
        assert [v["value"] for v in types[f"ses:index:{name}"]["enum"]] == values
    record = types["ses:index:DnsRecord"]
    assert {k: _type_of(v) for k, v in record["properties"].items()} == {
        "domain": "string",
        "name": "string",
        "type": "string",
        "value": "string",
        "ttl": "integer",
        "purpose": "string",
    }
    dmarc = types["ses:index:Dmarc"]["properties"]
    assert _type_of(dmarc["policy"]) == "#/types/ses:index:DmarcPolicy"
    assert _type_of(dmarc["pct"]) == "integer"
    assert _type_of(types["ses:index:SmtpEndpoint"]["properties"]["starttlsPorts"]) == (
        "array<integer>"
    )
    print(f"schema figures: {schema_figures(SCHEMA)}")


def test_schema_input_keys_are_the_stack_config_keys() -> None:
    """One vocabulary: a domain's provider inputs are the keys of a ``domains`` entry."""
    dev = yaml.safe_load((REPO / "Pulumi.dev.yaml").read_text(encoding="utf-8"))
    domain = dev["config"]["ses:domains"][0]
    inputs = SCHEMA["resources"]["ses:index:SesDomain"]["inputProperties"]
    assert set(domain) <= set(inputs)
    types = SCHEMA["types"]
    for key, ref in (("mailFrom", "MailFrom"), ("dmarc", "Dmarc")):
        assert set(domain[key]) <= set(types[f"ses:index:{ref}"]["properties"])


def _construct(token: str, name: str, inputs: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Construct as the engine asks the provider (camelCase names, enums as strings, numbers as
    floats) under the SDK's mock runtime; returns the declared resources and resolved state."""
    monitor = use_mocks("provider")
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    state: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        result = provider.construct(name, token, inputs)
        return pulumi.Output.all(
            **{k: pulumi.Output.from_input(v) for k, v in result.state.items()}
        ).apply(state.update)

    program()
    return monitor.declared, state


def test_construct_ses_domain_through_the_provider() -> None:
    declared, state = _construct(
        "ses:index:SesDomain",
        "shop",
        {
            "name": "Shop.Example.NET",
            "region": "eu-west-1",
            "mailFrom": {"behaviorOnMxFailure": "REJECT_MESSAGE"},
            "dmarc": {"policy": "quarantine", "pct": 50.0, "rua": ["mailto:dmarc@example.net"]},
            "dns": {"external": {}},
            "tags": {"team": "shop"},
            "configurationSetName": "shop-set",
        },
    )
    types = {r.name: r.type for r in declared}
    assert types["shop"] == "ses:index:SesDomain"
    identity = next(r for r in declared if r.name == "shop-identity")
    assert identity.inputs["emailIdentity"] == "shop.example.net"
    assert identity.inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_2048_BIT"}
    assert identity.inputs["configurationSetName"] == "shop-set"
    assert identity.inputs["tags"] == {"team": "shop"}
    mail_from = next(r for r in declared if r.name == "shop-mail-from")
    assert mail_from.inputs["behaviorOnMxFailure"] == "REJECT_MESSAGE"
    assert state["mailFromDomain"] == "mail.shop.example.net"
    assert state["arn"] == "arn:aws:ses:eu-west-1:123456789012:identity/shop.example.net"
    dmarc = [r for r in state["dnsRecords"] if r["purpose"] == "dmarc"]
    assert dmarc[0]["value"] == "v=DMARC1; p=quarantine; pct=50; rua=mailto:dmarc@example.net"
    assert {r["purpose"] for r in state["dnsRecords"]} == {
        "dkim",
        "mail_from_mx",
        "mail_from_spf",
        "dmarc",
    }
    assert set(state) <= set(SCHEMA["resources"]["ses:index:SesDomain"]["properties"])


def test_construct_smtp_user_through_the_provider() -> None:
    declared, state = _construct(
        "ses:index:SmtpUser",
        "app",
        {
            "userName": "shop-mailer",
            "regions": ["eu-west-1", "us-east-1"],
            "policy": {
                "identities": [
                    {
                        "region": "eu-west-1",
                        "identity": "shop.example.net",
                        "domain": "shop.example.net",
                    }
                ],
                "fromAddresses": ["noreply@shop.example.net"],
            },
        },
    )
    policy_resource = next(r for r in declared if r.type == "aws:iam/userPolicy:UserPolicy")
    document = json.loads(policy_resource.inputs["policy"])
    actions = {a for s in document["Statement"] for a in _as_list(s["Action"])}
    assert actions == {"ses:SendRawEmail"}
    resources = [r for s in document["Statement"] for r in _as_list(s["Resource"])]
    assert "*" not in resources
    assert any(r.endswith(":identity/shop.example.net") for r in resources)
    assert set(state["endpoints"]) == {"eu-west-1", "us-east-1"}
    assert state["endpoints"]["eu-west-1"] == {
        "host": "email-smtp.eu-west-1.amazonaws.com",
        "starttlsPorts": [25, 587, 2587],
        "tlsWrapperPorts": [465, 2465],
    }
    assert set(state["passwords"]) == {"eu-west-1", "us-east-1"}


def test_construct_configuration_set_and_alarms_through_the_provider() -> None:
    declared, state = _construct(
        "ses:index:ConfigurationSet",
        "news",
        {
            "name": "news",
            "region": "eu-west-1",
            "topics": [{"kind": "bounce", "queue": {"maxReceiveCount": 3.0}}],
            "kms": {},
            "account": {"accountId": "123456789012", "partition": "aws"},
        },
    )
    configuration_set = next(
        r for r in declared if r.type == "aws:sesv2/configurationSet:ConfigurationSet"
    )
    assert configuration_set.inputs["configurationSetName"] == "news"
    assert configuration_set.inputs["deliveryOptions"]["tlsPolicy"] == "REQUIRE"
    assert set(state["topicArns"]) == {"bounce"} and set(state["queueUrls"]) == {"bounce"}
    assert state["name"] == "news" and state["region"] == "eu-west-1" and state["keyArn"]
    declared, state = _construct(
        "ses:index:ReputationAlarms",
        "rep",
        {"region": "eu-west-1", "bounceRateThreshold": 0.03, "dashboard": True},
    )
    alarms = [r for r in declared if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"]
    assert len(alarms) == 2 and len(state["alarmNames"]) == 2
    assert state["alertsTopicArn"] and state["dashboardName"]


def test_construct_smtp_group_a_member_and_feedback_topics_through_the_provider() -> None:
    policy = {
        "identityArns": ["arn:aws:ses:eu-west-1:123456789012:identity/shop.example.net"],
        "fromAddresses": ["noreply@shop.example.net"],
    }
    declared, state = _construct(
        "ses:index:SmtpGroup", "mailers", {"groupName": "shop-mailers", "policy": policy}
    )
    group_policy = next(r for r in declared if r.type == "aws:iam/groupPolicy:GroupPolicy")
    assert json.loads(group_policy.inputs["policy"])["Statement"][0]["Action"] == (
        "ses:SendRawEmail"
    )
    assert state["groupName"] == "shop-mailers" and state["arn"]
    declared, state = _construct(
        "ses:index:SmtpUser",
        "member",
        {"userName": "shop-app", "regions": ["eu-west-1"], "group": "shop-mailers"},
    )
    membership = next(
        r for r in declared if r.type == "aws:iam/userGroupMembership:UserGroupMembership"
    )
    assert membership.inputs["groups"] == ["shop-mailers"]
    assert not [r for r in declared if r.type == "aws:iam/userPolicy:UserPolicy"]
    declared, state = _construct(
        "ses:index:FeedbackTopics",
        "topics",
        {
            "setName": "shop",
            "sourceArn": "arn:aws:ses:eu-west-1:123456789012:configuration-set/shop",
            "region": "eu-west-1",
            "topics": [{"kind": "bounce", "queue": {}}],
            "account": {"accountId": "123456789012", "partition": "aws"},
        },
    )
    topics = [r for r in declared if r.type == "aws:sns/topic:Topic"]
    assert [t.inputs["name"] for t in topics] == ["shop-bounce"]
    assert set(state["topicArns"]) == {"bounce"} and set(state["deadLetterQueueUrls"]) == {"bounce"}
    topic_policy = next(r for r in declared if r.type == "aws:sns/topicPolicy:TopicPolicy")
    assert (
        "arn:aws:ses:eu-west-1:123456789012:configuration-set/shop" in topic_policy.inputs["policy"]
    )


def test_smtp_and_topics_problems_are_named_by_input_path() -> None:
    with pytest.raises(InputPropertiesError) as both:
        _construct(
            "ses:index:SmtpUser",
            "bad",
            {
                "userName": "app",
                "regions": ["eu-west-1"],
                "group": "g",
                "policy": {"fromAddresses": ["not an address"]},
            },
        )
    assert "SmtpUser.policy" in both.value.message
    assert "give exactly one of policy" in both.value.message
    with pytest.raises(InputPropertiesError) as topics:
        _construct(
            "ses:index:FeedbackTopics",
            "bad",
            {"setName": "bad name", "sourceArn": "arn", "topics": [{"kind": "Bounce!"}]},
        )
    assert "FeedbackTopics.setName = 'bad name'" in topics.value.message


def test_feedback_problems_are_named_by_input_path() -> None:
    with pytest.raises(InputPropertiesError) as caught:
        _construct(
            "ses:index:ConfigurationSet",
            "bad",
            {"name": "bad name", "topics": [{"kind": "bounce", "queue": {"maxReceiveCount": 0}}]},
        )
    message = caught.value.message
    assert "ConfigurationSet.name = 'bad name'" in message
    # the props' validator names a topic by its kind
    assert "ConfigurationSet.topics.bounce.queue.maxReceiveCount = 0" in message
    with pytest.raises(InputPropertiesError) as alarms:
        _construct("ses:index:ReputationAlarms", "bad", {"periodSeconds": 61, "regoin": "x"})
    assert "ReputationAlarms.periodSeconds = 61" in alarms.value.message
    assert "ReputationAlarms.regoin: is not an input" in alarms.value.message


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_bad_inputs_name_every_problem_by_input_path() -> None:
    with pytest.raises(InputPropertiesError) as caught:
        _construct(
            "ses:index:SesDomain",
            "bad",
            {"name": "https://x", "region": "mars-1", "dmarc": {"pct": 300}},
        )
    assert caught.value.__cause__ is None and caught.value.__context__ is not None
    text = caught.value.message
    for expected in (
        "SesDomain.name = 'https://x'",
        "SesDomain.region = 'mars-1'",
        "SesDomain.dmarc.pct = 300",
    ):
        assert expected in text
    assert [e["property_path"] for e in caught.value.errors or []] == [
        "name",
        "region",
        "dmarc.pct",
    ]
    with pytest.raises(ConfigError) as smtp_error:
        SmtpUser("bad", {"userName": "x y", "regions": []})
    assert "SmtpUser.userName = 'x y'" in str(smtp_error.value)
    assert "SmtpUser.regions = []" in str(smtp_error.value)


def test_python_callers_get_the_same_validation() -> None:
    use_mocks("provider")
    with pytest.raises(ConfigError, match=r"SesDomain.dkim.easy.keyLength = 'RSA_4096_BIT'"):
        SesDomain(
            "x",
            {"name": "example.com", "dkim": {"easy": {"keyLength": "RSA_4096_BIT"}}},  # pyright: ignore[reportArgumentType]
        )


def test_plugin_manifest() -> None:
    manifest = yaml.safe_load((PLUGIN_DIR / "PulumiPlugin.yaml").read_text(encoding="utf-8"))
    assert manifest["runtime"]["name"] == "python"
    requirements = (PLUGIN_DIR / "requirements.txt").read_text(encoding="utf-8")
    assert "..[cloudflare]" in requirements.splitlines()


def start_plugin(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], int]:
    """Start the plugin as the engine does (engine address as the last argument) and read the
    port it prints; the caller stops it."""
    process = subprocess.Popen(
        [*command, "127.0.0.1:1"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()  # the host prints its port first, or exits
    if not line.isdigit():
        process.kill()
        _, errors = process.communicate(timeout=30)
        raise AssertionError(f"no port from the plugin: {line!r}\n{errors}")
    return process, int(line)


def stop_plugin(process: subprocess.Popen[str]) -> str:
    """Stop the plugin (bounded) and return what it wrote to stderr."""
    process.terminate()
    try:
        _, errors = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate(timeout=30)
    return errors


def ask_schema(port: int) -> tuple[str, str]:
    async def ask() -> tuple[str, str]:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            info = await stub.GetPluginInfo(empty_pb2.Empty())  # type: ignore[attr-defined]
            schema = await stub.GetSchema(provider_pb2.GetSchemaRequest(version=0))
            return info.version, schema.schema

    loop = asyncio.new_event_loop()  # not asyncio.run: it leaves no current loop behind
    try:
        return loop.run_until_complete(asyncio.wait_for(ask(), 60))
    finally:
        loop.close()


def test_plugin_runs_from_the_checkout(tmp_path: Path) -> None:
    """``python provider/__main__.py`` from a checkout, where ``ses_domains`` is not installed
    (isolated mode: no PYTHONPATH, no user site), serves the checkout's components."""
    process, port = start_plugin([sys.executable, "-I", str(PLUGIN_DIR / "__main__.py")], tmp_path)
    try:
        version, served = ask_schema(port)
    finally:
        errors = stop_plugin(process)
    assert "Traceback" not in errors
    assert version == __version__
    assert json.loads(served) == SCHEMA


def test_plugin_serves_the_schema_over_grpc(installed_package: Path, tmp_path: Path) -> None:
    """The entry point away from a checkout (as a copy in another folder) uses the installed
    package; asked GetPluginInfo and GetSchema on 127.0.0.1."""
    copy = tmp_path / "plugin" / "__main__.py"
    copy.parent.mkdir()
    copy.write_text((PLUGIN_DIR / "__main__.py").read_text(encoding="utf-8"), encoding="utf-8")
    code = (
        f"import sys, runpy; sys.path.insert(0, {str(installed_package)!r})\n"
        f"runpy.run_path({str(copy)!r}, run_name='__main__')\n"
    )
    process, port = start_plugin([sys.executable, "-I", "-c", code], tmp_path)
    try:
        version, served = ask_schema(port)
    finally:
        stop_plugin(process)
    assert version == __version__
    assert json.loads(served) == SCHEMA
