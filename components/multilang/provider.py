"""The components for every Pulumi language: what ``provider/__main__.py`` hosts.

The SDK's component provider host (``pulumi.provider.experimental``) infers the package schema
from type annotations: each component's ``args`` annotation gives its inputs, its class
annotations give its outputs. This module gives the Python components provider-facing classes of
the same names and type tokens (``ses:index:SesDomain``, ``ses:index:SmtpUser``):

- Inputs are ``TypedDict``s whose keys are the stack configuration's own camelCase keys
  (``mailFrom.behaviorOnMxFailure``), so a TypeScript, Go, C# or YAML program passes exactly what
  a ``Pulumi.<stack>.yaml`` holds. Each component runs its inputs through
  :func:`~components.stack_config.parse_stack_config`: one validator for config files, Python
  callers and other languages, every problem reported at once.
- Each class subclasses the Python component and only re-annotates its outputs in types the
  analyzer accepts; the resources are declared by the Python component, unchanged.

No ``from __future__ import annotations`` here: the analyzer reads annotations at run time.
Inputs that decide which resources exist are plain (known when the program runs); BYODKIM is not
offered here because its private key would have to be a plain (non-secret) input.
"""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi

from ..domain import component as python_domain
from ..domain.model import (
    DkimKeyLength,
    DmarcAlignment,
    DmarcPolicy,
    DnsProviderKind,
    DomainConfig,
    MxFailureBehavior,
)
from ..smtp import user as python_smtp
from ..smtp.credentials import smtp_endpoint
from ..smtp.model import SmtpUserConfig
from ..stack_config import StackConfig, parse_stack_config
from ..validation import ConfigError, ConfigProblem, as_list, as_mapping

PACKAGE_NAME = "ses"
"""The Pulumi package name: type tokens are ``ses:index:<Component>``."""


class DkimArgs(TypedDict, total=False):
    """Easy DKIM settings (SES makes and rotates the keys)."""

    keyLength: DkimKeyLength
    """Key size of the next key SES makes (default RSA_2048_BIT)."""
    targetDomain: str
    """Override of the region's DKIM CNAME target domain."""


class MailFromArgs(TypedDict, total=False):
    """Custom MAIL FROM domain: SPF alignment for DMARC."""

    enabled: bool
    """Set up the custom MAIL FROM domain (default true)."""
    subdomain: str
    """A label (``bounce``) or a name under the domain (default ``mail``)."""
    behaviorOnMxFailure: MxFailureBehavior
    """What SES does when the MX record is missing (default USE_DEFAULT_VALUE)."""


class DmarcArgs(TypedDict, total=False):
    """The ``_dmarc`` TXT record."""

    enabled: bool
    """Publish a DMARC record (default true)."""
    policy: DmarcPolicy
    """``p=`` (default none)."""
    subdomainPolicy: DmarcPolicy
    """``sp=`` (omitted by default)."""
    rua: list[str]
    """Aggregate report destinations, ``mailto:`` URIs."""
    ruf: list[str]
    """Failure report destinations, ``mailto:`` URIs."""
    pct: int
    """Percentage the policy applies to, 0-100 (default 100)."""
    adkim: DmarcAlignment
    """DKIM alignment (default r)."""
    aspf: DmarcAlignment
    """SPF alignment (default r)."""


class DnsArgs(TypedDict, total=False):
    """Where the records are written."""

    provider: DnsProviderKind
    """route53 (default), cloudflare or external (records only exported)."""
    zoneId: str
    """Route 53 hosted zone id or Cloudflare zone id."""
    zoneName: str
    """Route 53: find the public hosted zone by this name (default the domain)."""
    ttl: int
    """TTL of every record, 60-172800 (default 1800)."""


class SesDomainInputs(TypedDict):
    """The inputs of ``SesDomain``: the keys of one ``domains`` entry of the stack config."""

    name: str
    """The sending domain."""
    region: str
    """The SES region of the identity."""
    dkim: NotRequired[DkimArgs]
    """Easy DKIM (2048-bit by default)."""
    mailFrom: NotRequired[MailFromArgs]
    """Custom MAIL FROM domain (on, ``mail.<domain>``, by default)."""
    dmarc: NotRequired[DmarcArgs]
    """The DMARC record (on, ``p=none``, by default)."""
    dns: NotRequired[DnsArgs]
    """DNS provider (Route 53 zone named after the domain by default)."""
    emailIdentities: NotRequired[list[str]]
    """Email address identities to verify (the sandbox's senders and recipients)."""
    tags: NotRequired[dict[str, str]]
    """Tags of every taggable child."""
    protect: NotRequired[bool]
    """Protect the identity from deletion."""
    configurationSetName: NotRequired[pulumi.Input[str]]
    """Default configuration set of the identity and the address identities."""


