"""Adopting through the typed props (``SesDomainArgs.adopt``) and the package's inputs: the same
import ids and ``allow_overwrite`` as stack config's ``adopt``, checked by the same parser with
every problem named as a prop, nothing declared before; the schema's ``adopt``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest
from pulumi.errors import InputPropertiesError

from components import __version__
from components.domain.adopt import AdoptedRecord
from components.domain.args import Byodkim, ExternalDns, Route53Dns, SesDomainArgs
from components.domain.component import SesDomain
from components.domain.extra_args import AdoptArgs
from components.multilang.package import PACKAGE_NAME
from components.multilang.provider import COMPONENTS, SesComponentProvider
from components.plan.mocks import DeclaredResource, PlanMocks
from components.stack import build_stack
from components.validation import ConfigError
from tests.support.harness import parse, use_mocks
from tests.support.private_keys import rsa_pem

RECORD = "aws:route53/record:Record"
ZONE = "Z0EXAMPLE"


@pytest.fixture(autouse=True)
def stack_region() -> Iterator[None]:
    """The program's ``aws:region``, as ``parse`` gives the stack path."""
    pulumi.runtime.set_all_config({"aws:region": "us-east-1"}, secret_keys=[])
    yield
    pulumi.runtime.set_all_config({}, secret_keys=[])


class ImportIdMocks(PlanMocks):
    """The plan's stand-ins, noting the id each registration asks to import (the SDK hands the
    ``import_`` option to the mocks as ``MockResourceArgs.resource_id``)."""

    def __init__(self) -> None:
        super().__init__()
        self.import_ids: dict[str, str] = {}

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        if args.resource_id:
            self.import_ids[args.name] = args.resource_id
        return super().new_resource(args)


def run(build: Callable[[], object]) -> tuple[dict[str, str], list[DeclaredResource]]:
    """Run ``build`` under mocks: the import id of each adopted resource, and what was declared."""
    mocks = ImportIdMocks()
    monitor = use_mocks(mocks=mocks)

    @pulumi.runtime.test
    def program() -> None:
        build()

    program()
    return mocks.import_ids, monitor.declared


def from_props(**settings: Any) -> tuple[dict[str, str], list[DeclaredResource]]:
    args = SesDomainArgs(name="example.com", region="us-east-1", **settings)
    return run(lambda: SesDomain("example.com", args))


def from_config(**settings: Any) -> tuple[dict[str, str], list[DeclaredResource]]:
    config = parse({"domains": [{"name": "example.com", "region": "us-east-1", **settings}]})
    return run(lambda: build_stack(config))


def overwriting(declared: list[DeclaredResource]) -> dict[str, bool]:
    return {r.name: r.inputs["allowOverwrite"] for r in declared if r.type == RECORD}


def test_adopt_true_imports_what_stack_config_imports() -> None:
    ids, declared = from_props(adopt=True)
    assert ids == {"example.com-identity": "example.com", "example.com-mail-from": "example.com"}
    assert ids == from_config(adopt=True, configurationSet=False)[0]
    assert not any(overwriting(declared).values())
    assert [r for r in declared if r.provider is not None] == []


def test_adopt_false_or_none_imports_nothing() -> None:
    for adopt in (False, None):
        ids, declared = from_props(adopt=adopt)
        assert ids == {}
        assert declared and not any(overwriting(declared).values())


def test_adopt_args_choose_and_take_over_the_listed_records_as_config_does() -> None:
    records = (AdoptedRecord.DKIM, AdoptedRecord.DMARC)
    ids, declared = from_props(
        adopt=AdoptArgs(mail_from=True, records=records), dns=Route53Dns(zone_id=ZONE)
    )
    config_ids, config_declared = from_config(
        adopt={"mailFrom": True, "records": ["dkim", "dmarc"]}, dns={"zoneId": ZONE}
    )
    assert (
        ids
        == config_ids
        == {
            "example.com-identity": "example.com",
            "example.com-mail-from": "example.com",
        }
    )
    assert (
        overwriting(declared)
        == overwriting(config_declared)
        == {
            "example.com-dkim-1": True,
            "example.com-dkim-2": True,
            "example.com-dkim-3": True,
            "example.com-dmarc": True,
            "example.com-mail-from-mx": False,
            "example.com-mail-from-spf": False,
        }
    )
    ids, _ = from_props(adopt=AdoptArgs(identity=False, records=[AdoptedRecord.DKIM]))
    assert ids == {}


def test_each_component_reads_other_regions_through_a_provider_of_its_own() -> None:
    """Two components adopting in the same other region each make the region's provider, under
    themselves, so neither collides with the other nor with the stack's ``aws-<region>``."""
    regions = ("us-east-1", "eu-west-1")
    _, declared = run(
        lambda: [
            SesDomain(name, SesDomainArgs(name=name, regions=regions, adopt=True))
            for name in ("example.com", "example.org")
        ]
    )
    providers = {r.name: r for r in declared if r.type == "pulumi:providers:aws"}
    assert sorted(providers) == ["example.com-aws-eu-west-1", "example.org-aws-eu-west-1"]
    assert {r.parent for r in providers.values()} == {"example.com", "example.org"}
    adopted = {r.name: r for r in declared if r.import_id is not None}
    assert sorted(adopted) == sorted(
        f"{name}-{part}{suffix}"
        for name in ("example.com", "example.org")
        for part in ("identity", "mail-from")
        for suffix in ("", "-eu-west-1")
    )
    for name, resource in adopted.items():
        in_eu = name.endswith("eu-west-1")
        assert resource.inputs["region"] == ("eu-west-1" if in_eu else "us-east-1")
        owner = name.split("-")[0]
        assert (
            resource.provider is None
            if not in_eu
            else f"::{owner}-aws-eu-west-1::" in str(resource.provider)
        )


