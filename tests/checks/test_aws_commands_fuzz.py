"""``checks account request-production`` and ``checks stats`` given arbitrary option values and
stack outputs: exit status 0 or 2, no traceback, no "internal error", bounded messages. The
request is never sent (no --yes) and stats always has a bad option, so no AWS call is made; the
endpoint is a closed loopback port all the same."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.checks.exit_status import ExitStatus
from tests.support.aws_stubs import CLOSED, fake_aws_env
from tests.support.checks_support import run_cli

EXAMPLES = int(os.environ.get("CHECKS_FUZZ_EXAMPLES", "120"))
MAX_LINE = 800
"""No message line is longer: values are shown cut to at most 200 characters; the longest line
is --region's, which lists every SES region (about 550 characters)."""

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
options = st.fixed_dictionaries(
    {
        "--region": st.one_of(text, st.sampled_from(["eu-west-1", "us-east-1", "eu-west-9"])),
        "--mail-type": st.one_of(text, st.sampled_from(["TRANSACTIONAL", "marketing"])),
        "--website-url": st.one_of(
            text, st.sampled_from(["https://www.example.com", "http://[::1", "https://a.b:0/x"])
        ),
        "--use-case": text,
        "--language": st.one_of(text, st.sampled_from(["EN", "ja"])),
    }
)
contacts = st.lists(
    st.one_of(text, st.emails(), st.sampled_from(["ops@bücher.example", "a@b"])), max_size=6
)


def _clean(result_err: str, result_out: str) -> None:
    for stream in (result_err, result_out):
        assert "Traceback" not in stream and "internal error" not in stream
        assert all(len(line) <= MAX_LINE for line in stream.splitlines()), stream[:2000]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_aws_env(monkeypatch)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=options, addresses=contacts)
def test_request_production_never_crashes(
    aws: None, values: dict[str, str], addresses: list[str]
) -> None:
    argv = ["account", "request-production", "--endpoint-url", CLOSED]
    for option, value in values.items():
        argv.append(f"{option}={value}")
    argv += [f"--contact={a}" for a in addresses]
    result = run_cli(*argv)
    assert result.rc in (ExitStatus.OK, ExitStatus.USAGE), result.err
    _clean(result.err, result.out)
    if result.rc == ExitStatus.OK:
        assert result.out.rstrip().endswith("not sent: add --yes to send this request")


outputs = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
documents = st.one_of(
    outputs.map(json.dumps),
    outputs.map(lambda v: json.dumps({"reputation_alarms": {"eu-west-1": v}})),
    outputs.map(lambda v: json.dumps({"reputation_alarms": {"eu-west-1": {"alarm_names": v}}})),
    text,
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(document=documents, days=st.integers(-10, 1000), plot=text)
def test_stats_options_never_crash(
    aws: None, tmp_path: Path, document: str, days: int, plot: str
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(document, encoding="utf-8")
    result = run_cli(
        "stats", "--region", "nowhere-1", "--endpoint-url", CLOSED, "--days", str(days),
        f"--plot={tmp_path / 'missing' / 'x.png'}" if not plot else f"--plot={plot}",
        "--stack-outputs", str(path),
    )  # fmt: skip
    assert result.rc == ExitStatus.USAGE, result.err
    assert "--region nowhere-1 is not a region where SES runs" in result.err
    _clean(result.err, result.out)
