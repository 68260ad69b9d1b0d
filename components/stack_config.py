"""The whole stack's configuration: :class:`StackConfig` and :func:`parse_stack_config`, which
validates every section (domains, feedback, SMTP users) and reports all problems at once through
:class:`~.validation.ConfigError` before anything is declared. Pure: no Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .domain.model import DomainConfig
from .domain.parse import domain_warnings, parse_domain
from .feedback.model import FeedbackConfig
from .feedback.parse import parse_feedback
from .regions import region_problem
from .smtp.model import SmtpUserConfig
from .smtp.parse import parse_smtp_users
from .validation import Fields, Problems, as_mapping


@dataclass(frozen=True)
class StackConfig:
    """Everything the stack program needs, validated."""

    domains: tuple[DomainConfig, ...]
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags applied to every taggable resource."""
    protect: bool = False
    """Default for each domain's ``protect``."""
    feedback: FeedbackConfig = field(default_factory=FeedbackConfig)
    """Configuration sets, feedback topics, alarms (see ``feedback/model.py``)."""
    warnings: tuple[str, ...] = ()
    """Findings that do not stop the stack; the program logs them, the plan prints them."""
    smtp_users: tuple[SmtpUserConfig, ...] = ()
    """``smtpUsers``: IAM users with SES SMTP credentials (see ``smtp/model.py``)."""
    provider_region: str | None = None
    """The ``aws:region`` provider setting: where resources that name no region go."""


def parse_stack_config(
    values: Mapping[str, object],
    *,
    namespace: str,
    aws_region: str | None = None,
    stack: str | None = None,
) -> StackConfig:
    """Validate the project's stack configuration.

    ``stack`` (the Pulumi stack's name) goes into the default prefix of names that are unique
    per account and region only, so two stacks in one account never share those resources.

    ``values`` maps the project's config keys (without the ``<namespace>:`` prefix) to their
    JSON-decoded values; secret values are plain strings here and only BYODKIM key config keys
    named by a domain are read as secrets. A bad ``aws_region`` is reported once, as
    ``aws:region``, not again for each entry that takes it as its default. A domain listed twice
    is reported once and left out of what follows, so nothing derived from it clashes with
    itself. Raises ``ConfigError`` listing every problem.
    """
    problems = Problems()
    if aws_region is not None and (problem := region_problem(aws_region)) is not None:
        problems.add("aws:region", aws_region, problem)
    top = Fields(dict(values), f"{namespace}:", problems)
    domain_fields = top.objects("domains")
    tags = top.tags("tags")
    protect = top.boolean("protect", False)
    secrets = {key: value for key, value in values.items() if isinstance(value, str)}
    if not top.has("domains"):
        problems.add(
            f"{namespace}:domains", None, "is required: a list of objects, each with a name"
        )
    elif not domain_fields:
        problems.add(f"{namespace}:domains", values.get("domains"), "must list at least one domain")
    domains: list[DomainConfig] = []
    secret_keys_named: set[str] = set()
    warnings: list[str] = []
    first_index: dict[str, int] = {}
    for index, fields in enumerate(domain_fields):
        domain = parse_domain(fields, aws_region, protect, secrets, namespace, problems)
        if domain is not None and domain.name in first_index:
            problems.add(
                fields.key_path("name"),
                domain.name,
                f"duplicates {namespace}:domains[{first_index[domain.name]}].name; each domain "
                "may appear once",
            )
        elif domain is not None:
            first_index[domain.name] = index
            domains.append(domain)
            warnings += domain_warnings(domain, fields.path)
        named = (as_mapping(fields.raw("dkim")) or {}).get("privateKeyConfig")
        if isinstance(named, str):
            secret_keys_named.add(named)
    feedback = parse_feedback(top, domains, aws_region, problems, stack=stack)
    smtp_users = parse_smtp_users(
        top, domains, namespace, problems, domain_sets=feedback.domain_sets
    )
    for key in secret_keys_named:
        top.raw(key)
    top.finish()
    problems.raise_if_any()
    return StackConfig(
        tuple(domains),
        tags,
        protect,
        feedback,
        (*warnings, *feedback.warnings),
        smtp_users=smtp_users,
        provider_region=aws_region,
    )
