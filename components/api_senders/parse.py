"""Parsing the ``apiSenders`` section into :mod:`.model`, after the domains and the SMTP users
(an API sender's IAM user shares the account's user names with them); every problem reported
at once. No Pulumi import."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..regions import partition_of
from ..smtp.access import parse_access
from ..smtp.model import SmtpUserConfig
from ..smtp.parse import parse_key_settings
from ..validation import Fields, Problems
from .model import (
    DEFAULT_API_PATH,
    DEFAULT_SESSION_SECONDS,
    ApiSenderConfig,
    ApiSenderKind,
    TrustConfig,
    TrustPrincipalKind,
)
from .trust import parse_trust

if TYPE_CHECKING:
    from ..domain.model import DomainConfig

IAM_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]{1,64}")
"""IAM role and user names: 1-64 of ``A-Za-z0-9_+=,.@-`` (botocore's ``roleNameType`` and
``userNameType``)."""
SESSION_RANGE = (3600, 43200)
"""A role's ``MaxSessionDuration``: one to twelve hours (botocore's
``roleMaxSessionDurationType``)."""
_USER_ONLY = ("accessKey", "rotation", "previousRotation")
_ROLE_ONLY = ("trust", "maxSessionDuration")


@dataclass(frozen=True, kw_only=True)
class SenderSettings:
    """What :func:`parse_sender_settings` reads: everything but the access keys."""

    name: str | None
    """The IAM name (``None`` when missing or malformed)."""
    kind: ApiSenderKind
    trust: TrustConfig | None
    path: str
    max_session_seconds: int
    access_key: bool
    rotation: str
    previous_rotation: str | None
    tags: dict[str, str]


def parse_sender_settings(fields: Fields, partition: str | None) -> SenderSettings:
    """Name, kind, trust and the IAM settings (``path``, ``maxSessionDuration``, ``accessKey``,
    ``rotation``, ``previousRotation``, ``tags``) of one sender; shared by stack config and the
    ``ApiSenderArgs`` props."""
    problems = fields.problems
    kind = fields.choice("kind", ApiSenderKind, ApiSenderKind.ROLE)
    name = fields.string("name", required=True)
    if name is not None and not IAM_NAME.fullmatch(name):
        problems.add(
            fields.key_path("name"),
            name,
            f"must be an IAM {kind.value} name: 1-64 letters, digits and _+=,.@-",
        )
        name = None
    for key in _USER_ONLY if kind is ApiSenderKind.ROLE else _ROLE_ONLY:
        if fields.has(key):
            problems.add(
                fields.key_path(key),
                fields.raw(key),
                f"applies to kind {'user' if kind is ApiSenderKind.ROLE else 'role'} only",
            )
    trust: TrustConfig | None = None
    trust_fields = fields.mapping("trust") if kind is ApiSenderKind.ROLE else None
    if kind is ApiSenderKind.ROLE and trust_fields is None:
        problems.add(
            fields.key_path("trust"),
            None,
            "is required for a role: trust.principals names who may assume it (a service "
            "principal such as ecs-tasks.amazonaws.com, an account id or a role ARN)",
        )
    elif trust_fields is not None:
        trust = parse_trust(trust_fields, partition)
    path, rotation, previous = parse_key_settings(fields)
    return SenderSettings(
        name=name,
        kind=kind,
        trust=trust,
        path=path if fields.has("path") else DEFAULT_API_PATH,
        max_session_seconds=fields.integer(
            "maxSessionDuration",
            DEFAULT_SESSION_SECONDS,
            minimum=SESSION_RANGE[0],
            maximum=SESSION_RANGE[1],
        ),
        access_key=fields.boolean("accessKey", False),
        rotation=rotation,
        previous_rotation=previous,
        tags=fields.tags("tags"),
    )


def parse_api_senders(
    top: Fields,
    domains: Sequence[DomainConfig],
    namespace: str,
    problems: Problems,
    *,
    domain_sets: Mapping[str, str | None] | None = None,
    smtp_users: Sequence[SmtpUserConfig] = (),
    aws_region: str | None = None,
) -> tuple[ApiSenderConfig, ...]:
    """Parse ``<namespace>:apiSenders`` against the parsed domains and SMTP users;
    ``aws_region`` is the stack's (other accounts' identities must be in its partition)."""
    domains_by_name = {domain.name: domain for domain in domains}
    seen: dict[tuple[ApiSenderKind, str], str] = {
        (ApiSenderKind.USER, user.name.lower()): f"{namespace}:smtpUsers ({user.name})"
        for user in smtp_users
    }
    senders: list[ApiSenderConfig] = []
    for fields in top.objects("apiSenders"):
        before = len(problems)
        access = parse_access(fields, domains_by_name, domain_sets or {}, namespace, aws_region)
        partition = partition_of(access.primary_region) if access is not None else None
        settings = parse_sender_settings(fields, partition)
        name, kind = settings.name, settings.kind
        fields.finish()
        if name is not None:
            slot = (kind, name.lower())
            if slot in seen:
                problems.add(
                    fields.key_path("name"),
                    name,
                    f"is also the IAM {kind.value} of {seen[slot]}; IAM {kind.value} names are "
                    "unique in the account regardless of case",
                )
            seen.setdefault(slot, fields.key_path("name"))
        if name is None or access is None or len(problems) > before:
            continue
        senders.append(
            ApiSenderConfig(
                name=name,
                kind=kind,
                access=access,
                trust=settings.trust,
                path=settings.path,
                max_session_seconds=settings.max_session_seconds,
                access_key=settings.access_key,
                rotation=settings.rotation,
                previous_rotation=settings.previous_rotation,
                tags=settings.tags,
            )
        )
    return tuple(senders)


_SOURCE_KEYS = frozenset({"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid"})


def confused_deputy(trust: TrustConfig | None, key: str, name: str) -> str | None:
    """A role that trusts a service principal without an ``aws:SourceAccount``,
    ``aws:SourceArn`` or ``aws:SourceOrgID`` condition can be assumed by that service on
    behalf of any account (the confused deputy): the warning, naming ``key``, or ``None``."""
    if trust is None or not any(k is TrustPrincipalKind.SERVICE for k, _ in trust.principals):
        return None
    keys = {condition.lower() for keys in trust.conditions.values() for condition in keys}
    if keys & _SOURCE_KEYS:
        return None
    return (
        f"{key}: role {name} trusts a service principal with no aws:SourceAccount or "
        "aws:SourceArn condition; the service could assume it for another account (confused "
        "deputy). Add e.g. StringEquals: {aws:SourceAccount: <this account>}"
    )


def trust_warnings(senders: Sequence[ApiSenderConfig], namespace: str) -> list[str]:
    """:func:`confused_deputy`'s warning for each configured role it applies to."""
    found = (
        confused_deputy(
            sender.trust, f"{namespace}:apiSenders[{index}].trust.conditions", sender.name
        )
        for index, sender in enumerate(senders)
    )
    return [warning for warning in found if warning is not None]
