"""``declare_api_senders``: every configured API sender of a stack, and its outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from ..smtp.declare import policy_for_access
from .args import ApiSenderArgs, TrustArgs
from .model import ApiSenderConfig, ApiSenderKind
from .sender import ApiSender


def api_endpoint(region: str) -> str:
    """The SES v2 API's endpoint in ``region``."""
    return f"email.{region}.amazonaws.com"


def _trust_args(sender: ApiSenderConfig) -> TrustArgs | None:
    if sender.trust is None:
        return None
    return TrustArgs(
        principals=[name for _, name in sender.trust.principals],
        conditions={
            operator: {key: list(values) for key, values in keys.items()}
            for operator, keys in sender.trust.conditions.items()
        },
    )


def declare_api_senders(
    senders: Sequence[ApiSenderConfig],
    *,
    tags: Mapping[str, str] | None = None,
    identity_arns: Mapping[str, pulumi.Input[str]] | None = None,
) -> tuple[dict[str, ApiSender], dict[str, Any]]:
    """Declare every configured API sender; ``identity_arns`` as ``declare_smtp_users`` takes
    them. Returns the components by name and the stack outputs: ``api_senders`` (nothing
    secret: kind, IAM name and ARN, regions and endpoints) and, when a user has an access key,
    ``api_sender_credentials`` (per such user ``access_key_id``, ``secret_access_key`` and
    ``region``), a secret as a whole."""
    base_tags = dict(tags or {})
    known = dict(identity_arns or {})
    components = {
        sender.name: ApiSender(
            f"api-{sender.name}",
            ApiSenderArgs(
                sender_name=sender.name,
                policy=policy_for_access(sender.access, known),
                kind=sender.kind,
                trust=_trust_args(sender),
                path=sender.path,
                max_session_duration=sender.max_session_seconds,
                access_key=sender.access_key,
                rotation=sender.rotation,
                previous_rotation=sender.previous_rotation,
                tags={**base_tags, **sender.tags},
            ),
        )
        for sender in senders
    }
    outputs: dict[str, Any] = {
        "api_senders": {
            sender.name: {
                "kind": sender.kind.value,
                "name": component.name,
                "arn": component.arn,
                "region": sender.access.primary_region,
                "regions": list(sender.access.regions),
                "endpoints": {region: api_endpoint(region) for region in sender.access.regions},
            }
            for sender, component in zip(senders, components.values(), strict=True)
        }
    }
    keyed = [
        (sender, component)
        for sender, component in zip(senders, components.values(), strict=True)
        if sender.kind is ApiSenderKind.USER and component.access_key_id is not None
    ]
    if keyed:
        outputs["api_sender_credentials"] = pulumi.Output.secret(
            {
                sender.name: {
                    "access_key_id": component.access_key_id,
                    "secret_access_key": component.secret_access_key,
                    "region": sender.access.primary_region,
                }
                for sender, component in keyed
            }
        )
    return components, outputs
