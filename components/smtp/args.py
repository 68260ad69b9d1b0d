"""Checking the typed props of ``SmtpUser`` and ``SmtpGroup`` with the ``smtpUsers`` parser's
own checks (:mod:`.parse`), every problem named in the props' terms (``SmtpUserArgs.rotation``)
in one ``ConfigError`` before anything is declared. Also :class:`SmtpSecretArgs`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pulumi

from ..feedback.model import CONFIGURATION_SET_NAME
from ..tag_values import checkable_tags
from ..validation import Fields, Problems, check_each, props_key_path
from .access import check_partitions, check_regions, parse_recipient_pattern
from .model import DEFAULT_RECOVERY_WINDOW_DAYS, SmtpUserConfig
from .parse import check_iam_name, parse_key_settings, parse_secret
from .policy import SmtpPolicyArgs

_PATTERN = "must be an address or wildcard (* any characters, ? one) such as *@example.com"


@dataclass(frozen=True, kw_only=True)
class SmtpSecretArgs:
    """An AWS Secrets Manager secret holding host, ports, username and passwords."""

    name: str | None = None
    """The secret's name (``None``: ``ses-smtp/<user name>/credentials``)."""
    kms_key_id: pulumi.Input[str] | None = None
    """Customer-managed KMS key (id, ARN or ``alias/...``) in the primary region, or an output
    such as an ``aws.kms.Key``'s ``arn`` (then AWS's to check) (``None``: the account's
    ``aws/secretsmanager`` key)."""
    recovery_window_days: int = DEFAULT_RECOVERY_WINDOW_DAYS
    """Days a deleted secret can be restored: 0 (at once) or 7-30."""


class UserProps(Protocol):
    """What :func:`check_user_args` reads of ``SmtpUserArgs`` (defined with the component)."""

    @property
    def user_name(self) -> str: ...
    @property
    def regions(self) -> Sequence[str]: ...
    @property
    def policy(self) -> SmtpPolicyArgs | None: ...
    @property
    def group(self) -> object | None: ...
    @property
    def path(self) -> str: ...
    @property
    def rotation(self) -> str: ...
    @property
    def previous_rotation(self) -> str | None: ...
    @property
    def secret(self) -> SmtpSecretArgs | None: ...
    @property
    def tags(self) -> Mapping[str, pulumi.Input[str]]: ...


class GroupProps(Protocol):
    """What :func:`check_group_args` reads of ``SmtpGroupArgs``."""

    @property
    def group_name(self) -> str: ...
    @property
    def policy(self) -> SmtpPolicyArgs: ...
    @property
    def path(self) -> str: ...


KMS_KEY_STAND_IN = "alias/known-when-deployed"
"""A valid key alias the parser checks in place of a KMS key id given as an Output."""


def checkable_kms_key_id(kms_key_id: object) -> object:
    """A KMS key id as the parser checks it: an Output (known later) stands in as an alias."""
    return KMS_KEY_STAND_IN if isinstance(kms_key_id, pulumi.Output) else kms_key_id


def secret_args(user: SmtpUserConfig) -> SmtpSecretArgs | None:
    """The secret props of a user parsed from stack config (``None``: no secret)."""
    if not user.secret.enabled:
        return None
    return SmtpSecretArgs(
        name=user.secret_name,
        kms_key_id=user.secret.kms_key_id,
        recovery_window_days=user.secret.recovery_window_days,
    )


def check_policy(policy: object, path: str, problems: Problems) -> None:
    """Add the problems of ``SmtpPolicyArgs`` props at ``path`` (``SmtpUser``, ``SmtpGroup``
    and ``ApiSender`` take them)."""
    if not isinstance(policy, SmtpPolicyArgs):
        problems.add(path, policy, "must be SmtpPolicyArgs(...)")
        return
    if not policy.identity_arns and not policy.identities:
        problems.add(
            f"{path}.identity_arns",
            [],
            "must name at least one identity (identity_arns, e.g. SesDomain.arn, or identities)",
        )
    fields = Fields(
        {
            "fromAddresses": list(policy.from_addresses),
            "recipients": list(policy.recipients),
            "configurationSets": [item.name for item in policy.configuration_sets],
        },
        path,
        problems,
    )
    for key in ("fromAddresses", "recipients"):
        check_each(fields.string_list(key), problems, parse_recipient_pattern, _PATTERN)
    for item_path, name in fields.string_list("configurationSets"):
        if not CONFIGURATION_SET_NAME.match(name):
            problems.add(item_path, name, "must be a configuration set name: 1-64 of A-Za-z0-9_-")


def check_user_args(args: UserProps) -> list[str]:
    """Validate props; the regions, each once. Raises ``ConfigError`` listing every problem."""
    problems = Problems()
    shape: dict[str, object] = {
        "name": args.user_name,
        "regions": list(args.regions),
        "path": args.path,
        "rotation": args.rotation,
        "previousRotation": args.previous_rotation,
        "tags": checkable_tags(args.tags),
    }
    secret = args.secret
    if secret is not None:
        shape["secret"] = {
            "name": secret.name,
            "kmsKeyId": checkable_kms_key_id(secret.kms_key_id),
            "recoveryWindowInDays": secret.recovery_window_days,
        }
    fields = Fields(shape, "SmtpUserArgs", problems)
    check_iam_name(fields, "name", group=False)
    regions = check_regions(fields, "regions")
    if not args.regions:
        problems.add("SmtpUserArgs.regions", [], "must list at least one SES region")
    check_partitions(fields, "regions", regions)
    parse_key_settings(fields)
    parse_secret(fields.mapping("secret"), regions, problems)
    fields.tags("tags")
    if (args.policy is None) == (args.group is None):
        problems.add(
            "SmtpUserArgs.policy",
            None if args.policy is None else "SmtpPolicyArgs(...)",
            "give exactly one of policy (an inline policy) and group (an SmtpGroup to join)",
        )
    elif args.policy is not None:
        check_policy(args.policy, "SmtpUserArgs.policy", problems)
    _raise_named(problems, "SmtpUserArgs", "user_name")
    return regions


def check_group_args(args: GroupProps) -> None:
    """Validate props; raises ``ConfigError`` listing every problem."""
    problems = Problems()
    fields = Fields({"name": args.group_name, "path": args.path}, "SmtpGroupArgs", problems)
    check_iam_name(fields, "name", group=True)
    parse_key_settings(fields)
    check_policy(args.policy, "SmtpGroupArgs.policy", problems)
    _raise_named(problems, "SmtpGroupArgs", "group_name")


def _raise_named(problems: Problems, props: str, name_field: str) -> None:
    """Name the problems as props (the parser's ``name`` is ``name_field``) and raise them."""

    def rename(key: str) -> str:
        if key == f"{props}.name":
            return f"{props}.{name_field}"
        return props_key_path(key, props, props, {"recoveryWindowInDays": "recovery_window_days"})

    problems.rename_keys(rename)
    problems.raise_if_any()
