"""Mutation testing per module (outside CI): scripts/mutation.sh's work.

Each module of ``scripts/mutation.toml`` is mutated on its own by mutmut 3, in a fresh folder
``.mutation/<module>/`` whose ``pyproject.toml`` is the repository's with the module
(``only_mutate``) and its tests (the test selection) added to ``[tool.mutmut]``. Every mutant is
run against those tests that reach the mutated function. The score table (killed, survived,
timeout, no tests, other, score) of every module measured so far is written as text and JSON
under ``out/mutation/``; a module's own record, with its survivors, under
``out/mutation/modules/`` (the survivors' diffs next to it).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "scripts" / "mutation.toml"
WORK = REPO / ".mutation"
OUT = REPO / "out" / "mutation"
LINKED = (
    "components",
    "tests",
    "schemas",
    "policy",
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "Pulumi.prod.yaml",
    "__main__.py",
    "checks.py",
)
"""What each module's folder links to: the tree mutmut copies and mutates, and what tests read."""
DETECTED = ("killed", "timeout")
"""Statuses that count as caught: a timeout is a mutant that made its tests run away (mutmut's
limits are 15 times the tests' clean time plus a second, in CPU and in wall time)."""


@dataclass(frozen=True, kw_only=True)
class Module:
    """A module to mutate and the test files that cover it."""

    path: str
    tests: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")


@dataclass(frozen=True, kw_only=True)
class Score:
    """One module's mutants by outcome."""

    module: str
    tests: list[str]
    source_sha256: str
    killed: int
    survived: int
    timeout: int
    no_tests: int
    other: int
    """Suspicious, segfault, skipped, not checked: anything mutmut could not judge."""
    total: int
    score: float
    """Percent of all mutants caught (killed or timed out)."""
    survivors: list[str]


class UsageError(Exception):
    """A bad argument, named with what is allowed."""


def read_table(path: Path = TABLE) -> list[Module]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    return [
        Module(path=str(entry["path"]), tests=tuple(str(t) for t in entry["tests"]))
        for entry in data["module"]
    ]


def select(modules: list[Module], wanted: list[str]) -> list[Module]:
    """The modules named by path, dotted name or unique file stem; all of them when none is."""
    if not wanted:
        return modules
    chosen: list[Module] = []
    unknown: list[str] = []
    for name in wanted:
        hits = [
            m
            for m in modules
            if name in (m.path, m.key) or name in (Path(m.path).stem, Path(m.path).name)
        ]
        if len(hits) == 1:
            if hits[0] not in chosen:
                chosen.append(hits[0])
        else:
            unknown.append(name[:200])
    if unknown:
        allowed = ", ".join(m.path for m in modules)
        raise UsageError(
            f"unknown or ambiguous module {', '.join(map(repr, unknown))}; allowed: {allowed}"
            " (a path, a dotted name or a file name)"
        )
    return chosen


def mutmut_config(module: Module, pyproject: str) -> str:
    """The repository's pyproject.toml with ``[tool.mutmut]`` narrowed to ``module``."""
    settings: dict[str, Any] = dict(tomllib.loads(pyproject)["tool"]["mutmut"])
    settings["only_mutate"] = [module.path]
    settings["pytest_add_cli_args_test_selection"] = list(module.tests)
    lines = pyproject.splitlines()
    start = lines.index("[tool.mutmut]")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("[")),
        len(lines),
    )
    table = ["[tool.mutmut]", *(f"{k} = {json.dumps(v)}" for k, v in settings.items())]
    return "\n".join([*lines[:start], *lines[end:], "", *table]) + "\n"


def check_files(module: Module) -> None:
    missing = [p for p in (module.path, *module.tests) if not (REPO / p).is_file()]
    if missing:
        raise UsageError(
            f"{TABLE.relative_to(REPO)}: {module.path}: missing file(s) {', '.join(missing)}"
        )


def prepare(module: Module) -> Path:
    """A fresh folder for ``module``: links to the sources and tests, its own pyproject.toml."""
    check_files(module)
    folder = WORK / module.key
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in LINKED:
        (folder / name).symlink_to(REPO / name)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(mutmut_config(module, pyproject), encoding="utf-8")
    return folder


def statuses(folder: Path, module: Module) -> dict[str, str]:
    """Each mutant's status, as mutmut names it, from the module's results file."""
    from mutmut.stats import status_by_exit_code

    meta = json.loads((folder / "mutants" / (module.path + ".meta")).read_text(encoding="utf-8"))
    codes: dict[str, int | None] = meta["exit_code_by_key"]
    return {name: status_by_exit_code[code] for name, code in codes.items()}


def score(module: Module, found: dict[str, str]) -> Score:
    counts = {s: sum(1 for v in found.values() if v == s) for s in set(found.values())}
    known = ("killed", "survived", "timeout", "no tests")
    total = len(found)
    caught = sum(counts.get(s, 0) for s in DETECTED)
    return Score(
        module=module.path,
        tests=list(module.tests),
        source_sha256=hashlib.sha256((REPO / module.path).read_bytes()).hexdigest(),
        killed=counts.get("killed", 0),
        survived=counts.get("survived", 0),
        timeout=counts.get("timeout", 0),
        no_tests=counts.get("no tests", 0),
        other=sum(n for s, n in counts.items() if s not in known),
        total=total,
        score=round(100 * caught / total, 1) if total else 100.0,
        survivors=sorted(n for n, s in found.items() if s != "killed" and s not in DETECTED),
    )


