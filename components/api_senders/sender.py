"""``ApiSender`` (type token ``ses:index:ApiSender``): an IAM role or user that may send through
the SES v2 API, with the same least-privilege policy as an SMTP user (:mod:`..smtp.policy`),
allowing ``ses:SendEmail`` and ``ses:SendRawEmail``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from ..smtp.credentials import API_ACTIONS
from ..smtp.policy import policy_document
from ..tag_values import with_outputs
from .args import ApiSenderArgs, check_sender_args
from .model import POLICY_NAME, ApiSenderKind
from .trust import trust_policy_json

TYPE_TOKEN = "ses:index:ApiSender"


class ApiSender(pulumi.ComponentResource):
    """An IAM role (trusted as its props say) or user with an inline send-only policy.

    Children: ``aws.iam.Role`` (``<name>-role``) and ``aws.iam.RolePolicy`` (``<name>-policy``),
    or ``aws.iam.User`` (``<name>-user``), ``aws.iam.UserPolicy`` (``<name>-policy``) and, with
    ``access_key``, ``aws.iam.AccessKey`` (``<name>-key-<rotation>``, and
    ``<name>-key-<previous_rotation>`` during a rotation); the policy is named ``ses-api-send``.

    Outputs: ``kind``, ``name``, ``arn``, ``policy`` in plain; with an access key
    ``access_key_id`` and ``secret_access_key`` as secrets.
    """

    kind: ApiSenderKind
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    policy: pulumi.Output[str]
    access_key_id: pulumi.Output[str] | None
    secret_access_key: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: ApiSenderArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        aws_region = runtime_config.get_config("aws:region")
        trust = check_sender_args(args, aws_region if isinstance(aws_region, str) else None)
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = with_outputs(args.tags, "ApiSenderArgs.tags")
        self.kind = args.kind
        self.policy = policy_document(replace(args.policy, actions=API_ACTIONS), self)
        self.access_key_id = None
        self.secret_access_key = None
        if trust is not None:
            role = aws.iam.Role(
                f"{name}-role",
                name=args.sender_name,
                path=args.path,
                assume_role_policy=trust_policy_json(trust),
                max_session_duration=args.max_session_duration,
                description="Sends email through the SES API (ses:SendEmail, ses:SendRawEmail)",
                tags=tags,
                opts=child,
            )
            aws.iam.RolePolicy(
                f"{name}-policy", role=role.name, name=POLICY_NAME, policy=self.policy, opts=child
            )
            self.name, self.arn = role.name, role.arn
        else:
            user = aws.iam.User(
                f"{name}-user",
                name=args.sender_name,
                path=args.path,
                tags=tags,
                opts=child,
            )
            grant = aws.iam.UserPolicy(
                f"{name}-policy", user=user.name, name=POLICY_NAME, policy=self.policy, opts=child
            )
            self.name, self.arn = user.name, user.arn
            if args.access_key:
                # A new rotation label is a new key, created before the old one is deleted.
                key_opts = pulumi.ResourceOptions(parent=self, depends_on=[grant])
                key = aws.iam.AccessKey(
                    f"{name}-key-{args.rotation}", user=user.name, opts=key_opts
                )
                if args.previous_rotation and args.previous_rotation != args.rotation:
                    aws.iam.AccessKey(
                        f"{name}-key-{args.previous_rotation}", user=user.name, opts=key_opts
                    )
                self.access_key_id = pulumi.Output.secret(key.id)
                self.secret_access_key = pulumi.Output.secret(key.secret)
        outputs: dict[str, Any] = {
            "kind": self.kind.value,
            "name": self.name,
            "arn": self.arn,
            "policy": self.policy,
        }
        if self.access_key_id is not None:
            outputs["access_key_id"] = self.access_key_id
            outputs["secret_access_key"] = self.secret_access_key
        self.register_outputs(outputs)
