"""Parsing the ``smtpUsers`` section into :mod:`.model`, after the domains, so every user can be
checked against the configured domains; every problem reported at once. No Pulumi import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..validation import Fields, Problems
from .access import names_matching, parse_access
from .model import (
    DEFAULT_PATH,
    DEFAULT_RECOVERY_WINDOW_DAYS,
    DEFAULT_ROTATION,
    SmtpSecretConfig,
    SmtpUserConfig,
)

if TYPE_CHECKING:
    from ..domain.model import DomainConfig

_IAM_USER_NAME = re.compile(r"^[A-Za-z0-9_+=,.@-]{1,64}$")
_IAM_GROUP_NAME = re.compile(r"^[A-Za-z0-9_+=,.@-]{1,128}$")
_IAM_PATH = re.compile(r"^/(?:[\x21-\x7e]*/)?$")
_ROTATION_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
AMBIGUOUS_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
"""Secrets Manager ends each secret ARN with ``-`` and six random characters; AWS advises
against names that end the same way (Secrets Manager User Guide, "Troubleshoot")."""
_KMS_KEY = re.compile(
    r"^(?:arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):\d{12}:(?:key|alias)/[A-Za-z0-9/_+=,.@-]+"
    r"|alias/[A-Za-z0-9/_+=,.@-]+"
    r"|(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))$"
)


def parse_secret(
    fields: Fields | None, regions: Sequence[str], problems: Problems
) -> SmtpSecretConfig:
    if fields is None:
        return SmtpSecretConfig()
    enabled = fields.boolean("enabled", True)
    name = fields.string("name")
    kms_key_id = fields.string("kmsKeyId")
    window = fields.integer(
        "recoveryWindowInDays", DEFAULT_RECOVERY_WINDOW_DAYS, minimum=0, maximum=30
    )
    fields.finish()
    if 0 < window < 7:
        problems.add(fields.key_path("recoveryWindowInDays"), window, "must be 0 or from 7 to 30")
    if name is not None and (not _SECRET_NAME.match(name) or name.startswith("aws")):
        problems.add(
            fields.key_path("name"),
            name,
            "must be 1-512 letters, digits and /_+=.@-, not starting with 'aws'",
        )
    elif name is not None and AMBIGUOUS_SECRET_SUFFIX.search(name):
        problems.add(
            fields.key_path("name"),
            name,
            "must not end in a hyphen and six characters: Secrets Manager appends exactly that "
            "to every secret's ARN, so partial-ARN lookups of this name would be ambiguous",
        )
    if kms_key_id is not None:
        match = _KMS_KEY.match(kms_key_id)
        if not match:
            problems.add(
                fields.key_path("kmsKeyId"),
                kms_key_id,
                "must be a KMS key id, key ARN, alias/NAME or alias ARN",
            )
        elif match.group("region") and regions and match.group("region") != regions[0]:
            problems.add(
                fields.key_path("kmsKeyId"),
                kms_key_id,
                f"is in {match.group('region')}, but the secret is stored in the user's primary "
                f"region {regions[0]}; a secret can only use a KMS key in its own region",
            )
    return SmtpSecretConfig(enabled, name, kms_key_id, window)


def check_iam_name(fields: Fields, key: str, *, group: bool) -> str | None:
    """An IAM user (or group) name at ``key``; ``None`` when missing or malformed."""
    name = fields.string(key, required=True)
    regex, limit, what = (
        (_IAM_GROUP_NAME, 128, "IAM group") if group else (_IAM_USER_NAME, 64, "IAM user")
    )
    if name is not None and not regex.match(name):
        fields.problems.add(
            fields.key_path(key),
            name,
            f"must be an {what} name: 1-{limit} letters, digits and _+=,.@-",
        )
        return None
    return name


def parse_key_settings(fields: Fields) -> tuple[str, str, str | None]:
    """``path``, ``rotation`` and ``previousRotation`` of a user's IAM entities and keys."""
    problems = fields.problems
    path_value = fields.string("path", DEFAULT_PATH) or DEFAULT_PATH
    if len(path_value) > 512 or not _IAM_PATH.match(path_value):
        problems.add(
            fields.key_path("path"),
            path_value,
            "must be an IAM path: starts and ends with '/', printable ASCII, at most 512 chars",
        )
    rotation = fields.string("rotation", DEFAULT_ROTATION) or DEFAULT_ROTATION
    previous = fields.string("previousRotation")
    for key, label in (("rotation", rotation), ("previousRotation", previous)):
        if label is not None and not _ROTATION_LABEL.match(label):
            problems.add(
                fields.key_path(key),
                label,
                "must be a label of 1-32 letters, digits, '.', '_' and '-' such as 2026-11",
            )
    if previous is not None and previous == rotation:
        problems.add(
            fields.key_path("previousRotation"),
            previous,
            "equals rotation; give the label of the key being replaced",
        )
    return path_value, rotation, previous


