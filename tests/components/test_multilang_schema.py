"""The ``ses`` package schema as the provider serves it, held against Pulumi's package metaschema
and the code generators' rules; and the derivation from dataclasses that builds it."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pytest

from components import __version__
from components.multilang.hints import SchemaError, attribute_docstrings, camel_case, type_name
from components.multilang.package import PACKAGE_NAME, REPOSITORY, schema
from components.multilang.provider import COMPONENTS, SesComponentProvider
from components.multilang.schema import KNOWN, SECRET, Component, SchemaBuilder
from tests.support.schema_rules import (
    codegen_violations,
    generated_type_names,
    metaschema_violations,
    violations,
)


def served() -> dict[str, Any]:
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    assert provider.schema is not None
    return json.loads(provider.schema)


SERVED = served()


def test_the_served_schema_breaks_no_rule() -> None:
    assert schema() == SERVED
    assert violations(SERVED) == []
    print("generated type names: " + ", ".join(generated_type_names(SERVED)))


def test_the_rules_find_what_the_sdk_inferred_schema_had() -> None:
    """The faults the SDK's inferred schema had, planted in a copy: each one is found."""
    broken = copy.deepcopy(SERVED)
    broken["types"]["ses:index:DmarcPolicy"]["enum"][0]["description"] = None
    broken["types"]["ses:index:DmarcArgs"] = broken["types"].pop("ses:index:Dmarc")
    domain = broken["resources"]["ses:index:SesDomain"]["inputProperties"]
    domain["dmarc"]["$ref"] = "#/types/ses:index:DmarcArgs"
    domain["dkim"]["$ref"] = "#/types/ses:index:Nowhere"
    broken["types"]["ses:index:DkimKeyLength"]["enum"][1].pop("description")
    del broken["resources"]["ses:index:SmtpUser"]["properties"]["policy"]["description"]
    found = violations(broken)
    assert found == [
        "metaschema: types/ses:index:DmarcPolicy/enum/0/description: None is not of type 'string'",
        "ses:index:DmarcArgs: a type token ending in Args (the SDKs make ses:index:DmarcArgsArgs)",
        "generated name DmarcArgsArgs",
        "/resources/ses:index:SesDomain/inputProperties/dkim: "
        "$ref #/types/ses:index:Nowhere does not resolve",
        "types/ses:index:DkimKeyLength/enum/1 ('RSA_1024_BIT'): no description",
        "types/ses:index:DmarcPolicy/enum/0 ('none'): no description",
        "resources/ses:index:SmtpUser/properties/policy: no description",
    ]
    assert metaschema_violations({**SERVED, "name": "Not A Name"}) != []
    assert codegen_violations({"types": {"p:index:X": {"$ref": "#/resources/p:index:Y"}}}) == [
        "/types/p:index:X: $ref #/resources/p:index:Y does not resolve"
    ]


def test_the_package_describes_itself_and_names_each_sdk() -> None:
    assert SERVED["name"] == "ses"
    assert SERVED["version"] == __version__
    assert SERVED["description"] and SERVED["displayName"]
    assert SERVED["homepage"] == SERVED["repository"] == REPOSITORY
    assert SERVED["license"] == "Apache-2.0"
    assert {"aws", "ses", "email", "kind/component"} <= set(SERVED["keywords"])
    language = SERVED["language"]
    assert language["nodejs"]["packageName"] == "@ses-domains/ses"
    assert language["python"]["packageName"] == "pulumi_ses_domains"
    assert language["csharp"]["rootNamespace"] == "SesDomains"
    assert language["go"]["importBasePath"] == "github.com/ses-domains/ses-domains/sdk/go/ses"
    assert all(options["respectSchemaVersion"] for options in language.values())


def test_credentials_are_secret_in_the_schema() -> None:
    outputs = SERVED["resources"]["ses:index:SmtpUser"]["properties"]
    assert {name for name, spec in outputs.items() if spec.get("secret")} == {
        "username",
        "password",
        "passwords",
    }
    everywhere = [
        path
        for token, resource in SERVED["resources"].items()
        for kind in ("inputProperties", "properties")
        for name, spec in resource[kind].items()
        if spec.get("secret")
        for path in [f"{token}.{kind}.{name}"]
    ]
    assert everywhere == [  # resource properties; Byodkim.privateKey is a type's
        "ses:index:SmtpUser.properties.username",
        "ses:index:SmtpUser.properties.password",
        "ses:index:SmtpUser.properties.passwords",
        "ses:index:ApiSender.properties.accessKeyId",
        "ses:index:ApiSender.properties.secretAccessKey",
    ]


