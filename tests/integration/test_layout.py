"""The layout shows the architecture: no import cycles, imports one way, pure modules free of
Pulumi, modules of one concept, and docs/architecture.md naming exactly the modules there are."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.paths import REPO

PACKAGES = ("components",)
CHECKS = "components.checks"
"""The checks' package: it reads stack outputs and must run without Pulumi."""
LAYOUT_DOC = REPO / "docs" / "architecture.md"
MAX_LINES = 420
ONE_CONCEPT = {
    # module: why it may be longer than MAX_LINES
    "components/feedback/parse.py": "one parser for the feedback sections, sharing its helpers",
    "components/checks/dns/client.py": "one DNS client: sockets, window, retries, TCP fallback",
}
"""Modules longer than ``MAX_LINES`` that are still one concept, each with the reason."""

PURE = (
    "components/validation.py",
    "components/names.py",
    "components/regions.py",
    "components/api_limits.py",
    "components/physical_names.py",
    "components/arns.py",
    "components/constraints/model.py",
    "components/constraints/table.py",
    "components/constraints/check.py",
    "components/stack_config.py",
    "components/domain/model.py",
    "components/domain/parse.py",
    "components/domain/placement.py",
    "components/domain/records.py",
    "components/domain/bimi.py",
    "components/domain/postmaster.py",
    "components/checks/verify/readiness_stack.py",
    "components/domain/dkim_keys.py",
    "components/domain/authorization.py",
    "components/domain/extra_args.py",
    "components/domain/authorization_parse.py",
    "components/domain/adopt.py",
    "components/domain/adopt_parse.py",
    "components/feedback/model.py",
    "components/feedback/parse.py",
    "components/feedback/policies.py",
    "components/feedback/endpoint_checks.py",
    "components/feedback/names.py",
    "components/feedback/tracking.py",
    "components/deliverability/model.py",
    "components/deliverability/parse.py",
    "components/smtp/model.py",
    "components/smtp/parse.py",
    "components/smtp/access.py",
    "components/api_senders/model.py",
    "components/api_senders/parse.py",
    "components/api_senders/trust.py",
    "components/smtp/credentials.py",
    "components/multilang/hints.py",
    "components/multilang/schema.py",
    "components/multilang/props.py",
    "components/plan/stack_files.py",
)
"""Modules that must import no Pulumi (the checks, the plan's config step and tests use them)."""


@dataclass(frozen=True)
class Module:
    path: Path
    name: str
    imports: frozenset[str]
    """Every module of ``PACKAGES`` this one imports, at any level (also lazy and type-only)."""
    imports_pulumi: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Module]:
    paths = [p for package in PACKAGES for p in (REPO / package).rglob("*.py")]
    names = {_module_name(p) for p in paths}
    modules: dict[str, Module] = {}
    for path in paths:
        name = _module_name(path)
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found: set[str] = set()
        pulumi = False
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            pulumi |= any(t.split(".")[0] in {"pulumi", "pulumi_aws"} for t in targets)
            found |= {t for t in targets if t in names and t != name}
        modules[name] = Module(path, name, frozenset(found), pulumi)
    return modules


MODULES = _modules()


def _cycles() -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for other in MODULES[name].imports:
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in on_stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(MODULES):
        if name not in index:
            visit(name)
    return cycles


def test_the_packages_have_no_import_cycles() -> None:
    assert _cycles() == []


def test_a_cycle_would_be_found() -> None:
    """The cycle finder itself: a module graph with a known cycle."""
    saved = dict(MODULES)
    try:
        a, b = "components.names", "components.regions"
        MODULES[a] = Module(saved[a].path, a, saved[a].imports | {b}, False)
        MODULES[b] = Module(saved[b].path, b, saved[b].imports | {a}, False)
        assert [a, b] in _cycles()
    finally:
        MODULES.clear()
        MODULES.update(saved)


@pytest.mark.parametrize("path", PURE)
def test_pure_modules_import_no_pulumi(path: str) -> None:
    assert not MODULES[_module_name(REPO / path)].imports_pulumi


def _in_checks(name: str) -> bool:
    return name == CHECKS or name.startswith(f"{CHECKS}.")


