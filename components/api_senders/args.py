"""``ApiSenderArgs`` and ``TrustArgs``: the typed props of an ``ApiSender``, checked by the
``apiSenders`` parser's own checks (:func:`.parse.parse_sender_settings`) and the SMTP policy
props' checks, every problem named in the props' terms in one ``ConfigError``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from ..regions import partition_of
from ..smtp.args import check_policy
from ..smtp.model import DEFAULT_ROTATION
from ..smtp.policy import SmtpPolicyArgs
from ..tag_values import checkable_tags
from ..validation import Fields, Problems, props_key_path
from .model import (
    DEFAULT_API_PATH,
    DEFAULT_SESSION_SECONDS,
    ApiSenderKind,
    TrustConfig,
)
from .parse import parse_sender_settings

PROPS = "ApiSenderArgs"


@dataclass(frozen=True, kw_only=True)
class TrustArgs:
    """Who may assume an API sender role."""

    principals: Sequence[str]
    """Service principals (``ecs-tasks.amazonaws.com``), 12-digit account ids or IAM role or
    user ARNs of the stack's partition; never ``*``."""
    conditions: Mapping[str, Mapping[str, Sequence[str]]] = field(
        default_factory=dict[str, Mapping[str, Sequence[str]]]
    )
    """IAM condition operator -> condition key -> values (one value may be a plain string),
    e.g. ``{"StringEquals": {"aws:SourceAccount": ["111122223333"]}}``."""


@dataclass(frozen=True, kw_only=True)
class ApiSenderArgs:
    """An IAM role or user that may send through the SES v2 API (``ses:SendEmail`` and
    ``ses:SendRawEmail``) from the identities its policy names, and nothing else."""

    sender_name: str
    """The IAM role or user name."""
    policy: SmtpPolicyArgs
    """What it may send: identities, configuration sets, From and recipient conditions (its
    ``actions`` are set to the API's two send actions)."""
    kind: ApiSenderKind = ApiSenderKind.ROLE
    """A role (workloads assume it) or a user."""
    trust: TrustArgs | None = None
    """Required for a role: who may assume it."""
    path: str = DEFAULT_API_PATH
    """The IAM path."""
    max_session_duration: int = DEFAULT_SESSION_SECONDS
    """A role's longest session, 3600-43200 seconds."""
    access_key: bool = False
    """A user's access key, exported as secrets (``access_key_id``, ``secret_access_key``)."""
    rotation: str = DEFAULT_ROTATION
    """Label of the user's current access key; a new label rotates it."""
    previous_rotation: str | None = None
    """Label of the previous key, kept during a rotation."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of the role or user (a value may be an output: checked once known)."""


def _shape(args: ApiSenderArgs) -> dict[str, object]:
    shape: dict[str, object] = {
        "name": args.sender_name,
        "kind": str(args.kind),
        "path": args.path,
        "tags": checkable_tags(args.tags),
    }
    # A setting of the other kind is given to the parser only when set, so it is refused.
    user_settings = {
        "accessKey": args.access_key or None,
        "rotation": None if args.rotation == DEFAULT_ROTATION else args.rotation,
        "previousRotation": args.previous_rotation,
    }
    if args.kind is ApiSenderKind.ROLE:
        shape["maxSessionDuration"] = args.max_session_duration
        shape |= {key: value for key, value in user_settings.items() if value is not None}
        if args.trust is not None:
            shape["trust"] = {
                "principals": list(args.trust.principals),
                "conditions": {
                    operator: {
                        key: value if isinstance(value, str) else list(value)
                        for key, value in keys.items()
                    }
                    for operator, keys in args.trust.conditions.items()
                },
            }
    else:
        shape |= {"accessKey": args.access_key, "rotation": args.rotation}
        if args.previous_rotation is not None:
            shape["previousRotation"] = args.previous_rotation
        if args.trust is not None:
            shape["trust"] = "TrustArgs(...)"
        if args.max_session_duration != DEFAULT_SESSION_SECONDS:
            shape["maxSessionDuration"] = args.max_session_duration
    return shape


def check_sender_args(args: ApiSenderArgs, aws_region: str | None) -> TrustConfig | None:
    """Validate props (the trust's principals in ``aws_region``'s partition); the parsed trust.
    Raises ``ConfigError`` listing every problem."""
    problems = Problems()
    fields = Fields(_shape(args), PROPS, problems)
    settings = parse_sender_settings(fields, partition_of(aws_region or "us-east-1"))
    fields.finish()
    check_policy(args.policy, f"{PROPS}.policy", problems)

    def rename(key: str) -> str:
        if key == f"{PROPS}.name":
            return f"{PROPS}.sender_name"
        head, marker, operators = key.partition(".conditions.")  # map keys stay as given
        return props_key_path(head, PROPS, PROPS, {}) + marker + operators

    problems.rename_keys(rename)
    problems.raise_if_any()
    return settings.trust
