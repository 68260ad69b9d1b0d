"""The SMTP sending policy: what it allows (:class:`SmtpPolicyArgs`) and its JSON document.

The policy allows only ``ses:SendRawEmail`` on the identities (and configuration sets) the user
may send from, optionally narrowed by ``ses:FromAddress`` / ``ses:Recipients`` conditions; it is
inline on an ``SmtpUser``, or on an ``SmtpGroup`` shared by several users (group mode). The
document itself is built by the pure :func:`~.credentials.send_policy`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from ..regions import partition_of
from .credentials import SEND_ACTION, configuration_set_arn, identity_arn, send_policy
from .model import SmtpConfigurationSet, SmtpIdentity

POLICY_NAME = "ses-smtp-send"
"""Name of the inline policy on the user or group."""


@dataclass(frozen=True, kw_only=True)
class SmtpPolicyArgs:
    """What the sending policy allows. Give ARNs directly, or identities to build ARNs from."""

    identity_arns: Sequence[pulumi.Input[str]] = ()
    """Identity ARNs, e.g. ``SesDomain.arn`` outputs."""
    identities: Sequence[SmtpIdentity] = ()
    """Identities by region and name; their ARNs are built with the caller's account id."""
    configuration_set_arns: Sequence[pulumi.Input[str]] = ()
    """Configuration-set ARNs the user may send with."""
    configuration_sets: Sequence[SmtpConfigurationSet] = ()
    """Configuration sets by region and name; ARNs built with the caller's account id."""
    from_addresses: Sequence[str] = ()
    """``ses:FromAddress`` patterns (``StringLike``); empty: any address of the identities."""
    recipients: Sequence[str] = ()
    """``ses:Recipients`` patterns (``ForAllValues:StringLike``); empty: any recipient."""
    actions: Sequence[str] = (SEND_ACTION,)
    """What the policy allows: ``ses:SendRawEmail`` (SMTP), or for an ``ApiSender`` also
    ``ses:SendEmail`` (its props set these itself)."""


def policy_document(args: SmtpPolicyArgs, parent: pulumi.Resource) -> pulumi.Output[str]:
    """The policy JSON for ``args`` (see :func:`~.credentials.send_policy`)."""
    needs_account = bool(args.identities or args.configuration_sets)
    account_id: pulumi.Output[str] = (
        aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent)).account_id
        if needs_account
        else pulumi.Output.from_input("")
    )
    explicit_identities = pulumi.Output.all(*args.identity_arns)
    explicit_sets = pulumi.Output.all(*args.configuration_set_arns)
    identities = list(args.identities)
    sets = list(args.configuration_sets)

    def build(values: list[Any]) -> str:
        account = str(values[0])
        identity_arns = [str(arn) for arn in values[1]] + [
            identity_arn(partition_of(item.region), item.region, account, item.identity)
            for item in identities
        ]
        set_arns = [str(arn) for arn in values[2]] + [
            configuration_set_arn(partition_of(item.region), item.region, account, item.name)
            for item in sets
        ]
        document = send_policy(
            identity_arns,
            set_arns,
            list(args.from_addresses),
            list(args.recipients),
            actions=list(args.actions),
        )
        return json.dumps(document, indent=2)

    return pulumi.Output.all(account_id, explicit_identities, explicit_sets).apply(build)
