"""``declare_smtp_users``: every configured SMTP user (and group) of a stack, and its outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from .args import secret_args
from .credentials import smtp_endpoint
from .group import SmtpGroup, SmtpGroupArgs
from .model import SmtpAccess, SmtpUserConfig
from .parse import smtp_groups
from .policy import SmtpPolicyArgs
from .user import SmtpUser, SmtpUserArgs


def policy_for_access(
    access: SmtpAccess, identity_arns: Mapping[str, pulumi.Input[str]]
) -> SmtpPolicyArgs:
    """The sending policy of a sender (SMTP or API) with ``access``; ``identity_arns`` as
    :func:`declare_smtp_users` takes them."""
    given = [
        item
        for item in access.identities
        if item.home and item.primary and item.identity in identity_arns
    ]
    return SmtpPolicyArgs(
        identity_arns=[*(identity_arns[item.identity] for item in given), *access.identity_arns],
        identities=[item for item in access.identities if item not in given],
        configuration_sets=list(access.configuration_sets),
        from_addresses=list(access.from_addresses),
        recipients=list(access.recipients),
    )


def declare_smtp_users(
    users: Sequence[SmtpUserConfig],
    *,
    tags: Mapping[str, str] | None = None,
    identity_arns: Mapping[str, pulumi.Input[str]] | None = None,
    provider_region: str | None = None,
) -> tuple[dict[str, SmtpUser], dict[str, Any]]:
    """Declare every configured SMTP user (and group) and build the stack outputs.

    ``identity_arns`` maps an identity (domain or address) to the ARN of the identity this stack
    declares in its configured region (``SesDomain.arn``, ``SesDomain.email_identity_arns``);
    identities not found there, and every extra region, get ARNs built from the account id.

    Returns the components by user name and ``{"smtp": ..., "smtp_credentials": ...}``: ``smtp``
    holds nothing secret (endpoints per region; per user the IAM user, regions and secret ARN);
    ``smtp_credentials`` holds, per user, ``username``, ``password``, ``passwords`` and ``region``,
    and is a secret as a whole.
    """
    base_tags = dict(tags or {})
    known = dict(identity_arns or {})
    groups = {
        group_name: SmtpGroup(
            f"smtp-group-{group_name}",
            SmtpGroupArgs(
                group_name=group_name,
                policy=policy_for_access(members[0].access, known),
                path=members[0].path,
            ),
        )
        for group_name, members in smtp_groups(users).items()
    }
    components: dict[str, SmtpUser] = {}
    for user in users:
        components[user.name] = SmtpUser(
            f"smtp-{user.name}",
            SmtpUserArgs(
                user_name=user.name,
                regions=list(user.access.regions),
                policy=None if user.group is not None else policy_for_access(user.access, known),
                group=groups[user.group] if user.group is not None else None,
                path=user.path,
                rotation=user.rotation,
                previous_rotation=user.previous_rotation,
                secret=secret_args(user),
                provider_region=provider_region,
                tags={**base_tags, **user.tags},
            ),
        )
    endpoints = {
        region: smtp_endpoint(region).as_output()
        for user in users
        for region in user.access.regions
    }
    smtp: dict[str, Any] = {
        "endpoints": dict(sorted(endpoints.items())),
        "users": {
            user.name: {
                "user_name": component.user_name,
                "user_arn": component.user_arn,
                "group": user.group,
                "region": user.access.primary_region,
                "regions": list(user.access.regions),
                "secret_arn": component.secret_arn,
            }
            for user, component in zip(users, components.values(), strict=True)
        },
    }
    credentials = pulumi.Output.secret(
        {
            user.name: {
                "username": component.username,
                "password": component.password,
                "passwords": component.passwords,
                "region": user.access.primary_region,
                "host": smtp_endpoint(user.access.primary_region).host,
            }
            for user, component in zip(users, components.values(), strict=True)
        }
    )
    return components, {"smtp": smtp, "smtp_credentials": credentials}