def test_plain_inputs_say_why_and_outputs_are_accepted_where_they_can_be() -> None:
    domain = SERVED["resources"]["ses:index:SesDomain"]["inputProperties"]
    assert "plain" not in domain["configurationSetName"]
    types = SERVED["types"]
    for token, name in (
        ("Route53Dns", "zoneId"),
        ("CloudflareDns", "zoneId"),
        ("Byodkim", "privateKey"),
    ):
        assert "plain" not in types[f"ses:index:{token}"]["properties"][name], (token, name)
    assert types["ses:index:Byodkim"]["properties"]["privateKey"]["secret"] is True
    assert types["ses:index:Dns"]["properties"]["route53"]["plain"] is True  # which one: known
    assert types["ses:index:MailFrom"]["properties"]["enabled"]["type"] == "boolean"
    for token, resource in SERVED["resources"].items():
        for name, spec in resource["inputProperties"].items():
            if spec.get("plain"):
                assert "known when the program runs: " in spec["description"], (token, name)
    rua = SERVED["types"]["ses:index:Dmarc"]["properties"]["rua"]
    assert rua["plain"] and rua["items"]["plain"]  # a list known as a whole, item by item
    for token, resource in SERVED["resources"].items():  # tag values may be outputs
        if token in ("ses:index:SmtpGroup", "ses:index:AccountVdm"):
            continue  # an IAM group and the account's VDM settings have no tags
        tags = resource["inputProperties"]["tags"]
        assert tags["plain"] and "plain" not in tags["additionalProperties"], token
        assert "Its values may be other resources' outputs." in tags["description"], token
    policy = types["ses:index:SmtpPolicy"]["properties"]
    for name in ("identityArns", "configurationSetArns"):  # a known list of outputs
        assert policy[name]["plain"] and "plain" not in policy[name]["items"], name
    for token, name in (("SmtpUser", "group"), ("FeedbackTopics", "sourceArn")):
        assert "plain" not in SERVED["resources"][f"ses:index:{token}"]["inputProperties"][name]
    assert "plain" not in types["ses:index:SmtpSecret"]["properties"]["kmsKeyId"]
    assert "plain" not in types["ses:index:Subscription"]["properties"]["endpoint"]
    sending_pool = SERVED["resources"]["ses:index:ConfigurationSet"]["inputProperties"]
    assert "plain" not in sending_pool["sendingPoolName"]  # a DedicatedIpPool's name output
    members = SERVED["resources"]["ses:index:Tenant"]["inputProperties"]["resources"]
    assert members["plain"] and "plain" not in members["additionalProperties"]  # ARN outputs
    for token, named in SERVED["types"].items():
        for name, spec in named.get("properties", {}).items():
            assert spec["description"], (token, name)


def test_the_schema_descriptions_are_the_field_docstrings() -> None:
    dmarc = SERVED["types"]["ses:index:Dmarc"]
    assert dmarc["description"] == "The `_dmarc` TXT record, built from structured settings."
    assert dmarc["properties"]["subdomainPolicy"]["description"].startswith("`sp=` (`None`:")
    mx = SERVED["types"]["ses:index:MxFailureBehavior"]["enum"]
    assert mx[1]["description"].startswith("Refuse to send")  # the member's own docstring
    alignment = SERVED["types"]["ses:index:DmarcAlignment"]["enum"]
    assert [(v["name"], v["value"]) for v in alignment] == [("RELAXED", "r"), ("STRICT", "s")]


# A stand-in for typed props of the shape the components' own arguments take: snake_case
# fields, an ``Args`` suffix, ``pulumi.Input``, a secret, enums with member docstrings.


class Alignment(StrEnum):
    """Identifier alignment."""

    RELAXED = "r"
    """Organizational domains match."""
    STRICT = "s"
    """Exact match."""


@dataclass(frozen=True, kw_only=True)
class ByodkimArgs:
    """Your own DKIM key."""

    selector: str
    """The DNS label of the key."""
    private_key: pulumi.Input[str] = field(metadata={SECRET: True})
    """The PEM private key."""


@dataclass(frozen=True, kw_only=True)
class DmarcArgs:
    """DMARC settings."""

    report_addresses: Sequence[str] = field(
        default_factory=list[str], metadata={KNOWN: "the record is built from it."}
    )
    """Where reports go."""
    alignment: Alignment | None = None
    """``adkim=``."""


@dataclass(frozen=True, kw_only=True)
class DomainArgs:
    """A domain."""

    zone_id: pulumi.Input[str] | None = None
    """The hosted zone."""
    dmarc: DmarcArgs = field(default_factory=DmarcArgs)
    """DMARC."""
    keys: Mapping[str, ByodkimKeyList] | None = None
    """Keys by region."""


@dataclass(frozen=True, kw_only=True)
class ByodkimKeyList:
    """Keys of one region."""

    keys: list[ByodkimArgs]
    """The keys."""


