"""The exit statuses: one enum, one meaning per number, the same table in docs/checks.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from components.checks.exit_status import ExitStatus
from components.checks.smtp import outcome
from tests.support.paths import REPO

DOCS = REPO / "docs" / "checks.md"
DEPLOY = REPO / "scripts" / "deploy.sh"


def _docs_rows() -> list[tuple[int, str, str, str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("\n## Exit status\n", 1)[1].split("\n## ", 1)[0]
    rows: list[tuple[int, str, str, str, str]] = []
    for line in section.splitlines():
        cells = [cell.strip().replace("`", "") for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].isdigit():
            assert len(cells) == 5, line
            rows.append((int(cells[0]), cells[1], cells[2], cells[3], cells[4]))
    return rows


def test_the_docs_table_and_the_enum_agree_both_ways() -> None:
    documented = _docs_rows()
    members = [(int(m), m.name, m.category, m.meaning, m.advice) for m in ExitStatus]
    assert documented == members


def test_one_meaning_per_number_and_every_member_explained() -> None:
    assert len(ExitStatus.__members__) == len(ExitStatus), "an alias shares a number"
    assert len({m.category for m in ExitStatus}) == len(ExitStatus)
    for member in ExitStatus:
        assert member.category and member.meaning and member.advice, member
        assert "|" not in member.meaning + member.advice  # they go into a Markdown table
    assert ExitStatus.USAGE == 2 and ExitStatus.INTERRUPTED == 130  # what the dispatcher returns


def test_smtp_words_every_failure_with_its_advice() -> None:
    assert outcome.category(ExitStatus.OK) == "sent"
    assert outcome.advice(ExitStatus.OK) == ""
    assert outcome.category(ExitStatus.UNCHECKED) == "connection failed"
    for member in ExitStatus:
        assert outcome.category(member)
        if member is not ExitStatus.OK:
            assert outcome.advice(member)


def test_deploy_sh_documents_its_statuses_against_the_table() -> None:
    script = DEPLOY.read_text(encoding="utf-8")
    header = "\n".join(line for line in script.splitlines()[1:] if line.startswith("#"))
    assert "docs/checks.md#exit-status" in header
    for status in sorted({int(n) for n in re.findall(r"\bexit (\d+)", script)}):
        assert re.search(rf"\b{status} [a-z]", header), f"deploy.sh exits {status} undocumented"
    section = DOCS.read_text(encoding="utf-8").split("\n## Exit status\n", 1)[1]
    assert "`scripts/deploy.sh`" in section.split("\n## ", 1)[0]


def test_the_checks_never_load_pulumi_and_build_the_parser_without_smtplib() -> None:
    code = (
        "import json, sys\n"
        "from components.checks.__main__ import build_parser\n"
        "build_parser()\n"
        "lazy = 'smtplib' in sys.modules\n"
        "from components.checks.__main__ import main\n"
        "assert main(['smtp', '--from', 'not-an-address']) == 2\n"  # runs the lazy imports
        "import components.checks.smtp.credentials, components.checks.smtp.outcome\n"
        "import components.checks.smtp.session\n"
        "import components.checks.verify.cli, components.checks.verify.report\n"
        "print(json.dumps({'smtplib': lazy,\n"
        "                  'pulumi': [m for m in sys.modules if m.split('.')[0] == 'pulumi']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == {"smtplib": False, "pulumi": []}
