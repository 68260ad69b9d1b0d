"""``checks stats``: CloudWatch GetMetricData and DescribeAlarms through botocore's Stubber
against the service models, SES GetSendStatistics through the Stubber and against moto_server on
loopback; the sparklines and the PNG encoder; options checked up front. Nothing leaves loopback.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import boto3
import pytest

from components.checks.exit_status import ExitStatus
from components.checks.stats import cli as stats_cli
from components.checks.stats.chart import Panel, chart_png, sparkline
from components.checks.stats.fetch import metric_queries, send_statistics_days, window
from components.checks.stats.model import Count
from tests.support.aws_stubs import fake_aws_env, stubbed
from tests.support.checks_support import run_cli
from tests.support.moto_server import moto_server
from tests.support.paths import REPO

NOW = dt.datetime(2026, 12, 3, 15, 30, tzinfo=dt.UTC)
START, END = dt.datetime(2026, 12, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
DAYS = [START + dt.timedelta(days=i) for i in range(3)]
ALARMS = ["ses-dev-bounce-rate", "ses-dev-complaint-rate"]


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats_cli, "utc_now", lambda: NOW)


def metric_data(
    counts: dict[str, list[float]], rates: dict[str, list[float]] | None = None
) -> dict[str, Any]:
    """A GetMetricData answer: one value per day of DAYS for each series given."""
    results: list[dict[str, Any]] = [
        {"Id": ident, "Label": ident, "Timestamps": DAYS[: len(v)], "Values": v}
        for ident, v in {**counts, **(rates or {})}.items()
    ]
    for result in results:
        result["StatusCode"] = "Complete"
    return {"MetricDataResults": results, "Messages": []}


def send_statistics(points: list[tuple[dt.datetime, int, int, int, int]]) -> dict[str, Any]:
    return {
        "SendDataPoints": [
            {
                "Timestamp": stamp,
                "DeliveryAttempts": attempts,
                "Bounces": bounces,
                "Complaints": complaints,
                "Rejects": rejects,
            }
            for stamp, attempts, bounces, complaints, rejects in points
        ]
    }


def alarm(name: str, metric: str, threshold: float, state: str = "OK") -> dict[str, Any]:
    return {
        "AlarmName": name,
        "MetricName": metric,
        "Namespace": "AWS/SES",
        "Threshold": threshold,
        "StateValue": state,
        "StateReason": f"Threshold Crossed: {state}",
    }


GET_METRIC_DATA = {
    "MetricDataQueries": metric_queries(),
    "StartTime": START,
    "EndTime": END,
    "ScanBy": "TimestampAscending",
}
COUNTS = {
    "send": [100.0, 200.0, 50.0],
    "delivery": [97.0, 195.0, 49.0],
    "bounce": [2.0, 4.0, 1.0],
    "complaint": [0.0, 0.0, 0.0],
    "reject": [1.0, 0.0, 0.0],
}


def stats_client(service: str) -> Any:
    """The stubbed client :func:`stubbed` hands the commands."""
    from components.checks import aws_api

    return aws_api.client(service, "eu-west-1", None)


def outputs_file(tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(
        json.dumps(
            {"reputation_alarms": {"eu-west-1": {"alarm_names": ALARMS, "dashboard_name": None}}}
        )
    )
    return path


def test_window_is_whole_utc_days_up_to_today() -> None:
    assert window(3, NOW) == (START, END)
    local = NOW.astimezone(dt.timezone(dt.timedelta(hours=-10)))  # still 3 December in UTC
    assert window(1, local) == (dt.datetime(2026, 12, 3, tzinfo=dt.UTC), END)


def test_sparkline_scales_and_keeps_small_values_visible() -> None:
    assert sparkline([0, 1, 50, 100, None]) == "▁▂▅█ "
    assert sparkline([0.0, 0.05, 0.1], 0.1) == "▁▅█"
    assert sparkline([0, 2, 4], ascii_only=True) == "_=#"
    assert sparkline([0, 0]) == "▁▁"


def _read_png(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the RGB rows of a PNG written by the encoder (filter 0 rows),
    checking the signature and every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks[kind] = body
        pos += 12 + length
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 2) and b"IEND" in chunks
    raw = zlib.decompress(chunks[b"IDAT"])
    assert len(raw) == height * (1 + 3 * width)
    rows = b"".join(raw[y * (1 + 3 * width) + 1 : (y + 1) * (1 + 3 * width)] for y in range(height))
    return width, height, rows


def test_png_bars_and_level_lines_are_where_the_values_say() -> None:
    red, amber = (200, 0, 0), (230, 140, 0)
    png = chart_png([Panel(values=[1.0, 0.0, 2.0], colour=red, top=2.0, lines=[(1.0, amber)])])
    width, height, rows = _read_png(png)

    def pixel(x: int, y: int) -> tuple[int, ...]:
        return tuple(rows[(y * width + x) * 3 : (y * width + x) * 3 + 3])

    bottom = height - 8 - 1  # the row above the axis
    bar = (width - 16) // 3 - 1
    assert pixel(8, bottom) == red  # first bar: half height
    assert pixel(8, bottom - 40) == (255, 255, 255)
    assert pixel(8 + (bar + 1), bottom) == (255, 255, 255)  # zero: no bar
    assert pixel(8 + 2 * (bar + 1), 8) == red  # full height
    assert amber in {pixel(x, height - 8 - 30) for x in range(8, width - 8)}


def test_report_from_cloudwatch_with_alarms_and_cross_check(
    monkeypatch: pytest.MonkeyPatch, fixed_now: None, tmp_path: Path
) -> None:
    thresholds = [
        alarm(ALARMS[0], "Reputation.BounceRate", 0.04),
        alarm(ALARMS[1], "Reputation.ComplaintRate", 0.0008),
    ]
    with stubbed(monkeypatch, "cloudwatch", "ses") as stubs:
        rates = {"bounce_rate": [0.021, 0.022], "complaint_rate": [0.0001]}
        stubs["cloudwatch"].add_response(
            "get_metric_data", metric_data(COUNTS, rates), GET_METRIC_DATA
        )
        stubs["ses"].add_response(
            "get_send_statistics",
            send_statistics(
                [
                    (DAYS[0] + dt.timedelta(hours=1), 100, 2, 0, 1),
                    (DAYS[1] + dt.timedelta(hours=1), 150, 3, 0, 0),
                    (DAYS[1] + dt.timedelta(hours=2), 50, 1, 0, 0),
                    (DAYS[2] + dt.timedelta(hours=1), 50, 1, 0, 0),
                ]
            ),
            {},
        )
        stubs["cloudwatch"].add_response(
            "describe_alarms",
            {"MetricAlarms": thresholds},
            {"AlarmNames": ALARMS, "AlarmTypes": ["MetricAlarm"], "MaxRecords": 100},
        )
        result = run_cli(
            "stats", "--region", "eu-west-1", "--days", "3", "--stack-outputs",
            str(outputs_file(tmp_path)),
        )  # fmt: skip
    assert result.rc == ExitStatus.OK, result.err
    lines = result.out.splitlines()
    assert lines[0] == (
        "SES sending statistics for eu-west-1, 3 day(s) (2026-12-01 to 2026-12-03, UTC), "
        "from CloudWatch (AWS/SES metrics)"
    )
    assert "  2026-12-02   200       195       4          0       0     2.00%       0.000%" in lines
    assert "  total        350       341       7          0       1     2.00%       0.000%" in lines
    assert "  send        ▅█▃  most 200 a day" in lines
    assert (
        "  bounce     2.20% (Reputation.BounceRate, the latest daily maximum): ok; "
        "the stack's alarm at 4.00%"
    ) in lines
    assert (
        "  ses-dev-complaint-rate  OK                 Reputation.ComplaintRate >= 0.0008" in lines
    )
    assert any(line.startswith("cross-check:") and line.endswith(": agree") for line in lines)
    assert lines[-1] == "OK: no rate at a review level, no alarm in ALARM (exit status 0)"


def test_a_rate_at_the_review_level_or_an_alarm_in_alarm_exits_1_and_json(
    monkeypatch: pytest.MonkeyPatch, fixed_now: None, tmp_path: Path
) -> None:
    with stubbed(monkeypatch, "cloudwatch", "ses") as stubs:
        stubs["cloudwatch"].add_response(
            "get_metric_data",
            metric_data(COUNTS, {"bounce_rate": [0.06]}),
            GET_METRIC_DATA,
        )
        stubs["ses"].add_response("get_send_statistics", send_statistics([]), {})
        stubs["cloudwatch"].add_response(
            "describe_alarms",
            {"MetricAlarms": [alarm(ALARMS[0], "Reputation.BounceRate", 0.04, "ALARM")]},
            {"AlarmNames": ALARMS, "AlarmTypes": ["MetricAlarm"], "MaxRecords": 100},
        )
        result = run_cli(
            "stats", "--region", "eu-west-1", "--days", "3", "--json",
            "--stack-outputs", str(outputs_file(tmp_path)),
        )  # fmt: skip
    assert result.rc == ExitStatus.FOUND_PROBLEMS
    doc = result.doc
    assert (doc["ok"], doc["exit_status"], doc["source"]) == (False, 1, "cloudwatch")
    assert doc["rates"]["bounce"] == {
        "value": 0.06,
        "basis": "Reputation.BounceRate, the latest daily maximum",
        "level": "review",
        "review": 0.05,
        "pause": 0.1,
        "stack_threshold": 0.04,
    }
    assert doc["rates"]["complaint"]["basis"] == "0 of 350 sends in the window"
    assert doc["problems"] == [
        "bounce rate 6.0000% is at or over AWS's review level (5.0%)",
        "alarm ses-dev-bounce-rate is in ALARM",
    ]
    assert doc["missing_alarms"] == [ALARMS[1]]
    assert doc["days"][0] == {
        "day": "2026-12-01", "send": 100.0, "delivery": 97.0, "bounce": 2.0, "complaint": 0.0,
        "reject": 1.0,
    }  # fmt: skip


def test_cloudwatch_denied_falls_back_to_send_statistics(
    monkeypatch: pytest.MonkeyPatch, fixed_now: None
) -> None:
    with stubbed(monkeypatch, "cloudwatch", "ses") as stubs:
        stubs["cloudwatch"].add_client_error(
            "get_metric_data", service_error_code="AccessDenied", http_status_code=403
        )
        stubs["ses"].add_response(
            "get_send_statistics",
            send_statistics(
                [
                    (DAYS[1] + dt.timedelta(minutes=15), 40, 1, 0, 0),
                    (DAYS[1] + dt.timedelta(hours=5), 60, 2, 1, 0),
                    (DAYS[0] - dt.timedelta(hours=1), 999, 0, 0, 0),  # before the window
                ]
            ),
            {},
        )
        result = run_cli("stats", "--region", "eu-west-1", "--days", "3", "--json")
    assert result.rc == ExitStatus.FOUND_PROBLEMS  # 1 complaint in 100 sends
    assert result.doc["source"] == "ses_send_statistics"
    assert result.doc["days"][1] == {
        "day": "2026-12-02", "send": 100.0, "delivery": None, "bounce": 3.0, "complaint": 1.0,
        "reject": 0.0,
    }  # fmt: skip
    assert result.doc["rates"]["complaint"]["level"] == "pause"  # 1 of 100: the window's share
    assert result.doc["notes"] == [
        "cloudwatch GetMetricData: access denied (AccessDenied); the caller's IAM policy must "
        "allow cloudwatch:GetMetricData"
    ]


@pytest.mark.parametrize(
    ("code", "status"),
    [("AccessDenied", ExitStatus.DENIED), ("Throttling", ExitStatus.REJECTED)],
)
def test_both_sources_failing_exit_with_the_failure(
    monkeypatch: pytest.MonkeyPatch, fixed_now: None, code: str, status: ExitStatus
) -> None:
    with stubbed(monkeypatch, "cloudwatch", "ses") as stubs:
        stubs["cloudwatch"].add_client_error("get_metric_data", code, http_status_code=400)
        stubs["ses"].add_client_error("get_send_statistics", code, http_status_code=400)
        result = run_cli("stats", "--region", "eu-west-1")
    assert result.rc == status
    assert "cloudwatch GetMetricData" in result.err and "ses GetSendStatistics" in result.err
    assert result.out == "" and "Traceback" not in result.err


def test_describe_alarms_failing_is_incomplete(
    monkeypatch: pytest.MonkeyPatch, fixed_now: None, tmp_path: Path
) -> None:
    with stubbed(monkeypatch, "cloudwatch", "ses") as stubs:
        stubs["cloudwatch"].add_response("get_metric_data", metric_data(COUNTS), GET_METRIC_DATA)
        stubs["ses"].add_response("get_send_statistics", send_statistics([]), {})
        stubs["cloudwatch"].add_client_error("describe_alarms", "Throttling", http_status_code=400)
        result = run_cli(
            "stats", "--region", "eu-west-1", "--days", "3",
            "--stack-outputs", str(outputs_file(tmp_path)),
        )  # fmt: skip
    assert result.rc == ExitStatus.REJECTED
    assert result.out.splitlines()[-1].startswith("INCOMPLETE: the stack's alarms")
    assert "note: cloudwatch DescribeAlarms: throttled by AWS" in result.out


def test_every_bad_option_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"reputation_alarms": {}, "reputation_alarms": {}}')
    result = run_cli(
        "stats", "--region", "mars-1", "--days", "0", "--plot", str(tmp_path / "no" / "x.png"),
        "--stack-outputs", str(bad), "--endpoint-url", "127.0.0.1:5000",
    )  # fmt: skip
    assert result.rc == ExitStatus.USAGE
    for words in (
        "--region mars-1 is not a region where SES runs",
        "--days 0: allowed: 1 to 455",
        "x.png: its folder",
        "the key 'reputation_alarms' appears twice",
        "--endpoint-url 127.0.0.1:5000: allowed: an http:// or https:// URL",
    ):
        assert words in result.err, words


def test_the_plan_outputs_name_the_alarms_and_other_regions_are_refused(tmp_path: Path) -> None:
    plan = str(REPO / "tests" / "snapshots" / "plan-dev.json")
    result = run_cli("stats", "--region", "eu-west-1", "--stack-outputs", plan)
    assert result.rc == ExitStatus.USAGE
    assert "the stack has no alarms in eu-west-1 (regions with alarms: us-east-1)" in result.err


def test_plot_writes_a_png_and_its_legend(
    monkeypatch: pytest.MonkeyPatch, fixed_now: None, tmp_path: Path
) -> None:
    target = tmp_path / "stats.png"
    with stubbed(monkeypatch, "cloudwatch", "ses") as stubs:
        stubs["cloudwatch"].add_response("get_metric_data", metric_data(COUNTS), GET_METRIC_DATA)
        stubs["ses"].add_response("get_send_statistics", send_statistics([]), {})
        result = run_cli("stats", "--region", "eu-west-1", "--days", "3", "--plot", str(target))
    assert result.rc == ExitStatus.OK
    width, height, _ = _read_png(target.read_bytes())
    assert height == 8 + 7 * (60 + 8)  # five counts and two rates
    assert width > 16
    assert f"stats: wrote {target}; panels from the top: send per day (blue)" in result.err


def test_send_statistics_from_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_aws_env(monkeypatch)
    with moto_server() as url:
        ses = boto3.client("ses", region_name="eu-west-1", endpoint_url=url)
        ses.verify_email_identity(EmailAddress="sender@example.com")
        for _ in range(3):
            ses.send_email(
                Source="sender@example.com",
                Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
                Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
            )
        start, end = window(2, dt.datetime.now(dt.UTC))
        days = send_statistics_days(ses, start, end)
        monkeypatch.setattr(stats_cli, "utc_now", lambda: dt.datetime.now(dt.UTC))
        result = run_cli("stats", "--region", "eu-west-1", "--days", "2", "--json",
                         "--endpoint-url", url)  # fmt: skip
    assert sum(d.counts[Count.SEND] or 0 for d in days) == 3
    assert result.rc == ExitStatus.OK, result.err
    assert result.doc["source"] == "ses_send_statistics"  # moto's CloudWatch has no SES data
    assert result.doc["totals"]["send"] == 3.0


def test_building_the_parser_loads_no_aws_sdk_and_no_command_module() -> None:
    """The AWS commands import boto3 and their own modules when they run, not when
    ``python -m checks`` builds its parser."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from components.checks.__main__ import build_parser\n"
        "build_parser()\n"
        "lazy = ('boto3', 'botocore', 'components.checks.stats.fetch',\n"
        "        'components.checks.stats.report', 'components.checks.account.request')\n"
        "print([m for m in lazy if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_get_metric_data_pages_are_read_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    from components.checks.stats.fetch import cloudwatch_days

    with stubbed(monkeypatch, "cloudwatch") as stubs:
        first = metric_data({"send": [10.0]})
        first["NextToken"] = "page-2"
        second = metric_data({"send": [0.0, 5.0], "bounce_rate": [0.01, 0.03]})
        stubs["cloudwatch"].add_response("get_metric_data", first, GET_METRIC_DATA)
        stubs["cloudwatch"].add_response(
            "get_metric_data", second, {**GET_METRIC_DATA, "NextToken": "page-2"}
        )
        days, latest, has_data = cloudwatch_days(stats_client("cloudwatch"), START, END)
    assert [d.counts[Count.SEND] for d in days] == [10.0, 5.0, 0.0]  # a day without a point: 0
    assert [d.counts[Count.DELIVERY] for d in days] == [0.0, 0.0, 0.0]
    assert has_data
    assert [latest[r] for r in latest] == [0.03, None]


