"""The ``smtpUsers`` section of the stack configuration: SES SMTP users and what they may send.

Parsed by ``smtp/parse.py`` after the domains, so every user can be checked against the
configured domains. Like the rest of the config model this is pure (no Pulumi import).

One ``smtpUsers`` entry is one sending policy. Without ``users`` it is one IAM user (``name``)
with an inline policy; with ``users`` it is an IAM group (``name``) carrying the policy, and one
IAM user per listed name as its members (group mode).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..physical_names import smtp_secret_name

DEFAULT_PATH = "/ses-smtp/"
DEFAULT_ROTATION = "initial"
DEFAULT_RECOVERY_WINDOW_DAYS = 7


@dataclass(frozen=True)
class SmtpIdentity:
    """One SES identity an SMTP user may send from, in one region."""

    region: str
    """The region the identity is used in."""
    identity: str
    """A domain (``example.com``) or an email address identity (``alerts@example.com``)."""
    domain: str
    """The configured domain the identity belongs to."""
    home: bool = True
    """True in one of the domain's regions, where this stack declares the identity; False in an
    extra region (the identity must be verified there outside this stack)."""
    primary: bool = True
    """True in the domain's primary region, whose identity ARN the stack passes to the policy;
    the other regions' ARNs are built from the account id."""


@dataclass(frozen=True)
class SmtpConfigurationSet:
    """A configuration set an SMTP user may send with, in one region."""

    region: str
    """The region the configuration set lives in."""
    name: str
    """The configuration set's name."""


@dataclass(frozen=True)
class SmtpSecretConfig:
    """Where the credentials are kept for applications: an AWS Secrets Manager secret."""

    enabled: bool = False
    """Store host, ports, username and password(s) in a Secrets Manager secret."""
    name: str | None = None
    """The secret's name (default ``ses-smtp/<user name>/credentials``)."""
    kms_key_id: str | None = None
    """Customer-managed KMS key (id, ARN or ``alias/...``) that encrypts the secret; default
    the account's ``aws/secretsmanager`` key."""
    recovery_window_days: int = DEFAULT_RECOVERY_WINDOW_DAYS
    """Days a deleted secret can be restored (0 deletes at once, otherwise 7-30)."""


@dataclass(frozen=True)
class SmtpAccess:
    """What one sending policy allows (shared by all members in group mode)."""

    domains: tuple[str, ...]
    """The configured domains the user may send from (may be empty with ``identity_arns``)."""
    regions: tuple[str, ...]
    """Every region the user sends in: its domains' regions first (the first one is the primary
    region), then those of ``identity_arns``, then ``extraRegions``."""
    identities: tuple[SmtpIdentity, ...]
    """Identity per region that the policy names: each domain and its email-address identities,
    in the domain's region and in every extra region."""
    from_addresses: tuple[str, ...] = ()
    """``ses:FromAddress`` patterns (``StringLike``); empty means any address of the identities."""
    recipients: tuple[str, ...] = ()
    """``ses:Recipients`` patterns (``ForAllValues:StringLike``); empty means any recipient."""
    configuration_sets: tuple[SmtpConfigurationSet, ...] = ()
    """Configuration sets the user may send with: each domain's default set (SES authorizes it
    on every send from the identity) and ``configurationSets`` in each of the user's regions."""
    identity_arns: tuple[str, ...] = ()
    """``identityArns``: identities of other accounts whose owners authorized this sender
    (their sending authorization policies); the sender's policy names them too."""

    @property
    def primary_region(self) -> str:
        return self.regions[0]


@dataclass(frozen=True)
class SmtpUserConfig:
    """One IAM user with SMTP credentials."""

    name: str
    """The IAM user name (the SMTP *username* is the access key id, not this)."""
    access: SmtpAccess
    """What the user may send."""
    group: str | None = None
    """Group mode: the IAM group holding the policy (``None``: the user has an inline policy)."""
    path: str = DEFAULT_PATH
    """IAM path of the user (and group)."""
    rotation: str = DEFAULT_ROTATION
    """Generation label of the current access key; change it to rotate the key."""
    previous_rotation: str | None = None
    """Label of the previous key to keep during a rotation (remove it once clients moved)."""
    secret: SmtpSecretConfig = field(default_factory=SmtpSecretConfig)
    """Secrets Manager delivery of the credentials."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Tags of this user's taggable resources (merged over the stack's ``tags``)."""

    @property
    def secret_name(self) -> str:
        """``secret.name``, or :func:`..physical_names.smtp_secret_name` of the user."""
        return self.secret.name or smtp_secret_name(self.name)
