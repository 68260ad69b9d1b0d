"""The AWS calls of ``checks stats``: CloudWatch GetMetricData (the AWS/SES counts per day and the
reputation rates), SES v1 GetSendStatistics (the last 14 days in 15-minute points), CloudWatch
DescribeAlarms (the stack's alarms). Each takes a boto3 client; errors are the caller's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from .model import Alarm, Count, Day, Rate

DAY = dt.timedelta(days=1)
MAX_PAGES = 20
"""At most this many GetMetricData pages (one page holds far more than 455 days of 7 series)."""
ALARM_NAMES_PER_CALL = 100
"""DescribeAlarms takes at most 100 names."""


def window(days: int, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The UTC days asked for: from midnight ``days - 1`` days before ``now``'s day to the
    midnight after it (today's counts so far included)."""
    today = dt.datetime.combine(now.astimezone(dt.UTC).date(), dt.time(), tzinfo=dt.UTC)
    return today - (days - 1) * DAY, today + DAY


def metric_queries() -> list[dict[str, Any]]:
    """GetMetricData's queries: each count's daily Sum, each rate's daily Maximum (the statistic
    the stack's alarms use)."""
    queries: list[dict[str, Any]] = []
    for ident, metric, stat in [
        *((c.value, c.metric, "Sum") for c in Count),
        *((f"{r.value}_rate", r.metric, "Maximum") for r in Rate),
    ]:
        queries.append(
            {
                "Id": ident,
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/SES", "MetricName": metric},
                    "Period": 86400,
                    "Stat": stat,
                },
                "ReturnData": True,
            }
        )
    return queries


def _day(timestamp: dt.datetime) -> dt.date:
    return timestamp.astimezone(dt.UTC).date()


def _all_days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    first, count = start.date(), (end - start) // DAY
    return [first + i * DAY for i in range(count)]


def cloudwatch_days(
    cloudwatch: Any, start: dt.datetime, end: dt.datetime
) -> tuple[list[Day], dict[Rate, float | None], bool]:
    """Every day's counts from GetMetricData (a day without data points counts 0), the latest
    daily maximum of each reputation rate, and whether any AWS/SES count had a data point."""
    values: dict[str, dict[dt.date, float]] = {}
    token: str | None = None
    for _ in range(MAX_PAGES):
        request: dict[str, Any] = {
            "MetricDataQueries": metric_queries(),
            "StartTime": start,
            "EndTime": end,
            "ScanBy": "TimestampAscending",
        }
        if token:
            request["NextToken"] = token
        page: dict[str, Any] = cloudwatch.get_metric_data(**request)
        results: list[dict[str, Any]] = page.get("MetricDataResults") or []
        for result in results:
            series = values.setdefault(result["Id"], {})
            stamps: list[dt.datetime] = result.get("Timestamps") or []
            numbers: list[float] = result.get("Values") or []
            for stamp, value in zip(stamps, numbers, strict=True):
                day = _day(stamp)
                series[day] = series.get(day, 0.0) + float(value)
        token = page.get("NextToken")
        if not token:
            break
    days = [
        Day(day=day, counts={c: values.get(c.value, {}).get(day, 0.0) for c in Count})
        for day in _all_days(start, end)
    ]
    latest: dict[Rate, float | None] = {}
    for rate in Rate:
        series = values.get(f"{rate.value}_rate", {})
        latest[rate] = series[max(series)] if series else None
    return days, latest, any(values.get(c.value) for c in Count)


def send_statistics_days(ses: Any, start: dt.datetime, end: dt.datetime) -> list[Day]:
    """GetSendStatistics' points summed per UTC day within the window (delivery attempts as
    sends; no delivery count). Days it does not cover (it keeps 14) are left out."""
    data: dict[str, Any] = ses.get_send_statistics()
    totals: dict[dt.date, dict[Count, float]] = {}
    points: list[dict[str, Any]] = data.get("SendDataPoints") or []
    for point in points:
        stamp: dt.datetime = point["Timestamp"]
        if not start <= stamp < end:
            continue
        day = totals.setdefault(_day(stamp), dict.fromkeys(Count, 0.0))
        day[Count.SEND] += float(point.get("DeliveryAttempts") or 0)
        day[Count.BOUNCE] += float(point.get("Bounces") or 0)
        day[Count.COMPLAINT] += float(point.get("Complaints") or 0)
        day[Count.REJECT] += float(point.get("Rejects") or 0)
    covered = [d for d in _all_days(start, end) if d >= (end - 14 * DAY).date()]
    return [
        Day(
            day=day,
            counts={**totals.get(day, dict.fromkeys(Count, 0.0)), Count.DELIVERY: None},
        )
        for day in covered
    ]


def alarms(cloudwatch: Any, names: Sequence[str]) -> tuple[list[Alarm], list[str]]:
    """The metric alarms named, and the names CloudWatch does not have."""
    found: list[Alarm] = []
    for i in range(0, len(names), ALARM_NAMES_PER_CALL):
        chunk = list(names[i : i + ALARM_NAMES_PER_CALL])
        data: dict[str, Any] = cloudwatch.describe_alarms(
            AlarmNames=chunk, AlarmTypes=["MetricAlarm"], MaxRecords=100
        )
        items: list[dict[str, Any]] = data.get("MetricAlarms") or []
        for item in items:
            found.append(
                Alarm(
                    name=item["AlarmName"],
                    state=item.get("StateValue", "INSUFFICIENT_DATA"),
                    metric=item.get("MetricName"),
                    threshold=item.get("Threshold"),
                    reason=item.get("StateReason"),
                )
            )
    have = {a.name for a in found}
    return found, [n for n in names if n not in have]
