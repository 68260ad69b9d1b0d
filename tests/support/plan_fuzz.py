"""Fuzzing the offline plan's input: arbitrary YAML trees at every config path the parsers read.

The paths are recorded as ``tests/components/test_config_docs.py`` records them: parsing its
maximal configuration with every :class:`~components.validation.Fields` accessor watched, here
with list indices kept (``ses:domains[0].dmarc.policy``), plus ``aws:region``, the BYODKIM key,
the whole ``config:`` section and the whole document. :func:`run_case` puts one drawn tree at
one path of that configuration, writes it as ``Pulumi.fuzz.yaml`` beside the real program and
runs ``python -m components.plan`` in-process, returning what a user would see.

Used by ``tests/components/test_plan_fuzz.py`` (bounded) and ``bench/plan_fuzz.py`` (long runs).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import io
import re
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import strategies as st

from components.plan.__main__ import main
from components.stack_config import parse_stack_config
from components.validation import Fields
from tests.components.test_config_docs import MAXIMAL, NAMESPACE, SECRET_KEY
from tests.support.paths import REPO

STACK = "fuzz"
MAX_OUTPUT = 64 * 1024
"""Characters of stdout and stderr together that one run may print."""
WHOLE_CONFIG = "config"
WHOLE_DOCUMENT = "<document>"
_TOP = re.compile(r"^([^.\[]+)(.*)$")
_SEGMENT = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def config_paths() -> tuple[str, ...]:
    """Every key path an accessor reads while parsing ``MAXIMAL``, indices kept, sorted; then
    ``aws:region``, the BYODKIM key's config key, ``config`` and the whole document."""
    seen: set[str] = set()
    original = Fields._get  # pyright: ignore[reportPrivateUsage]

    def get(self: Fields, key: str) -> object:
        seen.add(self.key_path(key))
        return original(self, key)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Fields, "_get", get)
        parse_stack_config(MAXIMAL, namespace=NAMESPACE, aws_region="us-east-1")
    seen.add(f"{NAMESPACE}:{SECRET_KEY}")
    return (*sorted(seen), "aws:region", WHOLE_CONFIG, WHOLE_DOCUMENT)


def base_config() -> dict[str, Any]:
    """The stack file's ``config:`` for ``MAXIMAL``: full keys to values."""
    return {"aws:region": "us-east-1", **{f"{NAMESPACE}:{k}": v for k, v in MAXIMAL.items()}}


def place(path: str, value: object) -> object:
    """The stack file's document with ``value`` at ``path`` of the maximal configuration."""
    if path == WHOLE_DOCUMENT:
        return value
    config = copy.deepcopy(base_config())
    if path == WHOLE_CONFIG:
        return {"config": value}
    top, rest = _TOP.match(path).groups()  # pyright: ignore[reportOptionalMemberAccess]
    parent: Any = config
    key: Any = top
    for index, name in _SEGMENT.findall(rest):
        parent = parent[key]
        key = int(index) if index else name
    parent[key] = value
    return {"config": config}


class _Shared(list[object]):
    """A list of one shared item repeated: written with anchors and aliases, shown briefly (a
    printer that walks it, as Hypothesis's does for an example, would take 8**levels steps)."""

    def __repr__(self) -> str:
        return f"<{len(self)} aliases of one list>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        del cycle
        printer.text(repr(self))


class _HugeInt:
    """An integer written with more digits than Python converts (4300)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Shared, yaml.SafeDumper.represent_list)
_Dumper.add_representer(
    _HugeInt,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:int", "9" * value.digits),
)


def to_yaml(document: object) -> str:
    """YAML text as a user could write it: dates unquoted, bytes as ``!!binary``, sets as
    ``!!set``, shared objects as anchors and aliases, non-string keys as they are."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