@dataclass(frozen=True)
class _Entry:
    names: list[tuple[str, str]]
    """(key path, IAM user name) of every user the entry declares, valid or not."""
    group: tuple[str, str] | None
    """(key path, group name) in group mode."""
    users: list[SmtpUserConfig]
    """The parsed users (empty when the entry's access settings are unusable)."""


def _parse_entry(
    fields: Fields,
    domains_by_name: Mapping[str, DomainConfig],
    domain_sets: Mapping[str, str | None],
    namespace: str,
    problems: Problems,
    aws_region: str | None,
) -> _Entry:
    member_items = fields.string_list("users")
    group_mode = fields.has("users")
    name = check_iam_name(fields, "name", group=group_mode)
    members = names_matching(
        fields,
        "users",
        _IAM_USER_NAME,
        "must be an IAM user name: 1-64 letters, digits and _+=,.@-",
        problems,
    )
    if group_mode and not member_items:
        problems.add(fields.key_path("users"), fields.raw("users"), "must list at least one user")

    access = parse_access(fields, domains_by_name, domain_sets, namespace, aws_region)
    if fields.has("globalEndpoint"):
        problems.add(
            fields.key_path("globalEndpoint"),
            fields.raw("globalEndpoint"),
            "is refused: SES global endpoints serve the v2 API (SendEmail with EndpointId) only, "
            "not SMTP; an SMTP user sends through the SMTP endpoint of each of its regions "
            "(email-smtp.<region>.amazonaws.com), or send through the endpoint with the API",
        )
    path_value, rotation, previous = parse_key_settings(fields)

    regions = access.regions if access is not None else ()
    secret = parse_secret(fields.mapping("secret"), regions, problems)
    tag_values = fields.tags("tags")
    fields.finish()

    user_names = (
        members if group_mode else ([(fields.key_path("name"), name)] if name is not None else [])
    )
    group = (fields.key_path("name"), name) if group_mode and name is not None else None
    if name is None or access is None:
        return _Entry(user_names, group, [])
    if secret.name is not None and group_mode and len(members) > 1:
        problems.add(
            fields.key_path("secret.name"),
            secret.name,
            "cannot be one name for several users; leave it out (ses-smtp/<user>/credentials "
            "is used)",
        )
    users = [
        SmtpUserConfig(
            name=user_name,
            access=access,
            group=name if group_mode else None,
            path=path_value,
            rotation=rotation,
            previous_rotation=previous,
            secret=secret,
            tags=tag_values,
        )
        for _, user_name in user_names
    ]
    return _Entry(user_names, group, users)


def parse_smtp_users(
    top: Fields,
    domains: Sequence[DomainConfig],
    namespace: str,
    problems: Problems,
    *,
    domain_sets: Mapping[str, str | None] | None = None,
    aws_region: str | None = None,
) -> tuple[SmtpUserConfig, ...]:
    """Parse ``<namespace>:smtpUsers`` against the parsed domains; problems go to ``problems``.

    ``domain_sets`` maps a domain to the configuration set its identity uses by default (from
    the feedback configuration); SES authorizes that set on every send, so the policy names it.
    ``aws_region`` is the stack's region: other accounts' identities must be in its partition.
    """
    domains_by_name = {domain.name: domain for domain in domains}
    users: list[SmtpUserConfig] = []
    seen_users: dict[str, str] = {}
    seen_groups: dict[str, str] = {}
    seen_secrets: dict[str, str] = {}
    for fields in top.objects("smtpUsers"):
        entry = _parse_entry(
            fields, domains_by_name, domain_sets or {}, namespace, problems, aws_region
        )
        duplicates: set[str] = set()
        for path, user_name in entry.names:
            if user_name.lower() in seen_users:
                duplicates.add(user_name)
                problems.add(
                    path,
                    user_name,
                    f"duplicates the user at {seen_users[user_name.lower()]}; IAM user names are "
                    "unique regardless of case",
                )
            else:
                seen_users[user_name.lower()] = path
        if entry.group is not None:
            path, group = entry.group
            if group.lower() in seen_groups:
                problems.add(
                    path,
                    group,
                    f"duplicates the group at {seen_groups[group.lower()]}; IAM group names are "
                    "unique regardless of case",
                )
            seen_groups.setdefault(group.lower(), path)
        for user in entry.users:
            if user.name in duplicates:
                continue
            if user.secret.enabled:
                secret_key = f"{user.access.primary_region}/{user.secret_name}"
                if secret_key in seen_secrets:
                    problems.add(
                        fields.key_path("secret.name"),
                        user.secret_name,
                        f"is also the secret of user {seen_secrets[secret_key]}",
                    )
                seen_secrets[secret_key] = user.name
            users.append(user)
    return tuple(users)


def smtp_groups(users: Sequence[SmtpUserConfig]) -> dict[str, list[SmtpUserConfig]]:
    """Group-mode users by group name, in configuration order."""
    groups: dict[str, list[SmtpUserConfig]] = {}
    for user in users:
        if user.group is not None:
            groups.setdefault(user.group, []).append(user)
    return groups