def test_a_dataclass_becomes_an_object_type_with_named_types() -> None:
    builder = SchemaBuilder("p")
    inputs, required = builder.properties(DomainArgs, output=False)
    assert required == []
    assert inputs["zoneId"] == {"description": "The hosted zone.", "type": "string"}
    assert inputs["dmarc"]["$ref"] == "#/types/p:index:Dmarc" and inputs["dmarc"]["plain"]
    assert inputs["keys"]["additionalProperties"] == {
        "$ref": "#/types/p:index:ByodkimKeyList",
        "plain": True,
    }
    assert sorted(builder.types) == [
        "p:index:Alignment",
        "p:index:Byodkim",
        "p:index:ByodkimKeyList",
        "p:index:Dmarc",
    ]
    key = builder.types["p:index:Byodkim"]
    assert key["required"] == ["privateKey", "selector"]
    assert key["properties"]["privateKey"] == {
        "description": "The PEM private key.",
        "type": "string",
        "secret": True,
    }
    dmarc = builder.types["p:index:Dmarc"]["properties"]
    assert dmarc["reportAddresses"]["description"] == (
        "Where reports go.\n\nA plain value, known when the program runs: the record is built "
        "from it."
    )
    assert dmarc["alignment"]["description"].startswith("`adkim=`.")
    assert builder.types["p:index:Alignment"]["enum"] == [
        {"name": "RELAXED", "value": "r", "description": "Organizational domains match."},
        {"name": "STRICT", "value": "s", "description": "Exact match."},
    ]
    component = Component(name="Domain", description="d", inputs=DomainArgs, outputs=DmarcArgs)
    resource = SchemaBuilder("p").resource(component)
    assert "plain" not in json.dumps(resource["properties"])


@dataclass(frozen=True, kw_only=True)
class Undocumented:
    """A type with a field nobody described."""

    name: str


@dataclass(frozen=True, kw_only=True)
class Dmarc:
    """Another type that would be ``p:index:Dmarc``."""

    policy: str
    """p=."""


@dataclass(frozen=True, kw_only=True)
class Choice:
    """A field of two types."""

    value: str | int
    """Either."""


@dataclass(frozen=True, kw_only=True)
class Holder:
    """Two types under one name."""

    one: DmarcArgs
    """One."""
    two: Dmarc
    """Two."""


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (Undocumented, "Undocumented.name has no docstring"),
        (Choice, "Choice.value: str | int: a union of several types has no schema type"),
        (Holder, "Dmarc and DmarcArgs are both p:index:Dmarc"),
    ],
)
def test_what_the_schema_cannot_express_is_named(cls: type, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        SchemaBuilder("p").object_type(cls)


def test_names() -> None:
    assert camel_case("behavior_on_mx_failure") == "behaviorOnMxFailure"
    assert camel_case("rua") == "rua"
    assert type_name(DmarcArgs) == "Dmarc"
    assert type_name(Alignment) == "Alignment"


def test_an_unknown_type_token_names_the_components() -> None:
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    with pytest.raises(ValueError, match=r"'ses:index:Nope'; this package has ses:index:Acc"):
        provider.construct("x", "ses:index:Nope", {})


def test_docstrings_of_a_class_defined_in_a_function() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Local:
        """Indented source."""

        zone_id: str
        """The zone."""

    assert attribute_docstrings(Local) == {"zone_id": "The zone."}


@dataclass(frozen=True, kw_only=True)
class AlphaDns:
    """Records in Alpha."""

    zone: str
    """The zone."""


@dataclass(frozen=True, kw_only=True)
class Beta:
    """Records in Beta."""


@dataclass(frozen=True, kw_only=True)
class WithChoices:
    """A choice and a part that is on unless turned off."""

    dns: AlphaDns | Beta = field(default_factory=Beta)
    """Where records go."""
    report: DmarcArgs | None = field(default_factory=DmarcArgs)
    """On unless ``None``."""


def test_a_union_of_dataclasses_is_one_object_per_choice_and_none_an_off_switch() -> None:
    builder = SchemaBuilder("p")
    inputs, required = builder.properties(WithChoices, output=False)
    assert required == []
    assert inputs["dns"]["$ref"] == "#/types/p:index:Dns" and inputs["dns"]["plain"]
    choice = builder.types["p:index:Dns"]
    assert set(choice["properties"]) == {"alpha", "beta"}  # AlphaDns without the field's name
    assert choice["properties"]["alpha"]["$ref"] == "#/types/p:index:AlphaDns"
    assert choice["properties"]["beta"]["description"].startswith("Records in Beta.")
    assert "exactly one of `alpha`, `beta`" in choice["description"]
    enabled = builder.types["p:index:Dmarc"]["properties"]["enabled"]
    assert enabled["type"] == "boolean" and enabled["plain"]
