"""The offline plan (contract 2): every stack file, the reviewed dev snapshot, the CLI."""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import dns.rdatatype
import dns.zone
import jsonschema
import pulumi
import pytest

from components.domain.model import DnsConfig, DnsProviderKind
from components.plan import make_plan
from tests.support.harness import use_mocks
from tests.support.paths import DNS_RECORDS_SCHEMA, REPO, STACK_NAMES
from tests.support.private_keys import rsa_pem

STACKS = STACK_NAMES
SNAPSHOTS = REPO / "tests" / "snapshots"
"""The reviewed plan of every stack file: dev; prod (two domains, BYODKIM, other accounts, API
senders); global (one domain in two regions with a global endpoint); marketing (BIMI and a
tracking domain); platform (contact list, tenant, dedicated IP pool, account VDM); adopt (two
console-made domains adopted, one in two regions, with its import file)."""
STAND_IN_PUBLIC_KEY = re.compile(r'(?<=\bp=)[A-Za-z0-9+/="]{300,}')
"""A DKIM TXT value's public key (``p=``, split or not): in a stack with an encrypted BYODKIM
key it is the throwaway stand-in's, new on every run."""


def _comparable(document: Any, masked: bool) -> Any:
    """The plan as JSON holds it; with ``masked``, every stand-in public key's characters
    replaced by ``*`` (its length and the ``""`` splits stay)."""
    if isinstance(document, dict):
        return {k: _comparable(v, masked) for k, v in document.items()}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(document, list):
        return [_comparable(v, masked) for v in document]  # pyright: ignore[reportUnknownVariableType]
    if masked and isinstance(document, str):
        return STAND_IN_PUBLIC_KEY.sub(lambda key: re.sub(r'[^"]', "*", key[0]), document)
    return document


def run_plan_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "components.plan", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_there_are_stacks_to_plan() -> None:
    assert "dev" in STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_file_plans(stack: str) -> None:
    plan = make_plan(stack)
    document = plan.to_json()
    assert document["stack"] == stack
    assert document["resources"], "a stack that declares nothing"
    for resource in document["resources"]:
        assert {"type", "name", "parent", "inputs"} <= set(resource)
        assert set(resource) <= {"type", "name", "parent", "inputs", "import_id", "provider"}
    jsonschema.validate(document["outputs"]["dns_records"], DNS_RECORDS_SCHEMA)
    json.dumps(document)  # the whole plan is JSON


@pytest.mark.parametrize("stack", STACKS)
def test_plan_matches_reviewed_snapshot(stack: str) -> None:
    """Every stack file has one (a new one cannot be forgotten). Regenerate after a reviewed
    change with
    ``python -m components.plan --stack STACK --json > tests/snapshots/plan-STACK.json``."""
    snapshot = SNAPSHOTS / f"plan-{stack}.json"
    assert snapshot.is_file(), f"Pulumi.{stack}.yaml has no reviewed plan {snapshot.name}"
    plan = make_plan(stack)
    masked = bool(plan.placeholder_keys)
    current = _comparable(json.loads(json.dumps(plan.to_json(), sort_keys=True)), masked)
    reviewed = json.loads(snapshot.read_text(encoding="utf-8"))
    assert current == _comparable(reviewed, masked)


def test_every_snapshot_has_its_stack_file() -> None:
    assert sorted(SNAPSHOTS.glob("plan-*.json")) == [SNAPSHOTS / f"plan-{s}.json" for s in STACKS]


def test_only_the_stand_in_key_is_masked() -> None:
    """prod's stand-in BYODKIM key is masked, and only it: its Easy DKIM CNAMEs, DMARC and SPF
    values stay as they are."""
    plan = make_plan("prod")
    assert plan.placeholder_keys == ("ses:dkimKeyEu",)
    records = _comparable(plan.outputs["dns_records"], masked=True)
    changed = [
        (r["purpose"], r["name"])
        for r, before in zip(records, plan.outputs["dns_records"], strict=True)
        if r != before
    ]
    assert changed == [("dkim", "ses2026._domainkey.eu.example.com")]
    (value,) = [r["value"] for r in records if r["purpose"] == "dkim" and r["type"] == "TXT"]
    assert value == "v=DKIM1; k=rsa; p=" + "*" * 392


