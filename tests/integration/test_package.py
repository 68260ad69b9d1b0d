"""The installable package: built offline from pyproject.toml, imported as ``ses_domains``; and
the hash-locked supply chain: every pin in the locks, with hashes (bootstrap.sh, which installs
only from them, is tested in test_bootstrap.py)."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.package_support import DISTRIBUTION, IMPORT_NAME, run_installed
from tests.support.paths import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")


def _requirements() -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.lower()] = version
    return pins


def _version_in_init() -> str:
    tree = ast.parse((REPO / "components" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            assert isinstance(node.value, ast.Constant)
            return str(node.value.value)
    raise AssertionError("components/__init__.py has no __version__")


def test_project_metadata_names_a_semantic_version_and_the_import_name() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == DISTRIBUTION
    assert project["dynamic"] == ["version"]
    assert SEMVER.match(_version_in_init())
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert setuptools["package-dir"][IMPORT_NAME] == "components"
    assert "components" not in setuptools["packages"]


def test_dependencies_are_pinned_exactly_as_in_requirements_txt() -> None:
    pins = _requirements()
    declared = [*PYPROJECT["project"]["dependencies"]]
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        declared += extra
    for requirement in declared:
        name, _, version = requirement.partition("==")
        assert version, f"{requirement} is not pinned"
        assert pins[name.lower()] == version, f"{requirement} differs from requirements.txt"


def test_every_subpackage_of_components_is_packaged() -> None:
    folders = {
        path.parent.relative_to(REPO / "components").parts
        for path in (REPO / "components").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert setuptools["package-dir"] == {IMPORT_NAME: "components"}
    assert {".".join((IMPORT_NAME, *folder)) for folder in folders} == set(setuptools["packages"])


def test_public_api_list_matches_the_lazy_exports() -> None:
    import components

    exported = set(components._EXPORTS)  # pyright: ignore[reportPrivateUsage]
    assert set(components.__all__) == exported | {"__version__"}
    for name in components.__all__:
        assert getattr(components, name) is not None


PUBLIC_NAMES = {
    "__version__",
    "ConfigError",
    # the domain component, its props and enums
    "SesDomain",
    "SesDomainArgs",
    "EasyDkim",
    "Byodkim",
    "MailFromArgs",
    "DmarcArgs",
    "BimiArgs",
    "GlobalEndpointArgs",
    "PostmasterToolsArgs",
    "AdoptArgs",
    "AdoptedRecord",
    "Route53Dns",
    "CloudflareDns",
    "ExternalDns",
    "DkimKeyLength",
    "DmarcAlignment",
    "DmarcPolicy",
    "MxFailureBehavior",
    # the feedback loop's components
    "AccountContext",
    "ConfigurationSet",
    "ConfigurationSetArgs",
    "FeedbackTopics",
    "FeedbackTopicsArgs",
    "ReputationAlarms",
    "ReputationAlarmsArgs",
    "SubscriptionArgs",
    "QueueArgs",
    "TopicArgs",
    "KmsArgs",
    "DimensionArgs",
    "CloudWatchArgs",
    "EventBridgeArgs",
    "TrackingArgs",
    "VdmArgs",
    "ContactList",
    "ContactListArgs",
    "ContactListTopicArgs",
    "Tenant",
    "TenantArgs",
    "DedicatedIpPool",
    "DedicatedIpPoolArgs",
    "ScalingMode",
    "AccountVdm",
    "AccountVdmArgs",
    "SubscriptionStatus",
    "EventType",
    "TlsPolicy",
    "SuppressionReason",
    "HttpsPolicy",
    "FeatureStatus",
    "DimensionValueSource",
    "SubscriptionProtocol",
    # SMTP users
    "SmtpUser",
    "SmtpUserArgs",
    "SmtpGroup",
    "SmtpGroupArgs",
    "SmtpPolicyArgs",
    "SmtpSecretArgs",
    "SendingAuthorizationArgs",
    "SendAction",
    "ApiSender",
    "ApiSenderArgs",
    "TrustArgs",
    "ApiSenderKind",
}
"""Every public name, written out: adding or dropping one is a decision, not a side effect."""


def test_public_api_is_exactly_the_intended_names() -> None:
    import components
    import components.stack

    assert set(components.__all__) == PUBLIC_NAMES
    assert set(components.stack.__all__) == {
        "FeedbackLoop",
        "StackConfig",
        "build_stack",
        "declare_smtp_users",
        "parse_stack_config",
        "read_stack_config",
    }
    for name in components.stack.__all__:
        assert getattr(components.stack, name) is not None


def test_importing_a_pure_module_does_not_load_pulumi() -> None:
    result = run_installed(
        REPO,
        "import json, sys\n"
        "import components.stack_config, components.domain.records\n"
        "print(json.dumps([m for m in sys.modules if m.split('.')[0] == 'pulumi']))",
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_installed_package_imports_as_ses_domains_only(
    installed_package: Path, tmp_path: Path
) -> None:
    assert sorted(
        p.name for p in installed_package.iterdir() if not p.name.endswith(".dist-info")
    ) == ["bin", IMPORT_NAME]
    assert [p.name for p in (installed_package / "bin").iterdir()] == [DISTRIBUTION]
    dist_info = next(installed_package.glob("ses_domains-*.dist-info"))
    entry_points = (dist_info / "entry_points.txt").read_text(encoding="utf-8")
    assert "[console_scripts]\nses-domains = ses_domains.cli:main" in entry_points
    assert (installed_package / IMPORT_NAME / "checks" / "verify" / "cli.py").is_file()
    metadata = dist_info / "METADATA"
    text = metadata.read_text(encoding="utf-8")
    assert f"Version: {_version_in_init()}" in text
    assert "Requires-Dist: pulumi-aws==7.51.1" in text
    for checks_dependency in ("dnspython==2.9.2", "boto3==1.44.5"):  # ses-domains verify
        assert f"Requires-Dist: {checks_dependency}" in text
    for module in (installed_package / IMPORT_NAME).rglob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) components\b", source, re.M), module
    result = run_installed(
        installed_package,
        "import importlib, json, sys\n"
        "import ses_domains\n"
        "names = {n: getattr(ses_domains, n).__module__ for n in ses_domains.__all__\n"
        "         if n != '__version__'}\n"
        "try:\n"
        "    importlib.import_module('components')\n"
        "    shadow = True\n"
        "except ModuleNotFoundError:\n"
        "    shadow = False\n"
        "print(json.dumps({'version': ses_domains.__version__, 'file': ses_domains.__file__,\n"
        "                  'modules': sorted(set(names.values())), 'components': shadow}))",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["version"] == _version_in_init()
    assert report["file"].startswith(str(installed_package))
    assert report["components"] is False  # nothing named `components` is importable
    assert all(module.startswith("ses_domains.") for module in report["modules"])
    assert "ses_domains.domain.component" in report["modules"]
    assert "ses_domains.smtp.user" in report["modules"]


def test_installed_components_declare_a_domain_under_mocks(
    installed_package: Path, tmp_path: Path
) -> None:
    """A consumer's program: the installed package's SesDomain under the SDK's mock runtime."""
    result = run_installed(
        installed_package,
        """
import json
import pulumi
from ses_domains import DmarcArgs, DmarcPolicy, ExternalDns, SesDomain, SesDomainArgs
from ses_domains.plan.mocks import PlanMocks, RecordingMonitor

mocks = PlanMocks()
monitor = RecordingMonitor(mocks)
pulumi.runtime.set_mocks(mocks, project="consumer", stack="test", monitor=monitor)
seen = {}

@pulumi.runtime.test
def program():
    args = SesDomainArgs(name="Shop.Example.NET", region="eu-west-1", dns=ExternalDns(),
                         dmarc=DmarcArgs(policy=DmarcPolicy.REJECT))
    domain = SesDomain("shop", args)
    return domain.dns_records.apply(lambda records: seen.update(records=records))

program()
print(json.dumps({"types": sorted({r.type for r in monitor.declared}),
                  "records": seen["records"]}))
""",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "ses:index:SesDomain" in report["types"]
    assert "aws:sesv2/emailIdentity:EmailIdentity" in report["types"]
    dmarc = [r for r in report["records"] if r["purpose"] == "dmarc"]
    assert dmarc == [
        {
            "domain": "shop.example.net",
            "name": "_dmarc.shop.example.net",
            "type": "TXT",
            "value": "v=DMARC1; p=reject",
            "ttl": 1800,
            "purpose": "dmarc",
        }
    ]


@dataclass(frozen=True, kw_only=True)
class Locked:
    """One ``name==version [; marker]`` entry of a lock file."""

    name: str
    version: str
    marker: str
    hashes: int


LOCKS = {
    # lock: the requirements it must cover
    "requirements-dev.lock": ("requirements-dev.txt",),
    "requirements.lock": ("requirements.txt",),
    "policy/requirements.lock": ("policy/requirements.txt",),
    "provider/requirements.lock": ("pyproject.toml",),
}
PY311_LINUX = {"python_version": "3.11", "python_full_version": "3.11.2", "sys_platform": "linux"}


def _parse_lock(text: str) -> list[Locked]:
    entries: list[Locked] = []
    for line in text.replace("\\\n", " ").splitlines():
        if not re.match(r"[A-Za-z0-9]", line):
            continue
        requirement = Requirement(line.split(" --hash=")[0].strip())
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", line
        entries.append(
            Locked(
                name=canonicalize_name(requirement.name),
                version=specifier.version,
                marker=str(requirement.marker or ""),
                hashes=line.count("--hash=sha256:"),
            )
        )
    return entries


def _requirements_of(path: Path) -> list[Requirement]:
    """The requirements a .txt file names (following ``-r``), or a pyproject's dependencies, its
    extras and its build backend."""
    if path.suffix == ".toml":
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        project = document["project"]
        lines = [*project["dependencies"], *document["build-system"]["requires"]]
        lines += [r for extra in project["optional-dependencies"].values() for r in extra]
        return [Requirement(line) for line in lines]
    found: list[Requirement] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line.startswith("-r "):
            found += _requirements_of(path.parent / line.removeprefix("-r ").strip())
        elif line and not line.startswith("#"):
            found.append(Requirement(line))
    return found


def lock_problems(requirements: list[Requirement], lock_text: str) -> list[str]:
    """What a lock lacks: an entry without a hash, a requirement not locked at a version it
    allows (on Python 3.11, Linux, as CI and the README's machines run)."""
    entries = _parse_lock(lock_text)
    problems = [f"{e.name}=={e.version} has no hash" for e in entries if not e.hashes]
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        versions = sorted(
            e.version
            for e in entries
            if e.name == name and (not e.marker or Marker(e.marker).evaluate(PY311_LINUX))
        )
        if not any(requirement.specifier.contains(v) for v in versions):
            problems.append(f"{requirement} is not locked (the lock has {versions or 'nothing'})")
    return problems


@pytest.mark.parametrize("lock", LOCKS, ids=str)
def test_the_lock_covers_every_requirement_at_its_pinned_version_with_hashes(lock: str) -> None:
    requirements = [r for source in LOCKS[lock] for r in _requirements_of(REPO / source)]
    assert requirements
    assert lock_problems(requirements, (REPO / lock).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("lock", [lock for lock in LOCKS if "dev" not in lock], ids=str)
def test_every_lock_takes_its_versions_from_the_dev_lock(lock: str) -> None:
    dev = set(_parse_lock((REPO / "requirements-dev.lock").read_text(encoding="utf-8")))
    assert set(_parse_lock((REPO / lock).read_text(encoding="utf-8"))) <= dev


def test_a_missing_pin_and_a_missing_hash_are_caught() -> None:
    lock = (
        "pulumi==3.1.0 \\\n    --hash=sha256:" + "0" * 64 + "\n"
        "idna==3.20\n"
        "networkx==3.7 ; python_full_version >= '3.12' \\\n    --hash=sha256:" + "1" * 64 + "\n"
    )
    wanted = [Requirement("pulumi==3.272.0"), Requirement("networkx")]
    assert lock_problems(wanted, lock) == [
        "idna==3.20 has no hash",
        "pulumi==3.272.0 is not locked (the lock has ['3.1.0'])",
        "networkx is not locked (the lock has nothing)",
    ]


def test_lock_script_refuses_another_uv_than_the_pinned_one(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "lock.sh", tmp_path / "scripts")
    shutil.copy(REPO / "requirements-dev.txt", tmp_path)
    uv = tmp_path / ".venv" / "bin" / "uv"
    uv.parent.mkdir(parents=True)
    uv.write_text("#!/bin/sh\necho 'uv 0.0.1'\n")
    uv.chmod(0o755)
    result = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "lock.sh")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    pinned = next(r for r in _requirements_of(REPO / "requirements-dev.txt") if r.name == "uv")
    assert result.returncode == 2
    assert "found 0.0.1" in result.stderr
    assert f".venv/bin/pip install {pinned}" in result.stderr
    assert not list(tmp_path.glob("*.lock"))