_NASTY_TEXT = (
    "",
    " ",
    "example.com",
    "EXAMPLE.COM.",
    "ex\u0430mple.com",
    "\u0441\u043e\u0441\u043e.com",
    "b\u00fccher.example",
    "xn--exmple-4nf.com",
    "https://example.com/x",
    "10.0.0.1",
    "mailto:d@example.com",
    "a@b@c",
    "us-east-1",
    "mars-1",
    "true",
    "null",
    "-1",
    "1e309",
    "[not json",
    '{"a": [1, 2]}',
    "secure: v1:abc",
    "\u202eevil",
    "a\u0000b",
    "x" * 300,
)


def _nest(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


def _bomb(levels: int) -> object:
    value: object = ["x" * 10]
    for _ in range(levels):
        value = _Shared([value] * 8)
    return value


HOSTILE_VALUES: tuple[object, ...] = (
    datetime.date(2026, 5, 1),
    b"\x00\xffbinary",
    {"a", "b"},
    None,
    "\u00e4" * 200_000,
    _HugeInt(5000),
    10**4000,
    _nest(100),
    {1: "foo", None: "x", False: "y", datetime.date(2026, 1, 1): "z", 2.5: []},
    "ex\u0430mple.com",
    [{"name": "ex\u0430mple.com", "region": datetime.datetime(2026, 1, 1, 12, 0)}],
    _bomb(9),
    [],
    {},
    float("nan"),
    "[not json",
    "secure: v1:abc",
)
"""Values no parser wants, one of which each path gets in turn."""


def _scalars() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(-(10**4000), 10**4000),
        st.integers(4301, 6000).map(_HugeInt),
        st.floats(),
        st.text(max_size=40),
        st.sampled_from(_NASTY_TEXT),
        st.builds(
            lambda text, count: text * count,
            st.text(min_size=1, max_size=4),
            st.integers(0, 50_000),
        ),
        st.dates(),
        st.datetimes(timezones=st.just(datetime.UTC) | st.none()),
        st.binary(max_size=40),
    )


_KEYS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(("name", "region", "enabled", "domains", "secure", "<<")),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.floats(allow_nan=False),
)


def yaml_trees() -> st.SearchStrategy[object]:
    """Scalars of every YAML type, lists, mappings with keys of any scalar type, sets, shared
    subtrees (anchors and aliases), nesting from 1 to 120 levels and alias bombs."""
    trees = st.recursive(
        _scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(_KEYS, children, max_size=4),
            st.sets(st.text(max_size=5), max_size=3),
            st.builds(lambda child, count: [child] * count, children, st.integers(2, 4)),
        ),
        max_leaves=12,
    )
    return st.one_of(
        trees,
        st.integers(1, 120).map(_nest),
        st.integers(1, 9).map(_bomb),
    )


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What one run of the plan showed."""

    status: int | None
    """The exit status; ``None`` when an exception escaped."""
    output: str
    """stdout and stderr together."""
    escaped: str | None
    """The traceback of an exception that escaped ``main``."""


def make_project(folder: Path) -> Path:
    """A project folder holding the real ``Pulumi.yaml`` and ``__main__.py``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "Pulumi.yaml", folder / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", folder / "__main__.py")
    return folder


def run_case(project: Path, path: str, value: object) -> Outcome:
    """Write ``value`` at ``path`` as the stack file and run the plan on it in-process."""
    (project / f"Pulumi.{STACK}.yaml").write_text(to_yaml(place(path, value)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status: int | None = None
    escaped: str | None = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(["--stack", STACK, "--project-dir", str(project), "--zone-file", "-"])
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else None
        except Exception:
            escaped = traceback.format_exc()
    return Outcome(status=status, output=out.getvalue() + err.getvalue(), escaped=escaped)


def problems_of(outcome: Outcome) -> list[str]:
    """Why an outcome is not what a user should get (empty when it is)."""
    problems: list[str] = []
    if outcome.escaped is not None:
        problems.append(f"an exception escaped:\n{outcome.escaped[-3000:]}")
    if outcome.status not in (0, 2):
        problems.append(f"exit status {outcome.status}")
    if "Traceback" in outcome.output:
        problems.append("a traceback was printed")
    if len(outcome.output) > MAX_OUTPUT:
        problems.append(f"{len(outcome.output)} characters printed; at most {MAX_OUTPUT}")
    return problems
