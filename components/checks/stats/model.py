"""What ``checks stats`` shows: daily sending counts, the bounce and complaint rates held against
AWS's review and pause levels and the stack's own alarm thresholds, and the alarms' states (pure).

AWS's levels (Amazon SES Developer Guide, "Reputation metrics messages",
https://docs.aws.amazon.com/ses/latest/dg/reputationdashboardmessages.html): a bounce rate of
5 % puts the account under review and 10 % may pause its sending; for complaints 0.1 % and 0.5 %.
Rates are fractions (``0.05`` is 5 %), as CloudWatch's ``Reputation.*`` metrics give them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from ...feedback.model import BOUNCE_REVIEW_RATE, COMPLAINT_REVIEW_RATE
from ..exit_status import ExitStatus

BOUNCE_PAUSE_RATE = 0.10
"""AWS may pause sending at this bounce rate."""
COMPLAINT_PAUSE_RATE = 0.005
"""AWS may pause sending at this complaint rate."""
LEVELS_SOURCE = "https://docs.aws.amazon.com/ses/latest/dg/reputationdashboardmessages.html"


class Count(StrEnum):
    """A daily count: the value is its key in the JSON, :attr:`metric` its AWS/SES metric."""

    metric: str

    def __new__(cls, value: str, metric: str) -> Count:
        member = str.__new__(cls, value)
        member._value_ = value
        member.metric = metric
        return member

    SEND = ("send", "Send")
    DELIVERY = ("delivery", "Delivery")
    BOUNCE = ("bounce", "Bounce")
    COMPLAINT = ("complaint", "Complaint")
    REJECT = ("reject", "Reject")


class Rate(StrEnum):
    """A reputation rate: its AWS/SES metric, AWS's levels, and the count it is a share of."""

    metric: str
    review: float
    pause: float
    share_of: Count

    def __new__(cls, value: str, metric: str, review: float, pause: float, share_of: Count) -> Rate:
        member = str.__new__(cls, value)
        member._value_ = value
        member.metric = metric
        member.review = review
        member.pause = pause
        member.share_of = share_of
        return member

    BOUNCE = (
        "bounce",
        "Reputation.BounceRate",
        BOUNCE_REVIEW_RATE,
        BOUNCE_PAUSE_RATE,
        Count.BOUNCE,
    )
    COMPLAINT = (
        "complaint",
        "Reputation.ComplaintRate",
        COMPLAINT_REVIEW_RATE,
        COMPLAINT_PAUSE_RATE,
        Count.COMPLAINT,
    )


class Source(StrEnum):
    """Where the daily counts came from."""

    CLOUDWATCH = "cloudwatch"
    """CloudWatch GetMetricData on the AWS/SES metrics: every count, any number of days."""
    SEND_STATISTICS = "ses_send_statistics"
    """SES v1 GetSendStatistics: the last 14 days, delivery attempts as sends, no deliveries."""


@dataclass(frozen=True, kw_only=True)
class Day:
    """One UTC day's counts (``None``: the source does not have that count)."""

    day: dt.date
    counts: dict[Count, float | None]

    def rate(self, rate: Rate) -> float | None:
        """The day's share of ``rate``'s count in the sends (``None`` without sends)."""
        sends, part = self.counts.get(Count.SEND), self.counts.get(rate.share_of)
        return part / sends if sends and part is not None else None


class Level(StrEnum):
    """Where a rate stands."""

    NO_DATA = "no data"
    OK = "ok"
    OVER_STACK_THRESHOLD = "over the stack's alarm threshold"
    REVIEW = "at or over AWS's review level"
    PAUSE = "at or over AWS's pause level"


@dataclass(frozen=True, kw_only=True)
class RateCheck:
    """A rate held against AWS's levels and the stack's own threshold."""

    rate: Rate
    value: float | None
    """The rate judged: CloudWatch's latest reputation metric, else the window's share."""
    basis: str
    """Where :attr:`value` comes from, in words."""
    stack_threshold: float | None = None
    """The stack's alarm threshold for this rate (from its deployed alarm), if known."""

    @property
    def level(self) -> Level:
        """Where :attr:`value` stands."""
        if self.value is None:
            return Level.NO_DATA
        if self.value >= self.rate.pause:
            return Level.PAUSE
        if self.value >= self.rate.review:
            return Level.REVIEW
        if self.stack_threshold is not None and self.value >= self.stack_threshold:
            return Level.OVER_STACK_THRESHOLD
        return Level.OK


@dataclass(frozen=True, kw_only=True)
class Alarm:
    """A stack alarm as CloudWatch DescribeAlarms returns it."""

    name: str
    state: str
    """``OK``, ``ALARM`` or ``INSUFFICIENT_DATA``."""
    metric: str | None
    threshold: float | None
    reason: str | None


@dataclass(kw_only=True)
class Stats:
    """Everything ``checks stats`` found for one region."""

    region: str
    source: Source
    days: list[Day]
    rates: list[RateCheck]
    alarms: list[Alarm] = field(default_factory=list[Alarm])
    missing_alarms: list[str] = field(default_factory=list[str])
    """Alarm names the stack outputs give that CloudWatch does not have."""
    cross_check: dict[str, dict[str, float]] | None = None
    """Totals per source over the days both cover, when both were read."""
    notes: list[str] = field(default_factory=list[str])
    failed: ExitStatus | None = None
    """The status of a call that was asked for and failed (DescribeAlarms), if any."""

    def totals(self) -> dict[Count, float | None]:
        """Each count summed over the days (``None`` when the source lacks it)."""
        out: dict[Count, float | None] = {}
        for count in Count:
            values = [d.counts.get(count) for d in self.days]
            known = [v for v in values if v is not None]
            out[count] = sum(known) if known or not self.days else None
        return out

    def problems(self) -> list[str]:
        """What makes the exit status 1: a rate at a review level, an alarm in ALARM."""
        found = [
            f"{check.rate} rate {check.value:.4%} is {check.level} ({check.rate.review:.1%})"
            if check.level == Level.REVIEW
            else f"{check.rate} rate {check.value:.4%} is {check.level} ({check.rate.pause:.1%})"
            for check in self.rates
            if check.value is not None and check.level in (Level.REVIEW, Level.PAUSE)
        ]
        return found + [f"alarm {a.name} is in ALARM" for a in self.alarms if a.state == "ALARM"]

    def exit_status(self) -> ExitStatus:
        """1 when :meth:`problems` found any, else a failed call's status, else 0."""
        if self.problems():
            return ExitStatus.FOUND_PROBLEMS
        return self.failed or ExitStatus.OK
