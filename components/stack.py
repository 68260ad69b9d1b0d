"""The whole stack from stack config (``ses_domains.stack``): :func:`read_stack_config` and
:func:`parse_stack_config` validate it into a :class:`StackConfig`, :func:`build_stack` declares
every component it asks for and returns the stack outputs. Programs that build components in
code use the typed props of the package's top level instead.
"""

from __future__ import annotations

from typing import Any

import pulumi

from .deliverability.declare import Deliverability
from .domain.component import DomainSettings, SesDomain
from .feedback.loop import FeedbackLoop
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
    feedback = FeedbackLoop(config.feedback, config.tags, pool_names=deliverability.pool_names())
    domains = {
        domain.name: SesDomain(
            domain.name,
            DomainSettings(
                domain=domain,
                tags=config.tags,
                configuration_set_name=feedback.set_name_for(domain.name),
            ),
        )
        for domain in config.domains
    }
    for name, component in domains.items():
        feedback.identity_feedback(name, component.identity.email_identity)
    email_identity_arns = {
        address: arn
        for component in domains.values()
        for address, arn in component.email_identity_arns.items()
    }
    _, smtp_outputs = declare_smtp_users(
        config.smtp_users,
        tags=config.tags,
        identity_arns={
            **{name: component.arn for name, component in domains.items()},
            **email_identity_arns,
        },
        provider_region=config.provider_region,
    )
    deliverability.declare_tenants(
        {
            **{name: component.arn for name, component in domains.items()},
            **email_identity_arns,
        },
        {name: component.arn for name, component in feedback.sets.items()},
    )
    dns_records = pulumi.Output.all(*(component.dns_records for component in domains.values()))
    return {
        "dns_records": dns_records.apply(
            lambda per_domain: [record for records in per_domain for record in records]
        ),
        "identities": {
            name: {
                "arn": component.arn,
                "region": config_domain.region,
                "dkim_status": component.dkim_status,
                "verified_for_sending": component.verified_for_sending,
                "mail_from_domain": component.mail_from_domain,
            }
            for (name, component), config_domain in zip(
                domains.items(), config.domains, strict=True
            )
        },
        "email_identities": email_identity_arns,
        **feedback.outputs(),
        **(smtp_outputs if config.smtp_users else {}),
        **deliverability.outputs(),
    }
