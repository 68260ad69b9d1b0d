"""``python -m checks stats``: a region's sends, deliveries, bounces, complaints and rejects per
day, the bounce and complaint rates against AWS's levels and the stack's alarm thresholds, and
the stack's alarms (``--stack-outputs``); sparklines, and a PNG with ``--plot FILE``.

The counts come from CloudWatch (GetMetricData, AWS/SES); SES v1 GetSendStatistics is read too,
as the cross-check, and stands in when CloudWatch cannot be read or has no data. Exit status:
0 nothing at a review level, 1 a rate at a review level or an alarm in ALARM, 2 usage, 3 AWS
unreachable, 8 access denied, 9 other AWS error (the table: docs/checks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from .. import aws_api
from ..exit_status import ExitStatus

if TYPE_CHECKING:
    from .model import Day, Rate, RateCheck

MAX_DAYS = 455
"""CloudWatch keeps hourly data, from which the daily sums are made, for 455 days."""


def utc_now() -> dt.datetime:
    """The current time (a function, so that tests can fix it)."""
    return dt.datetime.now(dt.UTC)


def register(subparsers: Any) -> None:
    """Add the ``stats`` subcommand to ``python -m checks``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "stats",
        help="sends, deliveries, bounces, complaints, rejects per day; rates; the stack's alarms",
        description="A region's SES sending statistics per UTC day (CloudWatch AWS/SES metrics, "
        "cross-checked with SES GetSendStatistics), the bounce and complaint rates against "
        "AWS's review and pause levels and the stack's alarm thresholds, and the alarms' "
        "states. Exit status: 0 nothing at a review level, 1 a rate at a review level or an "
        "alarm in ALARM, 2 usage or no credentials, 3 AWS unreachable, 8 access denied, "
        "9 other AWS error.",
    )
    parser.add_argument("--region", required=True, metavar="REGION", help="the SES region")
    parser.add_argument(
        "--days",
        type=int,
        default=14,
        metavar="N",
        help=f"UTC days up to today, 1 to {MAX_DAYS} (default 14; GetSendStatistics keeps 14)",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON report")
    parser.add_argument(
        "--plot", metavar="FILE", help="also write the series as a PNG chart to FILE"
    )
    parser.add_argument(
        "--stack-outputs",
        metavar="FILE|-",
        help="the stack's outputs ('pulumi stack output --json'): its alarms in the region are "
        "read, with their thresholds and states; '-' reads stdin",
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="the CloudWatch and SES endpoint, an http(s) URL (e.g. a local moto_server)",
    )
    parser.set_defaults(handler=run)


def _plot_problem(path: str) -> str | None:
    if os.path.isdir(path):
        return "is a directory; give a file name such as stats.png"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"its folder {aws_api.shown(folder, 120)} does not exist"
    return None


def _option_problems(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """Every problem with the options, and the stack's alarm names in the region."""
    from ..verify.expected import InputError
    from .outputs import alarm_names, read_outputs, regions

    problems = aws_api.option_problems(args.region, args.endpoint_url)
    if not 1 <= args.days <= MAX_DAYS:
        problems.append(f"--days {args.days}: allowed: 1 to {MAX_DAYS}")
    if args.plot is not None:
        problem = _plot_problem(args.plot)
        if problem:
            problems.append(f"--plot {aws_api.shown(args.plot, 120)}: {problem}")
    names: list[str] = []
    if args.stack_outputs is not None:
        where = f"--stack-outputs {aws_api.shown(args.stack_outputs, 120)}"
        try:
            outputs = read_outputs(args.stack_outputs)
            names = alarm_names(outputs, args.region, where)
            if not names:
                declared = ", ".join(regions(outputs)) or "none"
                problems.append(
                    f"{where}: the stack has no alarms in {args.region} (regions with alarms: "
                    f"{declared})"
                )
        except InputError as exc:
            problems.append(str(exc))
    return problems, names


def _rate_checks(
    days: list[Day], latest: dict[Rate, float | None], thresholds: dict[str, float]
) -> list[RateCheck]:
    from .model import Count, Rate, RateCheck

    checks: list[RateCheck] = []
    sends = sum(d.counts.get(Count.SEND) or 0.0 for d in days)
    for rate in Rate:
        value = latest.get(rate)
        basis = f"{rate.metric}, the latest daily maximum"
        if value is None:
            part = sum(d.counts.get(rate.share_of) or 0.0 for d in days)
            value = part / sends if sends else None
            basis = f"{part:g} of {sends:g} sends in the window" if sends else "no sends"
        checks.append(
            RateCheck(
                rate=rate, value=value, basis=basis, stack_threshold=thresholds.get(rate.metric)
            )
        )
    return checks


def _cross_check(days: list[Day], fallback: list[Day]) -> dict[str, dict[str, float]]:
    """Both sources' totals of what both count, over the days GetSendStatistics covers."""
    from .model import Count

    covered = {d.day for d in fallback}
    keys = (Count.SEND, Count.BOUNCE, Count.COMPLAINT, Count.REJECT)
    return {
        name: {
            k.value: sum(d.counts.get(k) or 0.0 for d in series if d.day in covered) for k in keys
        }
        for name, series in (("cloudwatch", days), ("ses_send_statistics", fallback))
    }


def _ascii_only() -> bool:
    encoding: str | None = getattr(sys.stdout, "encoding", None)
    if not encoding:  # an in-memory text stream takes any character
        return False
    try:
        "█".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def run(args: argparse.Namespace) -> ExitStatus:
    """Check the options, read the statistics, print them; the exit status."""
    from .chart import chart_png
    from .fetch import alarms, cloudwatch_days, send_statistics_days, window
    from .model import Count, Source, Stats
    from .report import plot_panels, render_human, to_json

    problems, names = _option_problems(args)
    if problems:
        head = "invalid arguments:\n  " if len(problems) > 1 else ""
        print("stats: " + head + "\n  ".join(problems), file=sys.stderr)
        return ExitStatus.USAGE
    start, end = window(args.days, utc_now())
    notes: list[str] = []
    failures: list[aws_api.ApiFailure] = []
    cloudwatch = None
    try:
        cloudwatch = aws_api.client("cloudwatch", args.region, args.endpoint_url)
        days, latest, has_data = cloudwatch_days(cloudwatch, start, end)
    except Exception as exc:  # botocore raises many types; classify re-raises any other
        failures.append(aws_api.classify(exc, "cloudwatch GetMetricData"))
        days, latest, has_data = [], {}, False
    try:
        ses = aws_api.client("ses", args.region, args.endpoint_url)
        fallback = send_statistics_days(ses, start, end)
    except Exception as exc:
        failures.append(aws_api.classify(exc, "ses GetSendStatistics"))
        fallback = None
    if not days and fallback is None:
        for failure in failures:
            print(f"stats: {failure.message}", file=sys.stderr)
        return failures[0].status
    notes.extend(f.message for f in failures)
    source, cross = Source.CLOUDWATCH, None
    if fallback is not None:
        fallback_has_data = any(d.counts.get(Count.SEND) for d in fallback)
        if not days or (not has_data and fallback_has_data):
            if days:
                notes.append("CloudWatch has no AWS/SES data in the window; GetSendStatistics has")
            source, days, latest = Source.SEND_STATISTICS, fallback, {}
        else:
            cross = _cross_check(days, fallback)
    found, missing = [], []
    failed: ExitStatus | None = None
    if names:
        try:
            cloudwatch = cloudwatch or aws_api.client("cloudwatch", args.region, args.endpoint_url)
            found, missing = alarms(cloudwatch, names)
        except Exception as exc:
            failure = aws_api.classify(exc, "cloudwatch DescribeAlarms")
            notes.append(failure.message)
            failed = failure.status
    thresholds = {a.metric: a.threshold for a in found if a.metric and a.threshold is not None}
    stats = Stats(
        region=args.region,
        source=source,
        days=days,
        rates=_rate_checks(days, latest, thresholds),
        alarms=found,
        missing_alarms=missing,
        cross_check=cross,
        notes=notes,
        failed=failed,
    )
    if args.plot is not None:
        panels, legend = plot_panels(stats)
        try:
            with open(args.plot, "wb") as handle:
                handle.write(chart_png(panels))
        except OSError as exc:
            print(f"stats: --plot {aws_api.shown(args.plot, 120)}: {exc.strerror}", file=sys.stderr)
            return ExitStatus.USAGE
        print(
            f"stats: wrote {args.plot}; panels from the top: " + "; ".join(legend),
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(to_json(stats), indent=2))
    else:
        print(render_human(stats, ascii_only=_ascii_only()))
    return stats.exit_status()
