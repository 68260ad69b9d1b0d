"""``IdentityFeedback`` (type token ``ses:index:IdentityFeedback``): turns SES's email forwarding
of bounces and complaints off (or keeps it on) for an identity whose configuration set routes
them to topics.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .resource_options import child_options


@dataclass(frozen=True)
class IdentityFeedbackArgs:
    """Inputs of :class:`IdentityFeedback`."""

    email_identity: pulumi.Input[str]
    """The identity (domain or address); pass the identity resource's output."""
    region: str
    """The identity's region."""
    email_forwarding_enabled: bool
    """Whether SES still mails bounces and complaints to the Return-Path address."""


class IdentityFeedback(pulumi.ComponentResource):
    """Feedback forwarding of one identity (``EmailIdentityFeedbackAttributes``)."""

    def __init__(
        self, name: str, args: IdentityFeedbackArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ses:index:IdentityFeedback", name, None, opts)
        attributes = aws.sesv2.EmailIdentityFeedbackAttributes(
            f"{name}-attributes",
            email_identity=args.email_identity,
            email_forwarding_enabled=args.email_forwarding_enabled,
            region=args.region,
            opts=child_options(self),
        )
        self.email_forwarding_enabled = attributes.email_forwarding_enabled
        self.register_outputs({"emailForwardingEnabled": self.email_forwarding_enabled})
