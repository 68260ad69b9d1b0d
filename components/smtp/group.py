"""``SmtpGroup`` (type token ``ses:index:SmtpGroup``): group mode, one IAM group carrying the
sending policy for several ``SmtpUser`` members."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .args import check_group_args
from .model import DEFAULT_PATH
from .policy import POLICY_NAME, SmtpPolicyArgs, policy_document

GROUP_TYPE_TOKEN = "ses:index:SmtpGroup"


@dataclass(frozen=True, kw_only=True)
class SmtpGroupArgs:
    """An IAM group that carries one sending policy for several SMTP users."""

    group_name: str
    """The IAM group name."""
    policy: SmtpPolicyArgs
    """What members may send."""
    path: str = DEFAULT_PATH
    """IAM path of the group."""


class SmtpGroup(pulumi.ComponentResource):
    """Group mode: an IAM group with the sending policy; ``SmtpUser`` members join it.

    Children: ``aws.iam.Group`` (``<name>-group``) and ``aws.iam.GroupPolicy``
    (``<name>-policy``). Outputs: ``group_name``, ``arn``, ``policy`` (the JSON document).
    """

    group_name: pulumi.Output[str]
    arn: pulumi.Output[str]
    policy: pulumi.Output[str]

    def __init__(
        self, name: str, args: SmtpGroupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check_group_args(args)
        super().__init__(GROUP_TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = aws.iam.Group(f"{name}-group", name=args.group_name, path=args.path, opts=child)
        self.policy = policy_document(args.policy, self)
        self.group_policy = aws.iam.GroupPolicy(
            f"{name}-policy", group=group.name, name=POLICY_NAME, policy=self.policy, opts=child
        )
        self.group_name = group.name
        self.arn = group.arn
        self.register_outputs(
            {"group_name": self.group_name, "arn": self.arn, "policy": self.policy}
        )