def test_the_marketing_snapshot_holds_its_bimi_tracking_and_postmaster_records() -> None:
    reviewed = json.loads((SNAPSHOTS / "plan-marketing.json").read_text(encoding="utf-8"))
    purposes = [record["purpose"] for record in reviewed["outputs"]["dns_records"]]
    assert purposes.count("bimi") == purposes.count("tracking") == 1
    assert purposes.count("postmaster_tools") == 1


def test_a_plan_leaves_no_config_behind_in_the_process() -> None:
    """The runtime config is process-wide: a later program (a test, a second plan) must not see
    this stack's aws:region or namespace values."""
    from pulumi.runtime import config as runtime_config

    make_plan("dev")
    assert runtime_config.get_config("aws:region") is None
    assert runtime_config.get_config("ses:domains") is None


def test_planning_twice_gives_identical_plans() -> None:
    first = json.dumps(make_plan("dev").to_json(), sort_keys=True)
    second = json.dumps(make_plan("dev").to_json(), sort_keys=True)
    assert first == second


def test_cli_json_and_zone_file(tmp_path: Path) -> None:
    zone_path = tmp_path / "dev.zone"
    result = run_plan_cli("--stack", "dev", "--json", "--zone-file", str(zone_path))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    records = document["outputs"]["dns_records"]
    soa = (
        "example.com. 3600 IN SOA ns.example.com. hostmaster.example.com. 1 7200 900 1209600 300\n"
        "example.com. 3600 IN NS ns.example.com.\n"
    )
    zone = dns.zone.from_text(soa + zone_path.read_text(), origin="example.com.", relativize=False)
    for record in records:
        rdataset = zone.find_rdataset(record["name"] + ".", dns.rdatatype.from_text(record["type"]))
        assert rdataset.ttl == record["ttl"]


def test_cli_human_output_has_tree_and_records() -> None:
    result = run_plan_cli("--stack", "dev")
    assert result.returncode == 0, result.stderr
    assert "ses:index:SesDomain  dev.example.com" in result.stdout
    assert "  aws:sesv2/emailIdentity:EmailIdentity  dev.example.com-identity" in result.stdout
    assert "_dmarc.dev.example.com" in result.stdout


def _project_with_stack(tmp_path: Path, stack_yaml: str) -> Path:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", tmp_path / "__main__.py")
    (tmp_path / "Pulumi.bad.yaml").write_text(stack_yaml, encoding="utf-8")
    return tmp_path


def test_cli_bad_config_exits_2_naming_each_problem_without_traceback(tmp_path: Path) -> None:
    project = _project_with_stack(
        tmp_path,
        "config:\n"
        "  aws:region: us-east-1\n"
        "  ses:domains:\n"
        "    - name: https://example.com\n"
        "      dmarc: {policy: strict, pct: 300}\n"
        "    - name: 10.0.0.1\n"
        "  ses:tagz: {}\n",
    )
    result = run_plan_cli("--stack", "bad", "--project-dir", str(project))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for expected in (
        "ses:domains[0].name = 'https://example.com'",
        "ses:domains[0].dmarc.policy = 'strict': must be one of none, quarantine, reject",
        "ses:domains[0].dmarc.pct = 300: must be a whole number from 0 to 100",
        "ses:domains[1].name = '10.0.0.1'",
        "ses:tagz: is not a known key",
        "did you mean 'tags'?",
    ):
        assert expected in result.stderr


def test_cli_unknown_stack_and_bad_yaml_exit_2(tmp_path: Path) -> None:
    missing = run_plan_cli("--stack", "no-such-stack")
    assert missing.returncode == 2 and "Pulumi.no-such-stack.yaml does not exist" in missing.stderr
    project = _project_with_stack(tmp_path, "config: [unclosed\n")
    broken = run_plan_cli("--stack", "bad", "--project-dir", str(project))
    assert broken.returncode == 2 and "not valid YAML" in broken.stderr
    assert "Traceback" not in missing.stderr + broken.stderr


def test_secure_values_get_a_stand_in_and_are_reported(tmp_path: Path) -> None:
    project = _project_with_stack(
        tmp_path,
        "config:\n"
        "  aws:region: eu-west-1\n"
        "  ses:dkimKey:\n"
        "    secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBB\n"
        "  ses:domains:\n"
        "    - name: example.org\n"
        "      dkim: {mode: byodkim, selector: s1, privateKeyConfig: dkimKey}\n"
        "      dns: {provider: external}\n",
    )
    result = run_plan_cli("--stack", "bad", "--project-dir", str(project), "--json")
    assert result.returncode == 0, result.stderr
    assert "ses:dkimKey is encrypted; a throwaway stand-in was used" in result.stderr
    document = json.loads(result.stdout)
    identity = next(r for r in document["resources"] if r["name"] == "example.org-identity")
    assert identity["inputs"]["dkimSigningAttributes"]["domainSigningPrivateKey"] == "[secret]"
    assert "PRIVATE KEY" not in result.stdout