def run(module: Module, max_children: int, timeout: float) -> Score:
    folder = prepare(module)
    mutmut = Path(sys.executable).parent / "mutmut"
    log = folder / "mutmut.log"
    with log.open("w", encoding="utf-8") as out:
        try:
            done = subprocess.run(
                [str(mutmut), "run", "--max-children", str(max_children)],
                cwd=folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
        except subprocess.TimeoutExpired as e:
            raise RuntimeError(f"{module.path}: mutmut ran over {timeout:g} s; log: {log}") from e
    if done.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
        raise RuntimeError(f"{module.path}: mutmut exited {done.returncode}; log: {log}\n{tail}")
    result = score(module, statuses(folder, module))
    write_diffs(folder, module, result.survivors)
    return result


DIFFS = """
import sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
for name in sys.argv[2:]:
    print(get_diff_for_mutant(name, path=sys.argv[1]))
"""


def write_diffs(folder: Path, module: Module, names: list[str]) -> None:
    """Each survivor's diff, for whoever writes the test that kills it."""
    (OUT / "modules").mkdir(parents=True, exist_ok=True)
    with (OUT / "modules" / f"{module.key}.survivors.diff").open("w", encoding="utf-8") as out:
        subprocess.run(
            [sys.executable, "-c", DIFFS, module.path, *names],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=600,
            check=False,
        )


def stored(modules: list[Module]) -> list[tuple[Score, bool]]:
    """Every module's last record, in table order, each with whether its source changed since."""
    found: list[tuple[Score, bool]] = []
    for m in modules:
        path = OUT / "modules" / f"{m.key}.json"
        if path.is_file():
            s = Score(**json.loads(path.read_text(encoding="utf-8")))
            now = hashlib.sha256((REPO / m.path).read_bytes()).hexdigest()
            found.append((s, now != s.source_sha256))
    return found


def render(rows: list[tuple[Score, bool]]) -> str:
    head = ("module", "mutants", "killed", "survived", "timeout", "no tests", "other", "score")
    body = [
        (
            s.module + (" (source changed since)" if stale else ""),
            *(str(n) for n in (s.total, s.killed, s.survived, s.timeout, s.no_tests, s.other)),
            f"{s.score:.1f} %",
        )
        for s, stale in rows
    ]
    total = sum(s.total for s, _ in rows)
    caught = sum(s.killed + s.timeout for s, _ in rows)
    sums = [sum(getattr(s, f) for s, _ in rows) for f in ("killed", "survived", "timeout")]
    sums += [sum(s.no_tests for s, _ in rows), sum(s.other for s, _ in rows)]
    body.append(
        (
            "all",
            str(total),
            *(str(n) for n in sums),
            f"{100 * caught / total if total else 100.0:.1f} %",
        )
    )
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in [head, *body]
    ]
    return "\n".join(lines) + "\n"


def report(modules: list[Module]) -> str:
    rows = stored(modules)
    text = render(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scores.txt").write_text(text, encoding="utf-8")
    doc = {"modules": [{**asdict(s), "source_changed": stale} for s, stale in rows]}
    (OUT / "scores.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return text


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="scripts/mutation.sh",
        description="Mutation testing (mutmut) per module, against the tests that cover it.",
    )
    p.add_argument("modules", nargs="*", help="modules of scripts/mutation.toml (default: all)")
    p.add_argument("--max-children", type=int, default=2, help="parallel mutant runs (1-2)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds one module may take")
    p.add_argument("--report", action="store_true", help="only print the stored score table")
    args = p.parse_args(argv)
    if args.max_children not in (1, 2):
        p.error(f"--max-children: {args.max_children} is not allowed; 1 or 2 (the machine's cores)")
    if not 0 < args.timeout <= 86400:
        p.error(f"--timeout: {args.timeout:g} is not allowed; seconds, more than 0, at most 86400")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    modules = read_table()
    if args.report:
        sys.stdout.write(report(modules))
        return 0
    try:
        chosen = select(modules, args.modules)
        for m in chosen:
            check_files(m)  # every entry checked before the first long run
    except UsageError as e:
        print(f"mutation: {e}", file=sys.stderr)
        return 2
    WORK.mkdir(exist_ok=True)
    with (WORK / "lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("mutation: another run is under way in this checkout", file=sys.stderr)
            return 2
        ok = measure(chosen, args.max_children, args.timeout)
    sys.stdout.write(report(modules))
    return 0 if ok else 1


def measure(chosen: list[Module], max_children: int, timeout: float) -> bool:
    """Runs mutmut on each module in turn and stores its record; False if any run failed."""
    ok = True
    for m in chosen:
        print(f"mutation: {m.path} ({len(m.tests)} test files) ...", file=sys.stderr, flush=True)
        try:
            s = run(m, max_children, timeout)
        except RuntimeError as e:
            print(f"mutation: {e}", file=sys.stderr)
            ok = False
            continue
        record = json.dumps(asdict(s), indent=2) + "\n"
        (OUT / "modules" / f"{m.key}.json").write_text(record, encoding="utf-8")
        print(f"mutation: {m.path}: {s.score:.1f} % of {s.total}", file=sys.stderr)
    return ok


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