def test_describe_alarms_asks_at_most_100_names_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    from components.checks.stats.fetch import alarms

    names = [f"alarm-{i:03}" for i in range(101)]
    with stubbed(monkeypatch, "cloudwatch") as stubs:
        for chunk, found in ((names[:100], names[:1]), (names[100:], names[100:])):
            stubs["cloudwatch"].add_response(
                "describe_alarms",
                {"MetricAlarms": [alarm(n, "Reputation.BounceRate", 0.04) for n in found]},
                {"AlarmNames": chunk, "AlarmTypes": ["MetricAlarm"], "MaxRecords": 100},
            )
        got, missing = alarms(stats_client("cloudwatch"), names)
    assert [a.name for a in got] == ["alarm-000", "alarm-100"]
    assert missing == names[1:100]


def test_stack_outputs_from_stdin(monkeypatch: pytest.MonkeyPatch, fixed_now: None) -> None:
    outputs = {"reputation_alarms": {"eu-west-1": {"alarm_names": ALARMS[:1]}}}
    with stubbed(monkeypatch, "cloudwatch", "ses") as stubs:
        stubs["cloudwatch"].add_response("get_metric_data", metric_data(COUNTS), GET_METRIC_DATA)
        stubs["ses"].add_response("get_send_statistics", send_statistics([]), {})
        stubs["cloudwatch"].add_response(
            "describe_alarms",
            {
                "MetricAlarms": [
                    alarm(ALARMS[0], "Reputation.BounceRate", 0.04, "INSUFFICIENT_DATA")
                ]
            },
            {"AlarmNames": ALARMS[:1], "AlarmTypes": ["MetricAlarm"], "MaxRecords": 100},
        )
        result = run_cli(
            "stats", "--region", "eu-west-1", "--days", "3", "--json", "--stack-outputs", "-",
            stdin=json.dumps(outputs),
        )  # fmt: skip
    assert result.rc == ExitStatus.OK, result.err
    assert result.doc["alarms"][0]["state"] == "INSUFFICIENT_DATA"
    assert result.doc["rates"]["bounce"]["stack_threshold"] == 0.04