def test_real_main_with_bad_config_declares_nothing() -> None:
    monitor = use_mocks()
    pulumi.runtime.set_all_config(
        {"ses:domains": json.dumps([{"name": "bad_name.example"}]), "aws:region": "us-east-1"}
    )
    exits: list[Any] = []

    @pulumi.runtime.test
    def program() -> None:
        try:
            runpy.run_path(str(REPO / "__main__.py"), run_name="__main__")
        except SystemExit as exit_:
            exits.append(exit_.code)

    program()
    assert exits == [2]
    assert monitor.declared == []
    pulumi.runtime.set_all_config({})


def test_a_declared_input_aws_would_refuse_is_named_and_exits_2(tmp_path: Path) -> None:
    """A program of the user's own that declares a queue name SQS refuses (81 characters): the
    plan names the resource, input, value, limit and source, lists it in ``--json``, exits 2."""
    project = _project_with_stack(
        tmp_path, "config:\n  aws:region: us-east-1\n  ses:domains:\n    - name: example.net\n"
    )
    with (project / "__main__.py").open("a", encoding="utf-8") as program:
        program.write('\nimport pulumi_aws\n\npulumi_aws.sqs.Queue("extra", name="q" * 81)\n')
    result = run_plan_cli("--stack", "bad", "--project-dir", str(project), "--json")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "1 declared input(s) AWS or the provider would refuse" in result.stderr
    assert f"extra (aws:sqs/queue:Queue): name = {'q' * 81}: must be length 1-80" in result.stderr
    (violation,) = json.loads(result.stdout)["constraint_violations"]
    assert violation["resource_name"] == "extra"
    assert violation["property"] == "name"
    assert violation["source"]


def test_cli_prints_configuration_warnings_and_still_plans(tmp_path: Path) -> None:
    project = _project_with_stack(
        tmp_path, "config:\n  aws:region: us-east-1\n  ses:domains:\n    - name: example.net\n"
    )
    result = run_plan_cli("--stack", "bad", "--project-dir", str(project))
    assert result.returncode == 0, result.stderr
    assert "plan: warning: ses:alarms.subscriptions: the reputation alerts topic has no" in (
        result.stderr
    )