class DnsRecord(TypedDict):
    """One DNS record the domain needs (the ``dns_records`` contract)."""

    domain: str
    """The SES domain the record belongs to."""
    name: str
    """Absolute owner name, lowercase, no trailing dot."""
    type: str
    """CNAME, MX or TXT."""
    value: str
    """CNAME target, ``"<priority> <host>"`` for MX, the whole unsplit text for TXT."""
    ttl: int
    """TTL in seconds."""
    purpose: str
    """dkim, mail_from_mx, mail_from_spf or dmarc."""


def _problems_under(error: ConfigError, prefix: str, component: str) -> ConfigError:
    """The same problems, with key paths relative to the component's inputs."""
    return ConfigError(
        [
            ConfigProblem(
                f"{component}.{problem.key.removeprefix(prefix)}"
                if problem.key.startswith(prefix)
                else f"{component}: {problem.key}",
                problem.value,
                problem.allowed,
            )
            for problem in error.problems
        ]
    )


def _parse(values: Mapping[str, object], prefix: str, component: str) -> StackConfig:
    try:
        return parse_stack_config(values, namespace=PACKAGE_NAME)
    except ConfigError as error:
        raise _problems_under(error, prefix, component) from None


def domain_config(inputs: Mapping[str, Any], component: str = "SesDomain") -> StackConfig:
    """Validate ``SesDomain`` inputs with the stack config parser; the one domain is
    ``.domains[0]`` and the tags ``.tags``. Raises ``ConfigError`` naming every bad input."""
    raw = {
        key: value
        for key, value in inputs.items()
        if key not in ("tags", "configurationSetName") and value is not None
    }
    raw["configurationSet"] = False  # the set is an input here, not a config reference
    values: dict[str, object] = {"domains": [raw]}
    if inputs.get("tags") is not None:
        values["tags"] = inputs["tags"]
    return _parse(values, f"{PACKAGE_NAME}:domains[0].", component)


