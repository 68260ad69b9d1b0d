"""A region's SES account as sesv2 GetAccount describes it: sandbox or production, the review of
a production-access request, the sending quota and the enforcement status (pure: it reads the
API's answer, it makes no call)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ReviewStatus(StrEnum):
    """``Details.ReviewDetails.Status``: where a production-access request stands."""

    PENDING = "PENDING"
    FAILED = "FAILED"
    GRANTED = "GRANTED"
    DENIED = "DENIED"


@dataclass(frozen=True, kw_only=True)
class AccountView:
    """What GetAccount says about the account in one region."""

    region: str
    """The region asked."""
    production: bool
    """``ProductionAccessEnabled``: out of the sandbox."""
    sending_enabled: bool | None
    """``SendingEnabled``."""
    enforcement_status: str | None
    """``EnforcementStatus``: ``HEALTHY``, ``PROBATION`` or ``SHUTDOWN``."""
    review_status: str | None
    """``Details.ReviewDetails.Status`` (``None`` when no request was ever made)."""
    case_id: str | None
    """``Details.ReviewDetails.CaseId``: the support case of the request."""
    mail_type: str | None
    """``Details.MailType`` of the last request."""
    max_24_hour_send: float | None
    """``SendQuota.Max24HourSend``."""
    max_send_rate: float | None
    """``SendQuota.MaxSendRate`` (messages per second)."""
    sent_last_24_hours: float | None
    """``SendQuota.SentLast24Hours``."""

    @property
    def mode(self) -> str:
        """``production`` or ``sandbox``."""
        return "production" if self.production else "sandbox"

    def as_json(self) -> dict[str, Any]:
        """The view as the JSON reports show it (``verify --json``'s ``account.<region>``)."""
        return {
            "mode": self.mode,
            "sending_enabled": self.sending_enabled,
            "enforcement_status": self.enforcement_status,
            "review_status": self.review_status,
            "review_case_id": self.case_id,
            "mail_type": self.mail_type,
            "max_24_hour_send": self.max_24_hour_send,
            "max_send_rate": self.max_send_rate,
            "sent_last_24_hours": self.sent_last_24_hours,
        }

    def review_text(self) -> str:
        """The request's review in words, with its case id, for a finding or a status line."""
        if self.review_status is None:
            return "no production-access request on record"
        case = f" (case {self.case_id})" if self.case_id else ""
        return f"production-access review {self.review_status}{case}"

    def sandbox_advice(self) -> str:
        """What to do about the sandbox, given the review's state."""
        case = f" (case {self.case_id})" if self.case_id else ""
        if self.review_status == ReviewStatus.PENDING:
            return f"the request for production access is under review{case}: wait for AWS's answer"
        if self.review_status in (ReviewStatus.DENIED, ReviewStatus.FAILED):
            return (
                f"the request for production access was {str(self.review_status).lower()}{case}: "
                "answer in that case in the AWS Support Center"
            )
        return (
            f"request production access: checks account request-production --region {self.region}"
        )


def account_view(region: str, data: dict[str, Any]) -> AccountView:
    """The :class:`AccountView` of a GetAccount answer."""
    quota: dict[str, Any] = data.get("SendQuota") or {}
    details: dict[str, Any] = data.get("Details") or {}
    review: dict[str, Any] = details.get("ReviewDetails") or {}
    return AccountView(
        region=region,
        production=bool(data.get("ProductionAccessEnabled")),
        sending_enabled=data.get("SendingEnabled"),
        enforcement_status=data.get("EnforcementStatus"),
        review_status=review.get("Status"),
        case_id=review.get("CaseId"),
        mail_type=details.get("MailType"),
        max_24_hour_send=quota.get("Max24HourSend"),
        max_send_rate=quota.get("MaxSendRate"),
        sent_last_24_hours=quota.get("SentLast24Hours"),
    )


def render(view: AccountView) -> list[str]:
    """The human lines of ``checks account status``."""

    def number(value: float | None) -> str:
        return "unknown" if value is None else f"{value:g}"

    return [
        f"SES account in {view.region}: {view.mode}"
        + ("" if view.production else f" ({view.sandbox_advice()})"),
        f"  review: {view.review_text()}"
        + (f", mail type {view.mail_type}" if view.mail_type else ""),
        f"  quota: {number(view.max_24_hour_send)} messages per 24 h, "
        f"{number(view.sent_last_24_hours)} sent in the last 24 h, "
        f"at most {number(view.max_send_rate)} per second",
        f"  sending enabled: {view.sending_enabled}, enforcement status: "
        f"{view.enforcement_status or 'unknown'}",
    ]
