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
from ..providers import component_providers
from ..tag_values import tag_outputs
from .args import CheckedDomain, SesDomainArgs, check_domain_args, load_output_key
from .authorization import SendingAuthorization, authorization_policy_json
from .dkim_keys import ByodkimKey
from .dns import writer_for
from .model import DkimMode, DomainConfig, GlobalEndpointConfig
from .records import (
    DnsRecord,
    needs_dkim_tokens,
    record_slots,
    records_in_region,
    required_records,
)
from .region import DomainRegion

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
    extra_records: tuple[DnsRecord, ...] = ()
    """Records of other components that live in this domain's DNS (a configuration set's
    tracking CNAME), written by its writer and part of its ``dns_records``."""
    regional_sets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, Any])
    """The configuration set of the identity in each secondary region (by region)."""
    tag_outputs: Mapping[str, pulumi.Output[str]] = field(
        default_factory=dict[str, pulumi.Output[str]]
    )
    """Tags whose values were given as outputs (checked once known), over ``domain.tags``."""
    configuration_set: ConfigurationSet | None = None
    """The default set given as a component: the identity's feedback forwarding follows it
    (``build_stack``'s ``FeedbackLoop`` declares that itself)."""
    providers: Mapping[str, pulumi.ProviderResource] = field(
        default_factory=dict[str, pulumi.ProviderResource]
    )
    """The provider of each region other than the stack's, for what is adopted there
    (``components/providers.py``)."""


def _settings(args: SesDomainArgs) -> DomainSettings:
    """Validate props (raises ``ConfigError`` before anything is declared) and log warnings."""
    aws_region = runtime_config.get_config("aws:region")
    checked = check_domain_args(args, aws_region if isinstance(aws_region, str) else None)
    for warning in checked.warnings:
        pulumi.log.warn(warning)
    return settings_of(args, checked)


def settings_of(args: SesDomainArgs, checked: CheckedDomain) -> DomainSettings:
    """What validated props build: the checked model, the Outputs, the default set (a set
    given by name is the set of every region; a ``ConfigurationSet`` is of its own region)."""
    given = args.configuration_set_name
    component = given if isinstance(given, ConfigurationSet) else None
    set_name = given.name if isinstance(given, ConfigurationSet) else given
    return DomainSettings(
        domain=checked.domain,
        configuration_set_name=set_name,
        regional_sets=(
            {}
            if set_name is None or component is not None
            else dict.fromkeys(checked.domain.secondary_regions, set_name)
        ),
        private_key=checked.private_key,
        zone_id=checked.zone_id,
        tag_outputs=tag_outputs(args.tags, "SesDomainArgs.tags"),
        configuration_set=component,
    )


def _identity_name(address: str) -> str:
    return address.replace("@", "-at-")


