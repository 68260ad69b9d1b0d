"""Where the stack deploys (:class:`AccountContext`) and the account-level suppression list
(:class:`AccountSuppression`, type token ``ses:index:AccountSuppression``)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .resource_options import child_options


@dataclass(frozen=True, kw_only=True)
class AccountContext:
    """Where the stack deploys: the account id and partition, as outputs."""

    account_id: pulumi.Input[str]
    """The 12-digit account id (``aws.get_caller_identity``)."""
    partition: pulumi.Input[str]
    """``aws``, ``aws-cn``, ``aws-us-gov`` (``aws.get_partition``)."""


def account_context(given: AccountContext | None = None) -> AccountContext:
    """``given``, or the deploying account's id and partition from the AWS provider."""
    if given is not None:
        return given
    caller = aws.get_caller_identity_output()
    partition = aws.get_partition_output()
    return AccountContext(account_id=caller.account_id, partition=partition.partition)


class AccountSuppression(pulumi.ComponentResource):
    """The account-level suppression list of one region. Affects every sender in the account."""

    def __init__(
        self,
        name: str,
        region: str,
        suppressed_reasons: list[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ses:index:AccountSuppression", name, None, opts)
        aws.sesv2.AccountSuppressionAttributes(
            f"{name}-attributes",
            suppressed_reasons=suppressed_reasons,
            region=region,
            opts=child_options(self),
        )
        self.register_outputs({"suppressedReasons": suppressed_reasons, "region": region})