class SesDomain(python_domain.SesDomain):
    """An SES v2 domain identity with Easy DKIM (2048-bit), custom MAIL FROM, DMARC and its DNS
    records in Route 53 or Cloudflare, or exported for DNS elsewhere."""

    arn: pulumi.Output[str]
    """The identity's ARN."""
    dns_records: pulumi.Output[list[DnsRecord]]  # pyright: ignore[reportIncompatibleVariableOverride]
    """Every DNS record the domain needs."""
    dkim_status: pulumi.Output[str]
    """SES's DKIM status (PENDING, SUCCESS, ...)."""
    verified_for_sending: pulumi.Output[bool]
    """Whether SES lets the identity send."""
    mail_from_domain: str | None
    """The custom MAIL FROM domain, when enabled."""
    email_identity_arns: dict[str, pulumi.Output[str]]
    """ARN of each email address identity, by address."""

    def __init__(
        self,
        name: str,
        args: SesDomainInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        config = domain_config(args)
        domain: DomainConfig = config.domains[0]
        super().__init__(
            name,
            python_domain.SesDomainArgs(
                domain=domain,
                tags=config.tags,
                configuration_set_name=args.get("configurationSetName"),
            ),
            opts,
        )


class SmtpDomainArgs(TypedDict):
    """A domain identity the user may send from, and its region."""

    name: str
    """The domain (its email address identities are covered too)."""
    region: str
    """The region the identity lives in: the user's first domain's region is its primary."""


class SmtpSecretArgs(TypedDict, total=False):
    """An AWS Secrets Manager secret with host, ports, username and passwords."""

    enabled: bool
    """Store the credentials (default false)."""
    name: str
    """Secret name (default ``ses-smtp/<userName>``)."""
    kmsKeyId: str
    """KMS key that encrypts the secret (default the account's aws/secretsmanager key)."""
    recoveryWindowInDays: int
    """Days a deleted secret can be restored: 0, or 7-30 (default 7)."""


class SmtpUserInputs(TypedDict):
    """The inputs of ``SmtpUser``: the keys of one ``smtpUsers`` entry, domains with regions."""

    userName: str
    """The IAM user name (the SMTP username is the access key id)."""
    domains: list[SmtpDomainArgs]
    """Domains the user may send from."""
    fromAddresses: NotRequired[list[str]]
    """``ses:FromAddress`` patterns such as ``noreply@example.com`` or ``alerts-*@example.com``."""
    recipients: NotRequired[list[str]]
    """``ses:Recipients`` patterns."""
    extraRegions: NotRequired[list[str]]
    """More regions to make passwords for (the identities must be verified there too)."""
    path: NotRequired[str]
    """IAM path (default ``/ses-smtp/``)."""
    rotation: NotRequired[str]
    """Label of the current access key; a new label rotates the key."""
    previousRotation: NotRequired[str]
    """Label of the previous key, kept until clients have moved."""
    secret: NotRequired[SmtpSecretArgs]
    """Secrets Manager delivery of the credentials."""
    tags: NotRequired[dict[str, str]]
    """Tags of the IAM user and the secret."""


class SmtpEndpoint(TypedDict):
    """The SES SMTP interface of one region."""

    host: str
    """``email-smtp.<region>.amazonaws.com``."""
    starttlsPorts: list[int]
    """Ports for STARTTLS."""
    tlsWrapperPorts: list[int]
    """Ports for implicit TLS."""


def smtp_user_config(
    inputs: Mapping[str, Any], component: str = "SmtpUser"
) -> tuple[SmtpUserConfig, StackConfig]:
    """Validate ``SmtpUser`` inputs with the stack config parser (the domains become external-DNS
    domains without a configuration set, which declare nothing here)."""
    domains = [
        mapping
        for mapping in (as_mapping(item) for item in as_list(inputs.get("domains")) or [])
        if mapping is not None
    ]
    user = {
        ("name" if key == "userName" else key): value
        for key, value in inputs.items()
        if value is not None
    }
    user["domains"] = [item.get("name") for item in domains]
    values: dict[str, object] = {
        "domains": [
            {
                "name": item.get("name"),
                "region": item.get("region"),
                "dns": {"provider": "external"},
                "configurationSet": False,
            }
            for item in domains
        ],
        "smtpUsers": [user],
    }
    config = _parse(values, f"{PACKAGE_NAME}:smtpUsers[0].", component)
    return config.smtp_users[0], config


class SmtpUser(python_smtp.SmtpUser):
    """An IAM user allowed only ses:SendRawEmail from its domains, with SES SMTP credentials for
    each of its regions (username and passwords as secrets), optionally in Secrets Manager."""

    user_name: pulumi.Output[str]
    """The IAM user name."""
    user_arn: pulumi.Output[str]
    """The IAM user's ARN."""
    username: pulumi.Output[str]
    """SMTP username (the access key id), secret."""
    password: pulumi.Output[str]
    """SMTP password for the primary region, secret."""
    passwords: pulumi.Output[dict[str, str]]
    """SMTP password by region, secret."""
    endpoints: dict[str, SmtpEndpoint]  # pyright: ignore[reportIncompatibleVariableOverride]
    """SMTP endpoint by region."""
    secret_arn: pulumi.Output[str] | None
    """ARN of the Secrets Manager secret, when enabled."""
    policy: pulumi.Output[str] | None
    """The inline IAM policy document."""

    def __init__(
        self,
        name: str,
        args: SmtpUserInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        user, config = smtp_user_config(args)
        access = user.access
        super().__init__(
            name,
            python_smtp.SmtpUserArgs(
                user_name=user.name,
                regions=list(access.regions),
                policy=python_smtp.SmtpPolicyArgs(
                    identities=list(access.identities),
                    configuration_sets=list(access.configuration_sets),
                    from_addresses=list(access.from_addresses),
                    recipients=list(access.recipients),
                ),
                path=user.path,
                rotation=user.rotation,
                previous_rotation=user.previous_rotation,
                secret=user.secret,
                secret_name=user.secret_name,
                tags={**config.tags, **user.tags},
            ),
            opts,
        )
        # the same endpoints as the parent declares, keyed as the schema names them
        self.endpoints = {}  # pyright: ignore[reportIncompatibleVariableOverride]
        for region in access.regions:
            endpoint = smtp_endpoint(region)
            self.endpoints[region] = SmtpEndpoint(
                host=endpoint.host,
                starttlsPorts=list(endpoint.starttls_ports),
                tlsWrapperPorts=list(endpoint.tls_wrapper_ports),
            )


COMPONENTS: list[type[pulumi.ComponentResource]] = [SesDomain, SmtpUser]
"""What the provider hosts, in schema order."""
