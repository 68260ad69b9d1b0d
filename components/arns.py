"""Principals and SES identity ARNs as stack config names them, checked and normalised.

Sending authorization policies, API senders' trust policies and senders that use another
account's identity all name AWS accounts, IAM roles and users, service principals or SES
identities; each is checked here once, against the partition of the stack's region, and
``*`` is never a principal. No Pulumi import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .names import normalize_address, normalize_domain
from .regions import partition_of, region_problem

ACCOUNT_ID = re.compile(r"\d{12}")
"""An AWS account id: exactly twelve digits."""
_IAM_PRINCIPAL = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):"
    r"(?:root|(?P<kind>role|user)/(?P<name>(?:[\x21-\x7e]+/)*[\w+=,.@-]{1,64}))"
)
_SERVICE_PRINCIPAL = re.compile(r"(?:[a-z0-9-]+\.)+amazonaws\.com(?:\.cn)?")
_IDENTITY_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):ses:(?P<region>[a-z0-9-]+):(?P<account>\d{12})"
    r":identity/(?P<identity>[^/\s]+)"
)
ANY_PRINCIPAL = ("*", "arn:aws:iam::*:root")


def root_arn(partition: str, account: str) -> str:
    """The principal ARN that stands for a whole account."""
    return f"arn:{partition}:iam::{account}:root"


def _refuse_any(text: str) -> None:
    if text.strip() in ANY_PRINCIPAL or "*" in text:
        raise ValueError(
            "may not be '*' or hold a wildcard: name the account (12 digits) or the IAM role "
            "or user ARN that may act"
        )


def parse_aws_principal(text: str, partition: str) -> str:
    """An account id (as its root ARN, which is also taken as given) or an IAM role or user
    ARN in ``partition``."""
    _refuse_any(text)
    if ACCOUNT_ID.fullmatch(text):
        return root_arn(partition, text)
    match = _IAM_PRINCIPAL.fullmatch(text)
    if match is None:
        raise ValueError(
            f"must be a 12-digit account id or an IAM role or user ARN such as "
            f"arn:{partition}:iam::111122223333:role/mailer"
        )
    if match["partition"] != partition:
        raise ValueError(
            f"is in partition {match['partition']}, but the identity is in {partition}; "
            "principals of another partition cannot be authorized"
        )
    return text


def parse_trust_principal(text: str, partition: str) -> tuple[str, str]:
    """A role's trusted principal: ``("Service", name)`` for a service principal such as
    ``lambda.amazonaws.com``, else ``("AWS", arn)`` as :func:`parse_aws_principal` gives it."""
    _refuse_any(text)
    if _SERVICE_PRINCIPAL.fullmatch(text):
        return "Service", text
    try:
        return "AWS", parse_aws_principal(text, partition)
    except ValueError as error:
        raise ValueError(
            f"{error}, or a service principal such as ecs-tasks.amazonaws.com"
        ) from None


@dataclass(frozen=True, kw_only=True)
class IdentityArn:
    """An SES identity of any account, by ARN."""

    arn: str
    """The ARN as given (its identity part normalised)."""
    region: str
    """The identity's region."""
    account: str
    """The account that owns the identity."""
    identity: str
    """The domain or address, lowercase A-labels."""

    @property
    def domain(self) -> str:
        """The domain of the identity (of the address, for an address identity)."""
        return self.identity.rsplit("@", 1)[-1]


def parse_identity_arn(text: str) -> IdentityArn:
    """``arn:<partition>:ses:<region>:<account>:identity/<domain or address>``, in a region
    where SES runs and the region's own partition."""
    match = _IDENTITY_ARN.fullmatch(text)
    if match is None:
        raise ValueError(
            "must be an SES identity ARN such as "
            "arn:aws:ses:us-east-1:111122223333:identity/example.com"
        )
    region = match["region"]
    if (problem := region_problem(region)) is not None:
        raise ValueError(f"names region {region}, which {problem}"[:300])
    if partition_of(region) != match["partition"]:
        raise ValueError(f"names partition {match['partition']}, but {region} is in another")
    identity = match["identity"]
    try:
        identity = normalize_address(identity) if "@" in identity else normalize_domain(identity)
    except ValueError as error:
        raise ValueError(f"names identity {identity[:80]!r}, which {error}") from None
    arn = f"arn:{match['partition']}:ses:{region}:{match['account']}:identity/{identity}"
    return IdentityArn(arn=arn, region=region, account=match["account"], identity=identity)
