"""Adopting what exists (a domain's ``adopt``): import ids under mocks, records taken over,
config errors, the plan's import file and the constraints on import ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.constraints import check_resources
from components.plan import make_plan
from components.plan.__main__ import main
from components.plan.import_file import import_file
from components.plan.mocks import DeclaredResource, PlanMocks
from components.plan.run import Plan
from components.stack import build_stack
from components.validation import ConfigError
from tests.support.harness import evaluate, parse, use_mocks
from tests.support.private_keys import rsa_pem

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
RECORD = "aws:route53/record:Record"
ADOPTABLE = {IDENTITY, MAIL_FROM, CONFIGURATION_SET}


def domain(**settings: Any) -> dict[str, Any]:
    return {"name": "example.com", "region": "us-east-1", **settings}


class ImportIdMocks(PlanMocks):
    """The plan's stand-ins, noting the id each registration asks to import (the SDK hands the
    ``import_`` option to the mocks as ``MockResourceArgs.resource_id``)."""

    def __init__(self) -> None:
        super().__init__()
        self.import_ids: dict[str, str | None] = {}

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        self.import_ids[args.name] = args.resource_id or None
        return super().new_resource(args)


def import_ids_of(values: dict[str, Any]) -> tuple[dict[str, str | None], dict[str, str]]:
    """Build the stack for ``values`` under mocks: the import id of each resource by name, and
    the type of each."""
    config = parse(values)
    mocks = ImportIdMocks()
    monitor = use_mocks(mocks=mocks)

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        return pulumi.Output.all(*build_stack(config).values())

    program()
    return mocks.import_ids, {resource.name: resource.type for resource in monitor.declared}


def test_adopt_true_imports_the_identity_mail_from_and_set_and_nothing_else() -> None:
    ids, types = import_ids_of({"domains": [domain(adopt=True)]})
    adopted = {name: ids[name] for name in ids if ids[name] is not None}
    assert adopted == {
        "example.com-identity": "example.com",
        "example.com-mail-from": "example.com",
        "cs-example-com-set": "example-com",
    }
    assert {types[name] for name in adopted} == ADOPTABLE
    assert len(ids) > 10  # records, topics, feedback attributes...: all created


def test_each_region_of_a_domain_is_adopted_through_that_regions_provider() -> None:
    """Import ids carry no region (the provider keeps the bare id, and an import option that
    differs from the id in the state would import again, as a replacement, on every update):
    outside the stack's region the resource is read through that region's provider."""
    result = evaluate(
        {"domains": [{"name": "example.com", "regions": ["us-east-1", "eu-west-1"], "adopt": True}]}
    )
    (provider,) = result.of_type("pulumi:providers:aws")
    assert (provider.name, provider.inputs["region"]) == ("aws-eu-west-1", "eu-west-1")
    adopted = {r.name: r for r in result.declared if r.import_id is not None}
    assert {name: r.import_id for name, r in adopted.items()} == {
        "example.com-identity": "example.com",
        "example.com-mail-from": "example.com",
        "cs-example-com-set": "example-com",
        "example.com-identity-eu-west-1": "example.com",
        "example.com-mail-from-eu-west-1": "example.com",
        "cs-example-com-eu-west-1-set": "example-com",
    }
    for name, resource in adopted.items():
        in_eu = name.endswith(("eu-west-1", "eu-west-1-set"))
        assert resource.inputs["region"] == ("eu-west-1" if in_eu else "us-east-1")
        assert (resource.provider is not None) == in_eu
        assert resource.provider is None or "::aws-eu-west-1::" in resource.provider
    created = [r for r in result.declared if r.import_id is None and r.provider is not None]
    assert created == []


def test_the_regional_provider_copies_the_stacks_aws_settings_secrets_kept_secret() -> None:
    pulumi.runtime.set_all_config(
        {
            "aws:profile": "mail-admin",
            "aws:assumeRoles": json.dumps([{"roleArn": "arn:aws:iam::111122223333:role/ses"}]),
            "aws:defaultTags": json.dumps({"tags": {"CostCenter": "mail"}}),
            "aws:secretKey": "not-for-printing",
            "aws:region": "us-east-1",
        },
        secret_keys=["aws:secretKey"],
    )
    try:
        result = evaluate(
            {"domains": [{"name": "example.com", "region": "eu-west-1", "adopt": True}]}
        )
    finally:
        pulumi.runtime.set_all_config({}, secret_keys=[])
    (provider,) = result.of_type("pulumi:providers:aws")
    assert provider.inputs["region"] == "eu-west-1"
    assert provider.inputs["profile"] == "mail-admin"
    assert "not-for-printing" not in json.dumps(provider.inputs)
    assert provider.secret_paths == ("secretKey",)
    assert "111122223333" in json.dumps(provider.inputs["assumeRoles"])
    assert "CostCenter" in json.dumps(provider.inputs["defaultTags"])


def test_a_mapping_adopts_only_what_it_names() -> None:
    ids, _ = import_ids_of({"domains": [domain(adopt={"identity": True})]})
    assert [name for name, found in ids.items() if found] == ["example.com-identity"]
    ids, _ = import_ids_of(
        {"domains": [domain(adopt={"identity": False, "configurationSet": True})]}
    )
    assert [name for name, found in ids.items() if found] == ["cs-example-com-set"]


def test_without_adopt_nothing_is_imported_and_no_record_overwrites() -> None:
    result = evaluate({"domains": [domain()]})
    assert all(resource.import_id is None for resource in result.declared)
    assert all(r.inputs["allowOverwrite"] is False for r in result.of_type(RECORD))


def test_only_the_listed_records_are_taken_over() -> None:
    result = evaluate(
        {"domains": [domain(adopt={"records": ["dkim", "dmarc"]}, dns={"zoneId": "Z0EXAMPLE"})]}
    )
    overwriting = {r.name: r.inputs["allowOverwrite"] for r in result.of_type(RECORD)}
    assert overwriting == {
        "example.com-dkim-1": True,
        "example.com-dkim-2": True,
        "example.com-dkim-3": True,
        "example.com-dmarc": True,
        "example.com-mail-from-mx": False,
        "example.com-mail-from-spf": False,
    }


def test_an_adopted_resource_keeps_its_id_under_the_plan_mocks() -> None:
    result = evaluate({"domains": [domain(adopt=True)]})
    assert result.named("example.com-identity").import_id == "example.com"
    assert result.outputs["identities"]["example.com"]["arn"].endswith(":identity/example.com")
    assert result.of_type("pulumi:providers:aws") == []  # all in the stack's region


BAD = [
    ("shape", domain(adopt="yes"), "ses:domains[0].adopt", "must be true, false or an object"),
    (
        "unknown key",
        domain(adopt={"identty": True}),
        "ses:domains[0].adopt.identty",
        "did you mean",
    ),
    ("nothing", domain(adopt={"identity": False}), "ses:domains[0].adopt", "adopts nothing"),
    (
        "byodkim",
        domain(
            adopt={"identity": True},
            dkim={"mode": "byodkim", "selector": "s1", "privateKeyConfig": "dkimKey"},
        ),
        "ses:domains[0].adopt.identity",
        "SES never returns an identity's private key",
    ),
    (
        "byodkim, adopt true",
        domain(
            adopt=True,
            dkim={"mode": "byodkim", "selector": "s1", "privateKeyConfig": "dkimKey"},
        ),
        "ses:domains[0].adopt.identity",
        "move to BYODKIM in a later update",
    ),
    (
        "no mail from",
        domain(adopt={"mailFrom": True}, mailFrom={"enabled": False}),
        "ses:domains[0].adopt.mailFrom",
        "the domain declares no MAIL FROM",
    ),
    (
        "mail from of a created identity",
        domain(adopt={"identity": False, "mailFrom": True}),
        "ses:domains[0].adopt.mailFrom",
        "needs adopt.identity",
    ),
    (
        "no set",
        domain(adopt={"configurationSet": True}, configurationSet=False),
        "ses:domains[0].adopt.configurationSet",
        "the domain uses no configuration set",
    ),
    (
        "another set's name",
        domain(adopt={"configurationSet": "console-set"}),
        "ses:domains[0].adopt.configurationSet",
        "must be the configuration set the domain uses, 'example-com'",
    ),
    (
        "unknown record",
        domain(adopt={"records": ["dmark"]}),
        "ses:domains[0].adopt.records[0]",
        "did you mean 'dmarc'",
    ),
    (
        "record twice",
        domain(adopt={"records": ["dmarc", "dmarc"]}),
        "ses:domains[0].adopt.records[1]",
        "is listed twice",
    ),
    (
        "record not declared",
        domain(adopt={"records": ["bimi"]}),
        "ses:domains[0].adopt.records[0]",
        "names a record the domain does not declare",
    ),
    (
        "cloudflare",
        domain(adopt={"records": ["dmarc"]}, dns={"provider": "cloudflare", "zoneId": "a" * 32}),
        "ses:domains[0].adopt.records",
        "a Cloudflare record cannot be overwritten",
    ),
    (
        "external",
        domain(adopt={"records": ["dmarc"]}, dns={"provider": "external"}),
        "ses:domains[0].adopt.records",
        "external DNS writes no records",
    ),
]


@pytest.mark.parametrize(
    ("settings", "key", "allowed"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_what_cannot_be_adopted_is_named(settings: dict[str, Any], key: str, allowed: str) -> None:
    values: dict[str, Any] = {"domains": [settings]}
    if "dkim" in settings:
        values["dkimKey"] = rsa_pem(2048)
    with pytest.raises(ConfigError) as raised:
        parse(values)
    matching = [p for p in raised.value.problems if p.key == key]
    assert matching, [str(p) for p in raised.value.problems]
    assert any(allowed in p.allowed for p in matching), [str(p) for p in matching]


def test_every_adopt_problem_of_every_domain_is_reported_at_once() -> None:
    values = {
        "domains": [
            domain(
                adopt={"mailFrom": True, "records": ["bimi", "x" * 500]},
                mailFrom={"enabled": False},
            ),
            {"name": "two.example.com", "region": "us-east-1", "adopt": {"configurationSet": 3}},
        ]
    }
    with pytest.raises(ConfigError) as raised:
        parse(values)
    keys = {p.key for p in raised.value.problems}
    assert keys == {
        "ses:domains[0].adopt.mailFrom",
        "ses:domains[0].adopt.records[0]",
        "ses:domains[0].adopt.records[1]",
        "ses:domains[1].adopt.configurationSet",
    }
    assert len(str(raised.value)) < 4000  # the 500-character value is cut


@pytest.fixture(scope="module")
def adopt_plan() -> Plan:
    return make_plan("adopt")


def test_every_import_file_entry_is_a_resource_the_plan_declares(adopt_plan: Plan) -> None:
    """What ``pulumi import --file`` imports and what ``pulumi up`` declares must agree: every
    entry has a declared resource of its type and logical name, with the same import id and
    the same parent, and every adopted resource the plan declares is in the file."""
    declared = {(r["type"], r["name"]): r for r in adopt_plan.resources}
    entries = adopt_plan.import_file["resources"]
    by_name = {entry["name"]: entry for entry in entries}
    for entry in entries:
        resource = declared[entry["type"], entry.get("logicalName", entry["name"])]
        assert resource.get("import_id") == entry.get("id"), entry
        parent = by_name[entry["parent"]] if "parent" in entry else None
        assert resource["parent"] == (parent and parent.get("logicalName", parent["name"]))
        assert ("id" in entry) != entry.get("component", False)
    imported = {(r["type"], r["name"]) for r in adopt_plan.resources if "import_id" in r}
    assert imported == {(e["type"], e["name"]) for e in entries if "id" in e}
    assert {t for t, _ in imported} == ADOPTABLE
    providers = {r["name"] for r in adopt_plan.resources if r["type"] == "pulumi:providers:aws"}
    for entry in entries:
        resource = declared[entry["type"], entry.get("logicalName", entry["name"])]
        assert resource.get("provider") == entry.get("provider")
        assert entry.get("provider") is None or entry["provider"] in providers
    assert set(adopt_plan.import_file["nameTable"]) == providers


def test_the_two_domain_stack_adopts_per_region_and_violates_no_constraint(
    adopt_plan: Plan,
) -> None:
    ids = {entry["name"]: entry["id"] for entry in adopt_plan.adopted}
    assert ids["news.example.net-identity-us-east-1"] == "news.example.net"
    assert ids["shop.example.net-identity"] == "shop.example.net"
    assert len(ids) == 9
    in_us_east_1 = {e["name"] for e in adopt_plan.adopted if e.get("provider") == "aws-us-east-1"}
    assert in_us_east_1 == {
        "news.example.net-identity-us-east-1",
        "news.example.net-mail-from-us-east-1",
        "cs-news-example-net-us-east-1-set",
    }
    assert adopt_plan.import_file["nameTable"] == {
        "aws-us-east-1": "urn:pulumi:adopt::ses::pulumi:providers:aws::aws-us-east-1"
    }
    assert adopt_plan.constraint_violations == ()
    assert adopt_plan.to_json()["import_file"] == adopt_plan.import_file


def test_a_plan_without_adopt_has_no_import_file_in_its_json() -> None:
    resources = [DeclaredResource(type=IDENTITY, name="a", parent=None, inputs={}, secret_paths=())]
    assert import_file(resources) == {"nameTable": {}, "resources": []}
    assert "import_file" not in Plan("s", [], {}, ()).to_json()


def test_entries_sharing_a_name_keep_it_as_their_logical_name() -> None:
    component = DeclaredResource(
        type="ses:index:SesDomain", name="x", parent=None, inputs={}, secret_paths=()
    )
    child = DeclaredResource(
        type=IDENTITY,
        name="x",
        parent="x",
        inputs={},
        secret_paths=(),
        import_id="x",
        parent_type="ses:index:SesDomain",
    )
    assert import_file([child, component])["resources"] == [
        {"type": "ses:index:SesDomain", "name": "x", "component": True},
        {"type": IDENTITY, "name": "x#2", "id": "x", "logicalName": "x", "parent": "x"},
    ]


def _identity(name: str, import_id: str | None, region: str = "us-east-1") -> dict[str, Any]:
    resource: dict[str, Any] = {
        "type": IDENTITY,
        "name": name,
        "parent": None,
        "inputs": {"emailIdentity": "example.com", "region": region},
    }
    if import_id is not None:
        resource["import_id"] = import_id
    return resource


def test_an_import_id_naming_another_resource_or_region_is_a_violation() -> None:
    assert check_resources([_identity("a", "example.com")], provider_region="us-east-1") == []
    for wrong in ("example.com@us-east-1", "other.com"):
        (violation,) = check_resources([_identity("a", wrong)])
        assert violation.property == "import_id"
        assert violation.allowed == "example.com, its emailIdentity"
    record = {"type": RECORD, "name": "r", "parent": None, "inputs": {}, "import_id": "Z_x_TXT"}
    (violation,) = check_resources([record])
    assert "a type the stack adopts" in violation.allowed


def test_an_adopted_resource_read_in_another_region_than_its_own_is_a_violation() -> None:
    """Without ``@<region>`` the import is read in its provider's region: the default
    provider's, or the explicit provider's."""
    (violation,) = check_resources([_identity("a", "example.com")], provider_region="eu-west-1")
    assert (violation.property, violation.value) == ("region", "us-east-1")
    provider = {
        "type": "pulumi:providers:aws",
        "name": "aws-us-east-1",
        "parent": None,
        "inputs": {"region": "us-east-1"},
    }
    in_region = _identity("a", "example.com") | {"provider": "aws-us-east-1"}
    assert check_resources([provider, in_region], provider_region="eu-west-1") == []
    elsewhere = _identity("a", "example.com", "ap-south-1") | {"provider": "aws-us-east-1"}
    (violation,) = check_resources([provider, elsewhere], provider_region="eu-west-1")
    assert violation.allowed == "the region its provider reads the import in (us-east-1)"


def test_two_stacks_adopting_one_identity_in_one_region_are_refused() -> None:
    (violation,) = check_resources([_identity("a", "example.com"), _identity("b", "example.com")])
    assert "adopt it in one" in violation.allowed
    assert check_resources([_identity("a", "example.com"), _identity("b", None, "eu-west-1")]) == []


def test_cli_writes_the_import_file_and_refuses_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--stack", "adopt", "--import-file", str(tmp_path)]) == 2
    assert "--import-file" in capsys.readouterr().err
    target = tmp_path / "import.json"
    assert main(["--stack", "adopt", "--import-file", str(target)]) == 0
    captured = capsys.readouterr()
    assert f"wrote 9 resources to adopt to {target}" in captured.err
    assert "Adopted: imported or taken over instead of created" in captured.out
    assert "news.example.net-identity-us-east-1" in captured.out
    written = json.loads(target.read_text(encoding="utf-8"))
    assert len([entry for entry in written["resources"] if "id" in entry]) == 9
