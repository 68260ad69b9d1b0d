"""``DomainRegion``: what an ``SesDomain`` exposes of its identity in one of its regions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi


@dataclass(frozen=True, kw_only=True)
class DomainRegion:
    """The domain's identity in one of its regions."""

    arn: pulumi.Output[str]
    """The identity's ARN in this region."""
    dkim_status: pulumi.Output[str]
    """SES's DKIM status of this region's identity (PENDING, SUCCESS, ...)."""
    verified_for_sending: pulumi.Output[bool]
    """Whether SES lets this region's identity send."""
    dkim_tokens: pulumi.Output[list[str]]
    """This region's Easy DKIM tokens (empty for BYODKIM)."""
    dns_records: pulumi.Output[list[dict[str, str | int]]]
    """The records this region's identity needs (``dns_records`` entries): its DKIM records
    and its MAIL FROM MX and SPF; DMARC and BIMI are the domain's, once."""
    mail_from_domain: str | None
    """This region's custom MAIL FROM domain, when enabled."""
    configuration_set_name: pulumi.Input[str] | None
    """This region's default configuration set, when one is given."""
    email_identity_arns: dict[str, pulumi.Output[str]]
    """ARN of each email address identity in this region, by address."""

    def summary(self) -> dict[str, Any]:
        """What the stack output ``identities.<domain>.regions`` holds of the region."""
        keys = ("arn", "dkim_status", "verified_for_sending", "mail_from_domain")
        return {key: getattr(self, key) for key in keys}