class SesDomain(pulumi.ComponentResource):
    """An SES v2 domain identity and everything that makes it ready to send.

    Children: the ``EmailIdentity`` (Easy DKIM at 2048 bits, or BYODKIM) and its custom MAIL
    FROM attributes in each of the domain's regions, one DNS record resource per required record
    (unless DNS is external), the email address identities listed for the sandbox (in each
    region), one ``EmailIdentityPolicy`` per sending authorization and region
    (``<name>-authorization-<policy name>[-<region>]``), the global endpoint when configured,
    and, built from props that adopt, the AWS provider of each region other than ``aws:region``.
    Outputs: ``arn``, ``dns_records`` (contract 1), ``dkim_status``, ``verified_for_sending``,
    ``mail_from_domain`` (all of the primary region), ``email_identity_arns``,
    ``authorization_policies``; ``regions`` (per region ``arn``, ``dkim_status``,
    ``verified_for_sending``, ``mail_from_domain``) when there are several, and
    ``global_endpoint_id``. The attribute ``regions`` holds every region's :class:`DomainRegion`.
    """

    arn: pulumi.Output[str]
    dns_records: pulumi.Output[list[dict[str, str | int]]]
    dkim_status: pulumi.Output[str]
    verified_for_sending: pulumi.Output[bool]
    email_identity_arns: dict[str, pulumi.Output[str]]
    authorization_policies: list[str]
    """The names of the identity's sending authorization policies."""
    domain_name: str
    """The domain as SES knows it (lowercase A-labels)."""
    region: str
    """The identity's region (the primary one)."""
    identities: dict[str, sesv2.EmailIdentity]
    """The domain's identity in each region."""
    regional: dict[str, dict[str, Any]]
    """Per region: ``arn``, ``dkim_status``, ``verified_for_sending``, ``mail_from_domain``."""
    regional_email_identity_arns: dict[str, dict[str, pulumi.Output[str]]]
    """Email address identity ARNs of each secondary region."""
    regions: dict[str, DomainRegion]
    """The identity in each region, the primary one first."""
    configuration_set_name: pulumi.Input[str] | None
    """The primary region's default configuration set, when one is given."""
    global_endpoint: sesv2.MultiRegionEndpoint | None
    """The global endpoint (``None`` when not configured)."""
    global_endpoint_id: pulumi.Output[str] | None
    """What ``SendEmail``'s ``EndpointId`` takes (``None`` without a global endpoint)."""

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
        set_names = {domain.region: settings.configuration_set_name, **settings.regional_sets}
        adopt = domain.adopt
        providers = (
            component_providers(self, name, domain.regions)
            if isinstance(args, SesDomainArgs) and adopt is not None and adopt.identity
            else settings.providers
        )
        identities: dict[str, sesv2.EmailIdentity] = {}
        for region in domain.regions:
            suffix = "" if region == domain.region else f"-{region}"
            provider = providers.get(region)
            identities[region] = sesv2.EmailIdentity(
                f"{name}-identity{suffix}",
                email_identity=domain.name,
                region=region,
                dkim_signing_attributes=dkim,
                configuration_set_name=set_names.get(region),
                tags=tags,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=domain.protect,
                    **_adoption(adopt is not None and adopt.identity, domain.name, provider),
                ),
            )
            if domain.mail_from.enabled:
                sesv2.EmailIdentityMailFromAttributes(
                    f"{name}-mail-from{suffix}",
                    email_identity=identities[region].email_identity,
                    region=region,
                    mail_from_domain=domain.mail_from_domain_in(region),
                    behavior_on_mx_failure=domain.mail_from.behavior_on_mx_failure.value,
                    opts=pulumi.ResourceOptions(
                        parent=self,
                        **_adoption(adopt is not None and adopt.mail_from, domain.name, provider),
                    ),
                )
        identity = identities[domain.region]
        if (used := settings.configuration_set) is not None:
            IdentityFeedback(
                f"{name}-feedback",
                IdentityFeedbackArgs(identity.email_identity, used.region, used.email_forwarding),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[used]),
            )
        for region, regional in identities.items():
            suffix = "" if region == domain.region else f"-{region}"
            for authorization in domain.sending_authorization:
                sesv2.EmailIdentityPolicy(
                    f"{name}-authorization-{authorization.name}{suffix}",
                    email_identity=regional.email_identity,
                    policy_name=authorization.name,
                    policy=regional.arn.apply(_policy_for(authorization)),
                    region=region,
                    opts=child,
                )

        # BYODKIM records need no token, and must not inherit the secretness of the private
        # key that sits beside the tokens in the identity's DKIM attributes.
        per_region_tokens: dict[str, pulumi.Output[list[str]]] = {
            region: (
                identities[region].dkim_signing_attributes.apply(
                    lambda attributes: list(attributes.tokens or [])
                )
                if domain.dkim.mode is DkimMode.EASY
                else pulumi.Output.from_input(list[str]())
            )
            for region in domain.regions
        }
        tokens: pulumi.Output[list[Sequence[str]]] = (
            pulumi.Output.all(*(per_region_tokens[region] for region in domain.regions))
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
            records = tokens.apply(lambda found: _records_for(domain, found))
            slots = record_slots(domain)
        writer = writer_for(domain, self, settings.zone_id)
        for slot in slots:
            late = needs_dkim_tokens(slot) or (late_key is not None and slot.slot == _KEY_SLOT)
            record = records.apply(_record_in(slot.slot)) if late else slot
            writer.write(f"{name}-{slot.slot}", slot, record)
        for extra in settings.extra_records:
            writer.write(f"{name}-{extra.slot}", extra, extra)

        self.email_identity_arns = {}
        self.regional_email_identity_arns = {}
        for region in domain.regions:
            suffix = "" if region == domain.region else f"-{region}"
            arns = {
                address: sesv2.EmailIdentity(
                    f"{name}-{_identity_name(address)}{suffix}",
                    email_identity=address,
                    region=region,
                    configuration_set_name=set_names.get(region),
                    tags=tags,
                    opts=child,
                ).arn
                for address in domain.email_identities
            }
            if region == domain.region:
                self.email_identity_arns = arns
            else:
                self.regional_email_identity_arns[region] = arns

        self.identities = identities
        self.global_endpoint = (
            None
            if domain.global_endpoint is None
            else _global_endpoint(name, domain.global_endpoint, identities, tags, child)
        )
        self.arn = identity.arn
        self.domain_name = domain.name
        self.region = domain.region
        self.identity = identity
        self.dns_records = records.apply(
            lambda found: [record.to_json() for record in (*found, *settings.extra_records)]
        )
        self.dkim_status = _dkim_status(identity)
        self.verified_for_sending = identity.verified_for_sending_status
        self.mail_from_domain = domain.mail_from_domain if domain.mail_from.enabled else None
        self.authorization_policies = [item.name for item in domain.sending_authorization]
        self.configuration_set_name = set_names.get(domain.region)
        self.global_endpoint_id = (
            None if self.global_endpoint is None else self.global_endpoint.endpoint_id
        )
        self.regions = {
            region: DomainRegion(
                arn=regional.arn,
                dkim_status=_dkim_status(regional),
                verified_for_sending=regional.verified_for_sending_status,
                dkim_tokens=per_region_tokens[region],
                dns_records=records.apply(
                    lambda found, region=region: [
                        record.to_json() for record in records_in_region(domain, found, region)
                    ]
                ),
                mail_from_domain=(
                    domain.mail_from_domain_in(region) if domain.mail_from.enabled else None
                ),
                configuration_set_name=set_names.get(region),
                email_identity_arns=self.regional_email_identity_arns.get(
                    region, self.email_identity_arns
                ),
            )
            for region, regional in identities.items()
        }
        self.regional = {region: found.summary() for region, found in self.regions.items()}
        outputs: dict[str, Any] = {
            "arn": self.arn,
            "dns_records": self.dns_records,
            "dkim_status": self.dkim_status,
            "verified_for_sending": self.verified_for_sending,
            "mail_from_domain": self.mail_from_domain,
            "email_identity_arns": self.email_identity_arns,
            "authorization_policies": self.authorization_policies,
        }
        if domain.secondary_regions:
            outputs["regions"] = self.regional
        if self.global_endpoint_id is not None:
            outputs["global_endpoint_id"] = self.global_endpoint_id
        self.register_outputs(outputs)


def _adoption(
    adopted: bool, import_id: str, provider: pulumi.ProviderResource | None
) -> dict[str, Any]:
    """Resource options of a resource the stack adopts: its import id and, outside the stack's
    region, the provider of its region (none when the stack creates it)."""
    return {"import_": import_id, "provider": provider} if adopted else {}


def _policy_for(authorization: SendingAuthorization) -> Callable[[str], str]:
    return lambda arn: authorization_policy_json(arn, authorization)


def _dkim_status(identity: sesv2.EmailIdentity) -> pulumi.Output[str]:
    """The identity's DKIM status, not secret (the BYODKIM key beside it is)."""
    return pulumi.Output.unsecret(
        identity.dkim_signing_attributes.apply(lambda attributes: attributes.status or "UNKNOWN")
    )


def _records_for(domain: DomainConfig, tokens: list[Sequence[str]]) -> list[DnsRecord]:
    """The records with each region's Easy DKIM tokens (``tokens`` in ``domain.regions``'
    order; empty for BYODKIM)."""
    by_region = dict(zip(domain.regions, tokens, strict=False))
    return required_records(
        domain,
        by_region.get(domain.region, ()),
        {region: by_region.get(region, ()) for region in domain.secondary_regions},
    )


def _global_endpoint(
    name: str,
    endpoint: GlobalEndpointConfig,
    identities: Mapping[str, sesv2.EmailIdentity],
    tags: Mapping[str, pulumi.Input[str]],
    child: pulumi.ResourceOptions,
) -> sesv2.MultiRegionEndpoint:
    """The global endpoint, created in its primary region once both identities exist."""
    return sesv2.MultiRegionEndpoint(
        f"{name}-global-endpoint",
        endpoint_name=endpoint.name,
        region=endpoint.primary_region,
        details=sesv2.MultiRegionEndpointDetailsArgs(
            routes_details=sesv2.MultiRegionEndpointDetailsRoutesDetailsArgs(
                region=endpoint.secondary_region
            )
        ),
        tags=dict(tags),
        opts=pulumi.ResourceOptions.merge(
            child,
            pulumi.ResourceOptions(depends_on=[identities[region] for region in endpoint.regions]),
        ),
    )


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