def _checks_offenders() -> list[str]:
    """Imports of the checks that reach beyond themselves and the pure component modules, and
    checks modules that import Pulumi."""
    pure = {_module_name(REPO / path) for path in PURE}
    offenders = [
        f"{m.name} -> {i}"
        for m in MODULES.values()
        if _in_checks(m.name)
        for i in sorted(m.imports)
        if not _in_checks(i) and i not in pure and i.rsplit(".", 1)[0] not in pure
    ]
    return offenders + [
        f"{m.name} imports Pulumi"
        for m in MODULES.values()
        if _in_checks(m.name) and m.imports_pulumi
    ]


def test_the_checks_import_no_pulumi_and_only_pure_modules_of_the_components() -> None:
    assert any(_in_checks(name) for name in MODULES)
    assert _checks_offenders() == []


def test_an_impure_import_of_the_checks_would_be_found() -> None:
    saved = dict(MODULES)
    try:
        name = f"{CHECKS}.verify.cli"
        MODULES[name] = Module(
            saved[name].path, name, saved[name].imports | {"components.stack"}, True
        )
        assert _checks_offenders() == [
            f"{name} -> components.stack",
            f"{name} imports Pulumi",
        ]
    finally:
        MODULES.clear()
        MODULES.update(saved)


def test_imports_run_one_way_model_parse_components_stack() -> None:
    """A model imports no parser and no component; a parser imports no component; only the
    public API and the entry points import the stack builder or the plan."""
    wrong: list[str] = []
    for module in MODULES.values():
        leaf = module.name.rsplit(".", 1)[-1]
        for imported in module.imports:
            other = MODULES[imported]
            if leaf == "model" and (other.name.endswith(".parse") or other.imports_pulumi):
                wrong.append(f"{module.name} -> {imported}")
            if leaf == "parse" and other.imports_pulumi:
                wrong.append(f"{module.name} -> {imported}")
            is_api = module.path.name == "__init__.py"  # the lazy public API names everything
            if imported.endswith((".stack", ".plan")) and not (is_api or module.name == imported):
                wrong.append(f"{module.name} -> {imported}")
    assert wrong == []


def test_modules_hold_one_concept() -> None:
    sizes = {
        m.path.relative_to(REPO).as_posix(): len(m.path.read_text(encoding="utf-8").splitlines())
        for m in MODULES.values()
    }
    too_long = {p: n for p, n in sizes.items() if n > MAX_LINES and p not in ONE_CONCEPT}
    assert too_long == {}
    assert all(sizes[p] > MAX_LINES for p in ONE_CONCEPT), "an exemption is no longer needed"


_ENTRY = re.compile(r"^(?:[\w.]+/|\w+\.py)(?: (?:[\w.]+/|\w+\.py))*$")


def _documented_modules() -> set[str]:
    """Paths named in the layout block: on each line the names come first (folders end in
    ``/``), then, after two spaces, a description; indentation nests a line in the folder above."""
    text = LAYOUT_DOC.read_text(encoding="utf-8")
    block = text.split("## The layout", 1)[1].split("```", 2)[1]
    folders: list[tuple[int, str]] = []
    documented: set[str] = set()
    for line in block.splitlines():
        names = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        if not names or not _ENTRY.match(names):
            continue
        indent = len(line) - len(line.lstrip())
        while folders and folders[-1][0] >= indent:
            folders.pop()
        parent = folders[-1][1] if folders else ""
        tokens = names.split(" ")
        for token in tokens:
            documented.add(parent + token)
        if len(tokens) == 1 and tokens[0].endswith("/"):
            folders.append((indent, parent + tokens[0]))
    return documented


def test_the_architecture_doc_names_every_module_and_no_other() -> None:
    documented = {
        p for p in _documented_modules() if p.split("/")[0] in PACKAGES and p.endswith(".py")
    }
    actual = {
        m.path.relative_to(REPO).as_posix()
        for m in MODULES.values()
        if m.path.name != "__init__.py"
    }
    assert sorted(actual - documented) == [], "modules missing from docs/architecture.md"
    assert sorted(documented - actual) == [], "docs/architecture.md names modules that do not exist"
