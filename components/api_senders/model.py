"""The ``apiSenders`` section: IAM roles and users that send through the SES v2 API
(``SendEmail``) on the same identities, configuration sets and conditions as SMTP users.
Pure: no Pulumi (``api_senders/parse.py`` builds these from stack config)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ..smtp.model import DEFAULT_ROTATION, SmtpAccess

DEFAULT_API_PATH = "/ses-api/"
DEFAULT_SESSION_SECONDS = 3600
POLICY_NAME = "ses-api-send"
"""Name of the inline sending policy on the role or user."""


class ApiSenderKind(StrEnum):
    """What kind of IAM principal sends."""

    ROLE = "role"
    """An IAM role that workloads assume (AWS's recommendation: no long-lived keys)."""
    USER = "user"
    """An IAM user, optionally with an access key (exported only as a secret)."""


class TrustPrincipalKind(StrEnum):
    """How a trust policy names a principal."""

    AWS = "AWS"
    """An account (its root ARN) or an IAM role or user ARN."""
    SERVICE = "Service"
    """An AWS service principal such as ``lambda.amazonaws.com``."""


@dataclass(frozen=True, kw_only=True)
class TrustConfig:
    """Who may assume an API sender role (its trust policy)."""

    principals: tuple[tuple[TrustPrincipalKind, str], ...]
    """The trusted principals, each with how the policy names it."""
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(
        default_factory=dict[str, Mapping[str, tuple[str, ...]]]
    )
    """IAM condition operator -> condition key -> values (``StringEquals`` ->
    ``aws:SourceAccount`` -> ``("111122223333",)``)."""


@dataclass(frozen=True, kw_only=True)
class ApiSenderConfig:
    """One API sender: an IAM role or user with an inline send-only policy."""

    name: str
    """The IAM role or user name."""
    kind: ApiSenderKind
    """Role or user."""
    access: SmtpAccess
    """What it may send (the same model as an SMTP user's)."""
    trust: TrustConfig | None = None
    """A role's trust policy (``None`` for a user)."""
    path: str = DEFAULT_API_PATH
    """The IAM path."""
    max_session_seconds: int = DEFAULT_SESSION_SECONDS
    """A role's longest session, 3600-43200 seconds."""
    access_key: bool = False
    """A user's access key, exported as a secret (``accessKey``)."""
    rotation: str = DEFAULT_ROTATION
    """Label of the current access key; a new label rotates it."""
    previous_rotation: str | None = None
    """Label of the previous key, kept during a rotation."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags of the role or user (over the stack's ``tags``)."""
