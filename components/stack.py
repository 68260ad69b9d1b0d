"""The whole stack from stack config (``ses_domains.stack``): :func:`read_stack_config` and
:func:`parse_stack_config` validate it into a :class:`StackConfig`, :func:`build_stack` declares
every component it asks for and returns the stack outputs. Programs that build components in
code use the typed props of the package's top level instead.
"""

from __future__ import annotations

from typing import Any

import pulumi

from .api_senders.declare import declare_api_senders
from .deliverability.declare import Deliverability
from .domain.adopt_parse import adopted_sets
from .domain.component import DomainSettings, SesDomain
from .feedback.loop import FeedbackLoop
from .providers import regional_providers
from .pulumi_config import read_stack_config
from .smtp.declare import declare_smtp_users
from .stack_config import StackConfig, parse_stack_config

__all__ = [
    "FeedbackLoop",
    "StackConfig",
    "build_stack",
    "declare_smtp_users",
    "parse_stack_config",
    "read_stack_config",
]


def build_stack(config: StackConfig) -> dict[str, Any]:
    """Declare every resource for ``config`` and return the stack outputs by name."""
    for warning in config.warnings:
        pulumi.log.warn(warning)
    deliverability = Deliverability(config.deliverability, config.tags)
    adopted = adopted_sets(config.domains, config.feedback.domain_sets)
    providers = regional_providers(
        [
            *(region for _, region in adopted),
            *(
                region
                for domain in config.domains
                if domain.adopt is not None and domain.adopt.identity
                for region in domain.regions
            ),
        ],
        config.provider_region,
    )
    feedback = FeedbackLoop(
        config.feedback,
        config.tags,
        pool_names=deliverability.pool_names(),
        adopted_sets=adopted,
        providers=providers,
    )
    domains = {
        domain.name: SesDomain(
            domain.name,
            DomainSettings(
                domain=domain,
                tags=config.tags,
                configuration_set_name=feedback.set_name_for(domain.name),
                extra_records=config.tracking.by_domain.get(domain.name, ()),
                regional_sets={
                    region: set_name
                    for region in domain.secondary_regions
                    if (set_name := feedback.set_name_for(domain.name, region)) is not None
                },
                providers=providers,
            ),
        )
        for domain in config.domains
    }
    for name, component in domains.items():
        for region, identity in component.identities.items():
            feedback.identity_feedback(
                name,
                identity.email_identity,
                region=None if region == component.region else region,
            )
    email_identity_arns = {
        address: arn
        for component in domains.values()
        for address, arn in component.email_identity_arns.items()
    }
    known_arns: dict[str, pulumi.Input[str]] = {
        **{name: component.arn for name, component in domains.items()},
        **email_identity_arns,
    }
    _, smtp_outputs = declare_smtp_users(
        config.smtp_users,
        tags=config.tags,
        identity_arns=known_arns,
        provider_region=config.provider_region,
    )
    _, api_outputs = declare_api_senders(
        config.api_senders, tags=config.tags, identity_arns=known_arns
    )
    deliverability.declare_tenants(
        {**{name: component.arn for name, component in domains.items()}, **email_identity_arns},
        {name: component.arn for name, component in feedback.sets.items()},
    )
    dns_records = pulumi.Output.all(*(component.dns_records for component in domains.values()))
    elsewhere = [record.to_json() for record in config.tracking.elsewhere]
    return {
        "dns_records": dns_records.apply(
            lambda per_domain: [record for records in per_domain for record in records] + elsewhere
        ),
        "identities": {
            name: {
                "arn": component.arn,
                "region": config_domain.region,
                "dkim_status": component.dkim_status,
                "verified_for_sending": component.verified_for_sending,
                "mail_from_domain": component.mail_from_domain,
                "authorization_policies": component.authorization_policies,
                **({"regions": component.regional} if config_domain.secondary_regions else {}),
            }
            for (name, component), config_domain in zip(
                domains.items(), config.domains, strict=True
            )
        },
        **_global_endpoints(config, domains),
        "email_identities": email_identity_arns,
        **feedback.outputs(),
        **(smtp_outputs if config.smtp_users else {}),
        **(api_outputs if config.api_senders else {}),
        **deliverability.outputs(),
    }


def _global_endpoints(config: StackConfig, domains: dict[str, SesDomain]) -> dict[str, Any]:
    """``global_endpoints`` (only when a domain has one): per endpoint name its id, domain and
    regions, the primary first. The id is what ``SendEmail``'s ``EndpointId`` takes."""
    endpoints = {
        domain.global_endpoint.name: {
            "id": endpoint.endpoint_id,
            "domain": domain.name,
            "regions": list(domain.global_endpoint.regions),
        }
        for domain in config.domains
        if domain.global_endpoint is not None
        and (endpoint := domains[domain.name].global_endpoint) is not None
    }
    return {"global_endpoints": endpoints} if endpoints else {}
