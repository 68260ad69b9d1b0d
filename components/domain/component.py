"""``SesDomain``: one SES domain identity with DKIM, custom MAIL FROM, DMARC and its DNS records."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi_aws import sesv2

from ..feedback.configuration_set import ConfigurationSet
from ..feedback.identity_feedback import IdentityFeedback, IdentityFeedbackArgs
from ..tag_values import tag_outputs
from .args import CheckedDomain, SesDomainArgs, check_domain_args, load_output_key
from .dkim_keys import ByodkimKey
from .dns import writer_for
from .model import DkimMode, DomainConfig
from .records import DnsRecord, needs_dkim_tokens, record_slots, required_records

TYPE_TOKEN = "ses:index:SesDomain"
_KEY_SLOT = "dkim-key"


@dataclass(frozen=True, kw_only=True)
class DomainSettings:
    """What an ``SesDomain`` is built from once validated: the stack's path (``build_stack``
    parses stack config itself); programs give :class:`SesDomainArgs`."""

    domain: DomainConfig
    """The domain's validated settings (see ``domain/model.py``)."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags for every taggable child, merged under the domain's own ``tags``."""
    configuration_set_name: pulumi.Input[str] | None = None
    """Default configuration set of the identity, so every message is tracked."""
    private_key: pulumi.Output[str] | None = None
    """A BYODKIM key known only as a secret Output (``domain.dkim.key`` is then ``None``)."""
    zone_id: pulumi.Output[str] | None = None
    """A DNS zone id known only as an Output (``domain.dns.zone_id`` is then ``None``)."""
    tag_outputs: Mapping[str, pulumi.Output[str]] = field(
        default_factory=dict[str, pulumi.Output[str]]
    )
    """Tags whose values were given as outputs (checked once known), over ``domain.tags``."""
    configuration_set: ConfigurationSet | None = None
    """The default set given as a component: the identity's feedback forwarding follows it
    (``build_stack``'s ``FeedbackLoop`` declares that itself)."""


def _settings(args: SesDomainArgs) -> DomainSettings:
    """Validate props (raises ``ConfigError`` before anything is declared) and log warnings."""
    aws_region = runtime_config.get_config("aws:region")
    checked = check_domain_args(args, aws_region if isinstance(aws_region, str) else None)
    for warning in checked.warnings:
        pulumi.log.warn(warning)
    return settings_of(args, checked)


def settings_of(args: SesDomainArgs, checked: CheckedDomain) -> DomainSettings:
    """What validated props build: the checked model, the Outputs, the default set."""
    given = args.configuration_set_name
    component = given if isinstance(given, ConfigurationSet) else None
    return DomainSettings(
        domain=checked.domain,
        configuration_set_name=given.name if isinstance(given, ConfigurationSet) else given,
        private_key=checked.private_key,
        zone_id=checked.zone_id,
        tag_outputs=tag_outputs(args.tags, "SesDomainArgs.tags"),
        configuration_set=component,
    )


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
    domain_name: str
    """The domain as SES knows it (lowercase A-labels)."""
    region: str
    """The identity's region."""

    def __init__(
        self,
        name: str,
        args: SesDomainArgs | DomainSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        settings = args if isinstance(args, DomainSettings) else _settings(args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        domain = settings.domain
        tags: dict[str, pulumi.Input[str]] = {
            **settings.tags,
            **domain.tags,
            **settings.tag_outputs,
        }
        child = pulumi.ResourceOptions(parent=self)

        dkim: sesv2.EmailIdentityDkimSigningAttributesArgs
        late_key = settings.private_key.apply(load_output_key) if settings.private_key else None
        if late_key is not None:
            dkim = sesv2.EmailIdentityDkimSigningAttributesArgs(
                domain_signing_selector=domain.dkim.selector,
                domain_signing_private_key=pulumi.Output.secret(
                    late_key.apply(lambda key: key.private_key_base64)
                ),
            )
        elif domain.dkim.mode is DkimMode.BYODKIM and domain.dkim.key is not None:
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
            configuration_set_name=settings.configuration_set_name,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=domain.protect),
        )

        if (used := settings.configuration_set) is not None:
            IdentityFeedback(
                f"{name}-feedback",
                IdentityFeedbackArgs(identity.email_identity, used.region, used.email_forwarding),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[used]),
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
        records: pulumi.Output[list[DnsRecord]]
        if late_key is not None:
            # Only the public half leaves the secret: the record is public, the key is not.
            public = pulumi.Output.unsecret(late_key.apply(_public_half))
            records = public.apply(lambda key: required_records(_with_key(domain, key)))
            slots = record_slots(
                _with_key(domain, ByodkimKey(bits=0, public_key_base64="", private_key_base64=""))
            )
        else:
            records = tokens.apply(lambda found: required_records(domain, found))
            slots = record_slots(domain)
        writer = writer_for(domain, self, settings.zone_id)
        for slot in slots:
            late = needs_dkim_tokens(slot) or (late_key is not None and slot.slot == _KEY_SLOT)
            record = records.apply(_record_in(slot.slot)) if late else slot
            writer.write(f"{name}-{slot.slot}", slot, record)

        self.email_identity_arns = {
            address: sesv2.EmailIdentity(
                f"{name}-{_identity_name(address)}",
                email_identity=address,
                region=domain.region,
                configuration_set_name=settings.configuration_set_name,
                tags=tags,
                opts=child,
            ).arn
            for address in domain.email_identities
        }

        self.arn = identity.arn
        self.domain_name = domain.name
        self.region = domain.region
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


def _public_half(key: ByodkimKey) -> ByodkimKey:
    return ByodkimKey(bits=key.bits, public_key_base64=key.public_key_base64, private_key_base64="")


def _with_key(domain: DomainConfig, key: ByodkimKey) -> DomainConfig:
    return replace(domain, dkim=replace(domain.dkim, key=key))
