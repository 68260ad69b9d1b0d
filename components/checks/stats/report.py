"""The human and JSON reports of ``checks stats``, and the panels of its ``--plot`` PNG."""

from __future__ import annotations

from typing import Any

from ..exit_status import ExitStatus
from .chart import PAUSE, REVIEW, THRESHOLD, Colour, Panel, sparkline
from .model import LEVELS_SOURCE, Count, Rate, RateCheck, Source, Stats

COLOURS: dict[Count, Colour] = {
    Count.SEND: (70, 110, 200),
    Count.DELIVERY: (40, 160, 90),
    Count.BOUNCE: (220, 120, 30),
    Count.COMPLAINT: (200, 40, 40),
    Count.REJECT: (120, 120, 120),
}
RATE_COLOURS: dict[Rate, Colour] = {Rate.BOUNCE: (220, 120, 30), Rate.COMPLAINT: (200, 40, 40)}
COLOUR_NAMES: dict[Colour, str] = {
    (70, 110, 200): "blue",
    (40, 160, 90): "green",
    (220, 120, 30): "orange",
    (200, 40, 40): "red",
    (120, 120, 120): "grey",
}
SOURCE_WORDS = {
    Source.CLOUDWATCH: "CloudWatch (AWS/SES metrics)",
    Source.SEND_STATISTICS: "SES GetSendStatistics (the last 14 days at most; no delivery count)",
}
DIGITS = {Rate.BOUNCE: 2, Rate.COMPLAINT: 3}


def percent(rate: Rate, value: float | None) -> str:
    """``value`` as a percentage with the digits the rate needs (``-`` for no value)."""
    return "-" if value is None else f"{value:.{DIGITS[rate]}%}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _rate_line(check: RateCheck) -> str:
    stack = (
        f"; the stack's alarm at {percent(check.rate, check.stack_threshold)}"
        if check.stack_threshold is not None
        else ""
    )
    return (
        f"  {check.rate:<10} {percent(check.rate, check.value)} ({check.basis}): "
        f"{check.level}{stack}"
    )


def render_human(stats: Stats, *, ascii_only: bool = False) -> str:
    """The report a person reads: a table per day, sparklines, rates, alarms, verdict."""
    first, last = stats.days[0].day, stats.days[-1].day
    lines = [
        f"SES sending statistics for {stats.region}, {len(stats.days)} day(s) "
        f"({first} to {last}, UTC), from {SOURCE_WORDS[stats.source]}",
        "",
    ]
    header = ["day", *(c.value for c in Count), *(f"{r.value} %" for r in Rate)]
    rows = [
        [
            str(d.day),
            *(_number(d.counts.get(c)) for c in Count),
            *(percent(r, d.rate(r)) for r in Rate),
        ]
        for d in stats.days
    ]
    totals = stats.totals()
    sends = totals[Count.SEND]
    rows.append(
        [
            "total",
            *(_number(totals[c]) for c in Count),
            *(percent(r, (totals[r.share_of] or 0) / sends if sends else None) for r in Rate),
        ]
    )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            row[0].ljust(widths[0]),
            *(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)),
        ]
        lines.append("  " + "  ".join(cells))
    lines.append("")
    for count in Count:
        values = [d.counts.get(count) for d in stats.days]
        if all(v is None for v in values):
            continue
        known = [v for v in values if v is not None]
        line = sparkline(values, ascii_only=ascii_only)
        lines.append(f"  {count.value:<11} {line}  most {max(known):g} a day")
    for rate in Rate:
        values = [d.rate(rate) for d in stats.days]
        line = sparkline(values, rate.pause, ascii_only=ascii_only)
        lines.append(f"  {rate.value + ' %':<11} {line}  full height: {percent(rate, rate.pause)}")
    lines += [
        "",
        "rates (AWS reviews the account at a 5 % bounce or 0.1 % complaint rate and may pause "
        f"its sending at 10 % or 0.5 %: {LEVELS_SOURCE}):",
        *(_rate_line(check) for check in stats.rates),
    ]
    if stats.alarms or stats.missing_alarms:
        lines.append("the stack's alarms:")
        width = max(len(name) for name in [*(a.name for a in stats.alarms), *stats.missing_alarms])
        for alarm in stats.alarms:
            rule = (
                f"{alarm.metric} >= {alarm.threshold:g}"
                if alarm.metric and alarm.threshold is not None
                else ""
            )
            lines.append(f"  {alarm.name:<{width}}  {alarm.state:<17}  {rule}".rstrip())
        lines.extend(
            f"  {name:<{width}}  not found in {stats.region}" for name in stats.missing_alarms
        )
    if stats.cross_check:
        lines.append(f"cross-check: {cross_check_text(stats.cross_check)}")
    lines.extend(f"note: {note}" for note in stats.notes)
    problems = stats.problems()
    status = stats.exit_status()
    if problems:
        verdict = f"PROBLEMS: {'; '.join(problems)}"
    elif stats.failed is not None:
        verdict = "INCOMPLETE: the stack's alarms could not be read (see the note)"
    else:
        verdict = "OK: no rate at a review level, no alarm in ALARM"
    lines += ["", f"{verdict} (exit status {status})"]
    return "\n".join(lines)