def test_a_plan_after_an_unfinished_program_in_the_same_process_completes() -> None:
    """Mocks set up with a root stack whose outputs never ran (a test that raised before its
    program started) left tasks of another event loop in the SDK's pending set; the plan waited
    for them for ever. Run in a child process so a regression fails in seconds, not at the
    suite's timeout."""
    script = (
        "from tests.support.harness import use_mocks\n"
        "from components.plan import make_plan\n"
        "use_mocks('unfinished')\n"
        "print(len(make_plan('dev').resources))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout) == len(make_plan("dev").resources)


def test_the_records_table_says_where_each_record_is_written() -> None:
    prod = make_plan("prod")
    assert prod.record_destinations == {
        "example.com": {"provider": "route53", "zone": "example.com (looked up by name)"},
        "eu.example.com": {"provider": "route53", "zone": "example.com (looked up by name)"},
    }
    assert prod.to_json()["record_destinations"] == prod.record_destinations
    table = run_plan_cli("--stack", "prod").stdout
    header = next(line for line in table.splitlines() if line.startswith("NAME"))
    assert header.split() == ["NAME", "TYPE", "TTL", "PURPOSE", "PROVIDER", "ZONE", "VALUE"]
    dmarc = next(line for line in table.splitlines() if line.startswith("_dmarc.eu.example.com"))
    assert "route53   example.com (looked up by name)" in dmarc


def test_external_and_cloudflare_destinations_are_named() -> None:
    external = DnsConfig(provider=DnsProviderKind.EXTERNAL)
    assert external.zone_for("a.example") == "(not written: publish them yourself)"
    cloudflare = DnsConfig(provider=DnsProviderKind.CLOUDFLARE, zone_id="0" * 32)
    assert cloudflare.zone_for("a.example") == "0" * 32


def test_a_private_key_in_a_left_over_or_misspelt_key_is_never_printed(tmp_path: Path) -> None:
    """A key left in config after switching a domain to Easy DKIM, and a misspelt
    privateKeyConfig target: the plan names the keys and prints no part of the PEM."""
    pem = rsa_pem(2048)
    indented = "\n".join(f"    {line}" for line in pem.strip().splitlines())
    project = _project_with_stack(
        tmp_path,
        "config:\n"
        "  aws:region: us-east-1\n"
        "  ses:domains:\n"
        "    - name: example.com\n"
        "      dkim: {mode: byodkim, selector: s1, privateKeyConfig: dkimKey}\n"
        f"  ses:dkimKy: |\n{indented}\n"
        f"  ses:oldDkimKey: |\n{indented}\n",
    )
    result = run_plan_cli("--stack", "bad", "--project-dir", str(project))
    assert result.returncode == 2
    assert "ses:oldDkimKey: is not a known key" in result.stderr
    assert "names config key ses:dkimKey, which is not set" in result.stderr
    body = pem.strip().splitlines()[1]
    assert "PRIVATE KEY" not in result.stderr + result.stdout
    assert body[:20] not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_long_values_are_echoed_cut_to_a_bound(tmp_path: Path) -> None:
    project = _project_with_stack(
        tmp_path,
        "config:\n  aws:region: us-east-1\n  ses:domains:\n    - name: " + "a" * 5000 + "\n",
    )
    result = run_plan_cli("--stack", "bad", "--project-dir", str(project))
    assert result.returncode == 2
    assert "a" * 5000 not in result.stderr
    assert "(5002 characters)" in result.stderr
    assert len(result.stderr) < 2000


def test_an_unknown_option_is_a_bounded_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from components.plan.__main__ import main

    with pytest.raises(SystemExit) as exit_:
        main(["--stack", "dev", "--" + "x" * 5000])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "unrecognized arguments: --xxx" in err
    assert len(err) < 1000


def test_the_program_imports_modules_next_to_it(tmp_path: Path) -> None:
    """As under the Pulumi CLI: a consumer's program split into modules plans from any folder."""
    (tmp_path / "Pulumi.yaml").write_text("name: split\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.s.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  split:domains:\n    - name: split.example.com\n",
        encoding="utf-8",
    )
    (tmp_path / "split_helper_module.py").write_text("ANSWER = 42\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\nfrom split_helper_module import ANSWER\npulumi.export('answer', ANSWER)\n",
        encoding="utf-8",
    )
    try:
        plan = make_plan("s", tmp_path)
    finally:
        sys.modules.pop("split_helper_module", None)
    assert plan.outputs == {"answer": 42}
    assert str(tmp_path) not in sys.path


def _aws_class(type_token: str) -> str:
    """``aws:sesv2/emailIdentity:EmailIdentity`` as the Python SDK names it:
    ``aws.sesv2.EmailIdentity``."""
    _, module, cls = type_token.split(":")
    return f"aws.{module.split('/')[0]}.{cls}"


def test_the_readme_counts_the_global_stacks_resources() -> None:
    """Issue 14's figure (one domain in two regions with a global endpoint, dev-sized): the
    README's table per type and region is the plan's, and the snapshot's."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("What this costs in resources:") :]
    rows = re.findall(r"^\| `(aws\.[\w.]+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", section, re.M)
    documented = {name: tuple(map(int, numbers)) for name, *numbers in rows}
    components = int(re.search(r"has (\d+) component resources", section)[1])  # pyright: ignore[reportOptionalSubscript]
    reviewed = json.loads((SNAPSHOTS / "plan-global.json").read_text(encoding="utf-8"))
    for resources in (make_plan("global").resources, reviewed["resources"]):
        per_type: dict[str, list[int]] = {}
        for resource in resources:
            if not resource["type"].startswith("aws:"):
                continue
            row = per_type.setdefault(_aws_class(resource["type"]), [0, 0, 0, 0])
            column = ("eu-west-1", "us-east-1", None).index(resource["inputs"].get("region"))
            row[column] += 1
            row[3] += 1
        assert documented == {name: tuple(row) for name, row in per_type.items()}
        assert components == sum(not r["type"].startswith("aws:") for r in resources)
    assert documented["aws.sesv2.MultiRegionEndpoint"] == (1, 0, 0, 1)
    total = re.search(
        r"^\| all AWS resources \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", section, re.M
    )
    columns = zip(*documented.values(), strict=True)
    assert total and tuple(map(int, total.groups())) == tuple(map(sum, columns))
