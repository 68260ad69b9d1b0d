"""``SesDomain``: one SES domain identity with DKIM, custom MAIL FROM, DMARC and its DNS records."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_aws import sesv2

from .dns import writer_for
from .model import DkimMode, DomainConfig
from .records import DnsRecord, needs_dkim_tokens, record_slots, required_records

TYPE_TOKEN = "ses:index:SesDomain"


@dataclass(frozen=True)
class SesDomainArgs:
    """What an ``SesDomain`` is built from."""

    domain: DomainConfig
    """The domain's validated settings (see ``components.domain.model``)."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags for every taggable child, merged under the domain's own ``tags``."""
    configuration_set_name: pulumi.Input[str] | None = None
    """Default configuration set of the identity, so every message is tracked."""


def _identity_name(address: str) -> str:
    return address.replace("@", "-at-")


class SesDomain(pulumi.ComponentResource):
    """An SES v2 domain identity and everything that makes it ready to send.

    Children: the ``EmailIdentity`` (Easy DKIM at 2048 bits, or BYODKIM), its custom MAIL FROM
    attributes, one DNS record resource per required record (unless DNS is external), and the
    email address identities listed for the sandbox. Outputs: ``arn``, ``dns_records`` (contract
    1), ``dkim_status``, ``verified_for_sending``, ``mail_from_domain``, ``email_identity_arns``.
    """

    arn: pulumi.Output[str]
    dns_records: pulumi.Output[list[dict[str, str | int]]]
    dkim_status: pulumi.Output[str]
    verified_for_sending: pulumi.Output[bool]
    email_identity_arns: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: SesDomainArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        domain = args.domain
        tags = {**args.tags, **domain.tags}
        child = pulumi.ResourceOptions(parent=self)

        dkim: sesv2.EmailIdentityDkimSigningAttributesArgs
        if domain.dkim.mode is DkimMode.BYODKIM and domain.dkim.key is not None:
            dkim = sesv2.EmailIdentityDkimSigningAttributesArgs(
                domain_signing_selector=domain.dkim.selector,
                domain_signing_private_key=pulumi.Output.secret(domain.dkim.key.private_key_base64),
            )
        else:
            dkim = sesv2.EmailIdentityDkimSigningAttributesArgs(
                next_signing_key_length=domain.dkim.key_length.value
            )
        identity = sesv2.EmailIdentity(
            f"{name}-identity",
            email_identity=domain.name,
            region=domain.region,
            dkim_signing_attributes=dkim,
            configuration_set_name=args.configuration_set_name,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=domain.protect),
        )

        if domain.mail_from.enabled:
            sesv2.EmailIdentityMailFromAttributes(
                f"{name}-mail-from",
                email_identity=identity.email_identity,
                region=domain.region,
                mail_from_domain=domain.mail_from_domain,
                behavior_on_mx_failure=domain.mail_from.behavior_on_mx_failure.value,
                opts=child,
            )

        # BYODKIM records need no token, and must not inherit the secretness of the private
        # key that sits beside the tokens in the identity's DKIM attributes.
        tokens: pulumi.Output[Sequence[str]] = (
            identity.dkim_signing_attributes.apply(lambda attributes: attributes.tokens or [])
            if domain.dkim.mode is DkimMode.EASY
            else pulumi.Output.from_input([])
        )
        records = tokens.apply(lambda found: required_records(domain, found))
        writer = writer_for(domain, self)
        for slot in record_slots(domain):
            record = records.apply(_record_in(slot.slot)) if needs_dkim_tokens(slot) else slot
            writer.write(f"{name}-{slot.slot}", slot, record)

        self.email_identity_arns = {
            address: sesv2.EmailIdentity(
                f"{name}-{_identity_name(address)}",
                email_identity=address,
                region=domain.region,
                configuration_set_name=args.configuration_set_name,
                tags=tags,
                opts=child,
            ).arn
            for address in domain.email_identities
        }

        self.arn = identity.arn
        self.identity = identity
        self.dns_records = records.apply(lambda found: [record.to_json() for record in found])
        self.dkim_status = pulumi.Output.unsecret(  # a status, not the BYODKIM key beside it
            identity.dkim_signing_attributes.apply(
                lambda attributes: attributes.status or "UNKNOWN"
            )
        )
        self.verified_for_sending = identity.verified_for_sending_status
        self.mail_from_domain = domain.mail_from_domain if domain.mail_from.enabled else None
        outputs: dict[str, Any] = {
            "arn": self.arn,
            "dns_records": self.dns_records,
            "dkim_status": self.dkim_status,
            "verified_for_sending": self.verified_for_sending,
            "mail_from_domain": self.mail_from_domain,
            "email_identity_arns": self.email_identity_arns,
        }
        self.register_outputs(outputs)


def _record_in(slot: str) -> Callable[[list[DnsRecord]], DnsRecord]:
    def pick(found: list[DnsRecord]) -> DnsRecord:
        for record in found:
            if record.slot == slot:
                return record
        raise ValueError(f"SES returned no DKIM token for record {slot}")

    return pick