def test_every_adopt_problem_is_named_as_a_prop_and_nothing_is_declared() -> None:
    args = SesDomainArgs(
        name="example.com",
        region="us-east-1",
        mail_from=None,
        dmarc=None,
        dns=Route53Dns(zone_id=ZONE),
        adopt=AdoptArgs(
            identity=False,
            mail_from=True,
            records=[AdoptedRecord.DKIM, AdoptedRecord.DMARC, "dmrac"],  # pyright: ignore[reportArgumentType]
        ),
    )
    monitor = use_mocks()
    with pytest.raises(ConfigError) as caught:
        SesDomain("example.com", args)
    assert monitor.declared == []
    problems = {(p.key, str(p.value)): p.allowed for p in caught.value.problems}
    assert set(problems) == {
        ("SesDomainArgs.adopt.mail_from", "True"),
        ("SesDomainArgs.adopt.records[1]", "dmarc"),
        ("SesDomainArgs.adopt.records[2]", "dmrac"),
    }
    assert "mailFrom.enabled is false" in problems[("SesDomainArgs.adopt.mail_from", "True")]
    assert "does not declare" in problems[("SesDomainArgs.adopt.records[1]", "dmarc")]
    assert "did you mean 'dmarc'" in problems[("SesDomainArgs.adopt.records[2]", "dmrac")]


@pytest.mark.parametrize(
    ("settings", "key", "allowed"),
    [
        ({"adopt": "yes"}, "SesDomainArgs.adopt", "must be AdoptArgs(...), True, False or None"),
        (
            {"adopt": True, "dkim": Byodkim(selector="s1", private_key="dkimKey")},
            "SesDomainArgs.adopt.identity",
            "cannot be true with dkim.mode byodkim",
        ),
        (
            {"adopt": AdoptArgs(records=[AdoptedRecord.DKIM]), "dns": ExternalDns()},
            "SesDomainArgs.adopt.records",
            "applies to dns.provider route53 only",
        ),
        (
            {"adopt": AdoptArgs(records="dkim")},  # pyright: ignore[reportArgumentType]
            "SesDomainArgs.adopt.records",
            "must be a list of strings",
        ),
        (
            {"adopt": AdoptArgs(identity=False)},
            "SesDomainArgs.adopt",
            "adopts nothing",
        ),
    ],
)
def test_what_cannot_be_adopted_is_named_as_a_prop(
    settings: dict[str, Any], key: str, allowed: str
) -> None:
    config = {"aws:region": "us-east-1", "ses:dkimKey": rsa_pem(2048)}
    pulumi.runtime.set_all_config(config, secret_keys=["ses:dkimKey"])
    monitor = use_mocks()
    with pytest.raises(ConfigError) as caught:
        SesDomain("example.com", SesDomainArgs(name="example.com", **settings))
    assert monitor.declared == []
    assert [(p.key, allowed in p.allowed) for p in caught.value.problems] == [(key, True)]


def served_schema() -> dict[str, Any]:
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    assert provider.schema is not None
    return json.loads(provider.schema)


def test_the_schema_offers_adopt_as_a_flag_or_an_object() -> None:
    schema = served_schema()
    adopt = schema["resources"]["ses:index:SesDomain"]["inputProperties"]["adopt"]
    assert adopt["oneOf"] == [{"type": "boolean"}, {"$ref": "#/types/ses:index:Adopt"}]
    assert adopt["plain"] is True
    assert adopt["description"].startswith("Take what already exists into the stack")
    adopt_type = schema["types"]["ses:index:Adopt"]
    assert sorted(adopt_type["properties"]) == ["identity", "mailFrom", "records"]
    assert adopt_type["properties"]["records"]["items"]["$ref"] == (
        "#/types/ses:index:AdoptedRecord"
    )
    values = [item["value"] for item in schema["types"]["ses:index:AdoptedRecord"]["enum"]]
    assert values == [record.value for record in AdoptedRecord]


def construct(inputs: dict[str, Any]) -> tuple[dict[str, str], list[DeclaredResource]]:
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    return run(lambda: provider.construct("x", "ses:index:SesDomain", inputs))


def test_other_languages_adopt_through_the_inputs() -> None:
    domain = {"name": "example.com", "region": "us-east-1", "dns": {"route53": {"zoneId": ZONE}}}
    ids, _ = construct({**domain, "adopt": True})
    assert ids == {"x-identity": "example.com", "x-mail-from": "example.com"}
    ids, declared = construct({**domain, "adopt": {"records": ["dmarc"]}})
    assert ids == {"x-identity": "example.com"}
    assert [name for name, on in overwriting(declared).items() if on] == ["x-dmarc"]


def test_bad_adopt_inputs_are_named_by_input_path() -> None:
    domain = {"name": "example.com", "region": "us-east-1", "dns": {"external": {}}}
    with pytest.raises(InputPropertiesError) as caught:
        construct({**domain, "adopt": "yes"})
    assert "SesDomain.adopt = 'yes': must be true, false or an object" in caught.value.message
    with pytest.raises(InputPropertiesError) as caught:
        construct(
            {**domain, "mailFrom": {"enabled": False}, "adopt": {"mailFrom": True, "recrds": []}}
        )
    message = caught.value.message
    assert "SesDomain.adopt.recrds" in message and "did you mean 'records'" in message
    assert "SesDomain.adopt.mailFrom = True: has nothing to adopt" in message
    assert "Traceback" not in message