def cross_check_text(cross: dict[str, dict[str, float]]) -> str:
    """The two sources' totals side by side, and whether they agree."""
    cloudwatch, statistics = cross["cloudwatch"], cross["ses_send_statistics"]
    parts = [
        f"{key} {cloudwatch[key]:g} (GetSendStatistics {statistics[key]:g})" for key in cloudwatch
    ]
    verdict = "agree" if cloudwatch == statistics else "differ (CloudWatch is the one shown)"
    return f"CloudWatch over the days GetSendStatistics covers: {', '.join(parts)}: {verdict}"


def to_json(stats: Stats) -> dict[str, Any]:
    """The ``--json`` document."""
    status = stats.exit_status()
    totals = stats.totals()
    return {
        "ok": status == ExitStatus.OK,
        "exit_status": int(status),
        "region": stats.region,
        "source": stats.source.value,
        "days": [
            {"day": str(d.day), **{c.value: d.counts.get(c) for c in Count}} for d in stats.days
        ],
        "totals": {c.value: totals[c] for c in Count},
        "rates": {
            check.rate.value: {
                "value": check.value,
                "basis": check.basis,
                "level": check.level.name.lower(),
                "review": check.rate.review,
                "pause": check.rate.pause,
                "stack_threshold": check.stack_threshold,
            }
            for check in stats.rates
        },
        "alarms": [
            {
                "name": a.name,
                "state": a.state,
                "metric": a.metric,
                "threshold": a.threshold,
                "reason": a.reason,
            }
            for a in stats.alarms
        ],
        "missing_alarms": stats.missing_alarms,
        "cross_check": stats.cross_check,
        "problems": stats.problems(),
        "notes": stats.notes,
    }


def plot_panels(stats: Stats) -> tuple[list[Panel], list[str]]:
    """The PNG's panels (each count, then each rate with AWS's levels and the stack's
    threshold as lines) and a legend line per panel, top to bottom."""
    panels: list[Panel] = []
    legend: list[str] = []
    for count in Count:
        values = [d.counts.get(count) for d in stats.days]
        if all(v is None for v in values):
            continue
        panels.append(Panel(values=values, colour=COLOURS[count]))
        legend.append(f"{count.value} per day ({COLOUR_NAMES[COLOURS[count]]})")
    for check in stats.rates:
        rate = check.rate
        lines = [(rate.review, REVIEW), (rate.pause, PAUSE)]
        if check.stack_threshold is not None:
            lines.append((check.stack_threshold, THRESHOLD))
        panels.append(
            Panel(
                values=[d.rate(rate) for d in stats.days],
                colour=RATE_COLOURS[rate],
                top=rate.pause * 1.25,
                lines=lines,
            )
        )
        legend.append(
            f"{rate.value} rate per day; dashed: review level (amber), pause level (dark red)"
            + (", the stack's alarm threshold (blue)" if check.stack_threshold is not None else "")
        )
    return panels, legend
