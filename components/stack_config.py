"""The whole stack's configuration: :class:`StackConfig` and :func:`parse_stack_config`, which
validates every section (domains, feedback, SMTP users) and reports all problems at once through
:class:`~.validation.ConfigError` before anything is declared. Pure: no Pulumi.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import cast

from .api_senders.model import ApiSenderConfig
from .api_senders.parse import parse_api_senders, trust_warnings
from .deliverability.model import DeliverabilityConfig
from .deliverability.parse import parse_deliverability
from .domain.adopt_parse import check_adopted_set_names
from .domain.model import DomainConfig
from .domain.parse import domain_warnings, parse_domain
from .feedback.model import FeedbackConfig
from .feedback.parse import parse_feedback
from .feedback.tracking import TrackingRecords, plan_tracking
from .physical_names import PhysicalName, report_collisions
from .regions import region_problem
from .smtp.model import SmtpUserConfig
from .smtp.parse import parse_smtp_users
from .validation import Fields, Problems, as_list, as_mapping


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
    production: bool = False
    """``production``: the stack serves real mail, so settings that are only risky elsewhere
    (an SMTP user that may send as any address) are errors."""
    api_senders: tuple[ApiSenderConfig, ...] = ()
    """``apiSenders``: IAM roles and users that send through the SES API."""
    tracking: TrackingRecords = field(default_factory=TrackingRecords)
    """The CNAMEs the configuration sets' custom tracking domains need."""
    deliverability: DeliverabilityConfig = field(default_factory=DeliverabilityConfig)
    """Contact lists, tenants, dedicated IP pools and account VDM (``deliverability/model.py``)."""


def parse_stack_config(
    values: Mapping[str, object],
    *,
    namespace: str,
    aws_region: str | None = None,
    stack: str | None = None,
    secret_keys: Collection[str] | None = None,
) -> StackConfig:
    """Validate the project's stack configuration.

    ``stack`` (the Pulumi stack's name) goes into the default prefix of names that are unique
    per account and region only, so two stacks in one account never share those resources.

    ``values`` maps the project's config keys (without the ``<namespace>:`` prefix) to their
    JSON-decoded values; secret values are plain strings here. ``secret_keys`` names the keys
    Pulumi marks secret (``pulumi config set --secret``): a BYODKIM key must be one of them.
    ``None`` means the caller cannot tell (values built in code), and the check is skipped. No
    message shows the value of a secret key or of a key a domain names as its BYODKIM key.
    A bad ``aws_region`` is reported once, as ``aws:region``, not again for each entry that takes
    it as its default. A domain listed twice is reported once and left out of what follows, so
    nothing derived from it clashes with itself. Raises ``ConfigError`` listing every problem.
    """
    problems = Problems()
    if aws_region is not None and (problem := region_problem(aws_region)) is not None:
        problems.add("aws:region", aws_region, problem)
    top = Fields(dict(values), f"{namespace}:", problems)
    domain_fields = top.objects("domains")
    tags = top.tags("tags")
    protect = top.boolean("protect", False)
    production = top.boolean("production", False)
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
        domain = parse_domain(
            fields, aws_region, protect, secrets, namespace, problems, secret_keys=secret_keys
        )
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
    report_collisions(
        (
            PhysicalName(
                kind="global endpoint",
                scope=domain.global_endpoint.primary_region,
                name=domain.global_endpoint.name,
                key=f"{namespace}:domains[{first_index[domain.name]}].globalEndpoint.name",
            )
            for domain in domains
            if domain.global_endpoint is not None
        ),
        problems,
    )
    feedback = parse_feedback(top, domains, aws_region, problems, stack=stack)
    check_adopted_set_names(
        domains,
        feedback.domain_sets,
        {name: f"{namespace}:domains[{index}]" for name, index in first_index.items()},
        problems,
    )
    deliverability = parse_deliverability(top, domains, feedback, aws_region)
    tracking = plan_tracking(top, domains, feedback, problems)
    smtp_users = parse_smtp_users(
        top, domains, namespace, problems, domain_sets=feedback.domain_sets, aws_region=aws_region
    )
    api_senders = parse_api_senders(
        top,
        domains,
        namespace,
        problems,
        domain_sets=feedback.domain_sets,
        smtp_users=smtp_users,
        aws_region=aws_region,
    )
    warnings += trust_warnings(api_senders, namespace)
    for section in ("smtpUsers", "apiSenders"):
        warnings += _unrestricted_senders(
            values.get(section), f"{namespace}:{section}", namespace, production, problems
        )
    for index, entry in enumerate(as_list(values.get("domains")) or []):
        warnings += _unrestricted_senders(
            (as_mapping(entry) or {}).get("sendingAuthorization"),
            f"{namespace}:domains[{index}].sendingAuthorization",
            namespace,
            production,
            problems,
        )
    for key in secret_keys_named:
        top.raw(key)
    top.finish()
    hidden = {*(secret_keys or ()), *secret_keys_named}
    problems.hide_secrets(
        [f"{namespace}:{key}" for key in hidden],
        [text for key in hidden for text in _strings(values.get(key))],
    )
    problems.raise_if_any()
    return StackConfig(
        tuple(domains),
        tags,
        protect,
        feedback,
        (*warnings, *feedback.warnings, *tracking.warnings, *deliverability.warnings),
        smtp_users=smtp_users,
        provider_region=aws_region,
        production=production,
        api_senders=api_senders,
        tracking=tracking,
        deliverability=deliverability,
    )


def _unrestricted_senders(
    entries: object, section: str, namespace: str, production: bool, problems: Problems
) -> list[str]:
    """A sender (SMTP user, API sender, or other account's principals authorized on a domain)
    without ``fromAddresses`` may send as any address of its identities: a warning, and an
    error in a production stack. Returns the warnings."""
    warnings: list[str] = []
    for index, entry in enumerate(as_list(entries) or []):
        mapping = as_mapping(entry)
        if mapping is None or mapping.get("fromAddresses"):
            continue
        key = f"{section}[{index}].fromAddresses"
        who = "the user" if section.endswith(":smtpUsers") else "the sender"
        what = "the domain" if section.endswith(".sendingAuthorization") else "its domains"
        risk = (
            f"without it {who} may send as any address of {what} (no ses:FromAddress "
            "condition); list the addresses or patterns it sends as, e.g. noreply@<domain>"
        )
        if production:
            problems.add(
                key,
                mapping.get("fromAddresses"),
                f"is required in a production stack ({namespace}:production is true): {risk}",
            )
        else:
            warnings.append(
                f"{key} is not set: {risk} (an error when {namespace}:production is true)"
            )
    return warnings


def _strings(value: object) -> list[str]:
    """Every string in a config value (structured secret values hold their secrets inside)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        items = cast(dict[object, object], value)
        return [text for k, v in items.items() for text in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [text for item in cast(list[object], value) for text in _strings(item)]
    return []
