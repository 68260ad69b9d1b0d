"""``SmtpUser`` (type token ``ses:index:SmtpUser``): an IAM user with working, least-privilege
SES SMTP credentials.

- The SMTP **username** is the access key id (not the IAM user name) and the SMTP **password** is
  derived from the secret access key per region; both are exported only as Pulumi secrets.
- The sending policy (:mod:`.policy`) is inline on the user, or the user joins an
  :class:`~.group.SmtpGroup` that carries it.
- The access key's logical name carries the rotation label: changing the label declares a new key
  and drops the old one, which Pulumi creates first and deletes last (create-before-delete);
  ``previous_rotation`` keeps the old key until clients have moved.
- Optionally an AWS Secrets Manager secret per user holds host, ports, username and password(s).

The pure parts (password derivation, policy document, endpoints) live in :mod:`.credentials`;
the config model in :mod:`.model`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from ..physical_names import smtp_secret_name
from ..tag_values import with_outputs
from .args import SmtpSecretArgs, check_user_args
from .credentials import STARTTLS_PORTS, TLS_WRAPPER_PORTS, smtp_endpoint, smtp_password_v4
from .group import SmtpGroup
from .model import DEFAULT_PATH, DEFAULT_ROTATION
from .policy import POLICY_NAME, SmtpPolicyArgs, policy_document

USER_TYPE_TOKEN = "ses:index:SmtpUser"


@dataclass(frozen=True, kw_only=True)
class SmtpUserArgs:
    """What an ``SmtpUser`` is built from."""

    user_name: str
    """The IAM user name (the SMTP username is the access key id, not this)."""
    regions: Sequence[str]
    """Regions to make SMTP passwords for; the first is the primary region (``password``, the
    Secrets Manager secret's region)."""
    policy: SmtpPolicyArgs | None = None
    """An inline policy on the user. Exactly one of ``policy`` and ``group``."""
    group: SmtpGroup | pulumi.Input[str] | None = None
    """Group mode: join this group (an ``SmtpGroup``, or a group's name such as an
    ``SmtpGroup``'s ``group_name`` output) and take its policy. Exactly one of ``policy`` and
    ``group``."""
    path: str = DEFAULT_PATH
    """IAM path of the user."""
    rotation: str = DEFAULT_ROTATION
    """Label of the current access key; changing it rotates the key (create-before-delete)."""
    previous_rotation: str | None = None
    """Label of the previous key, kept during a rotation until clients have the new one."""
    secret: SmtpSecretArgs | None = None
    """Store the credentials in a Secrets Manager secret in the primary region (``None``: no
    secret)."""
    provider_region: str | None = None
    """The AWS provider's region: the access key's ``ses_smtp_password_v4`` is for that region
    and is used there; every other region's password is derived from the secret access key.
    ``None``: the ``aws:region`` config (when unset, every region's password is derived)."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags for every taggable child (the IAM user and the secret)."""


def _secret_document(
    regions: list[str], username: str, passwords: Mapping[str, str]
) -> dict[str, Any]:
    primary = smtp_endpoint(regions[0])
    return {
        "host": primary.host,
        "port": 587,
        "starttls_ports": list(STARTTLS_PORTS),
        "tls_wrapper_ports": list(TLS_WRAPPER_PORTS),
        "username": username,
        "password": passwords[regions[0]],
        "region": regions[0],
        "regions": {
            region: {"host": smtp_endpoint(region).host, "password": passwords[region]}
            for region in regions
        },
    }


class SmtpUser(pulumi.ComponentResource):
    """An IAM user with SES SMTP credentials for one or several regions.

    Children: ``aws.iam.User`` (``<name>-user``); ``aws.iam.UserPolicy`` (``<name>-policy``) or,
    in group mode, ``aws.iam.UserGroupMembership`` (``<name>-membership``); the access key
    ``aws.iam.AccessKey`` (``<name>-key-<rotation>``, and ``<name>-key-<previous_rotation>``
    during a rotation); optionally ``aws.secretsmanager.Secret`` (``<name>-secret``) and its
    ``SecretVersion`` (``<name>-secret-value``).

    Outputs: ``user_name``, ``user_arn``, ``endpoints`` (per region host and ports) in plain;
    ``username`` (the access key id), ``password`` (primary region) and ``passwords`` (per region)
    as secrets; ``secret_arn`` when a secret is stored; ``policy`` (inline mode).
    """

    user_name: pulumi.Output[str]
    user_arn: pulumi.Output[str]
    username: pulumi.Output[str]
    password: pulumi.Output[str]
    passwords: pulumi.Output[dict[str, str]]
    endpoints: dict[str, dict[str, Any]]
    secret_arn: pulumi.Output[str] | None
    policy: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: SmtpUserArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        regions = check_user_args(args)
        tags = with_outputs(args.tags, "SmtpUserArgs.tags")
        provider_region = args.provider_region or runtime_config.get_config("aws:region")
        super().__init__(USER_TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        user = aws.iam.User(
            f"{name}-user",
            name=args.user_name,
            path=args.path,
            tags=tags,
            opts=child,
        )
        grant: pulumi.Resource
        self.policy = None
        if args.policy is not None:
            self.policy = policy_document(args.policy, self)
            grant = aws.iam.UserPolicy(
                f"{name}-policy", user=user.name, name=POLICY_NAME, policy=self.policy, opts=child
            )
        else:
            assert args.group is not None
            group = args.group.group_name if isinstance(args.group, SmtpGroup) else args.group
            grant = aws.iam.UserGroupMembership(
                f"{name}-membership", user=user.name, groups=[group], opts=child
            )
        # The key's logical name carries the rotation label: a new label is a new resource,
        # created during the update, while the old key is deleted only at its end. Nothing here
        # sets delete_before_replace.
        key_opts = pulumi.ResourceOptions(parent=self, depends_on=[grant])
        key = aws.iam.AccessKey(f"{name}-key-{args.rotation}", user=user.name, opts=key_opts)
        if args.previous_rotation and args.previous_rotation != args.rotation:
            aws.iam.AccessKey(f"{name}-key-{args.previous_rotation}", user=user.name, opts=key_opts)

        passwords: dict[str, pulumi.Output[str]] = {}
        for region in regions:
            if region == provider_region:
                passwords[region] = pulumi.Output.secret(key.ses_smtp_password_v4)
            else:
                passwords[region] = pulumi.Output.secret(
                    key.secret.apply(lambda secret, r=region: smtp_password_v4(secret, r))
                )
        self.username = pulumi.Output.secret(key.id)
        self.password = passwords[regions[0]]
        self.passwords = pulumi.Output.secret(pulumi.Output.all(**passwords))
        self.endpoints = {region: smtp_endpoint(region).as_output() for region in regions}
        self.user_name = user.name
        self.user_arn = user.arn
        self.access_key = key

        self.secret_arn = None
        if args.secret is not None:
            secret = aws.secretsmanager.Secret(
                f"{name}-secret",
                name=args.secret.name or smtp_secret_name(args.user_name),
                description=f"SES SMTP credentials of IAM user {args.user_name}",
                kms_key_id=args.secret.kms_key_id,
                recovery_window_in_days=args.secret.recovery_window_days,
                region=regions[0],
                tags=tags,
                opts=child,
            )
            document = pulumi.Output.all(self.username, self.passwords).apply(
                lambda values: json.dumps(_secret_document(regions, values[0], values[1]))
            )
            aws.secretsmanager.SecretVersion(
                f"{name}-secret-value",
                secret_id=secret.id,
                secret_string=pulumi.Output.secret(document),
                region=regions[0],
                opts=child,
            )
            self.secret_arn = secret.arn

        outputs: dict[str, Any] = {
            "user_name": self.user_name,
            "user_arn": self.user_arn,
            "username": self.username,
            "password": self.password,
            "passwords": self.passwords,
            "endpoints": self.endpoints,
        }
        if self.secret_arn is not None:
            outputs["secret_arn"] = self.secret_arn
        if self.policy is not None:
            outputs["policy"] = self.policy
        self.register_outputs(outputs)
