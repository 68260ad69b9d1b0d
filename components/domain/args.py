"""``SesDomainArgs``: the typed props a program builds an ``SesDomain`` from, CDK style.

Each choice is a type (``EasyDkim`` or ``Byodkim``, ``Route53Dns``, ``CloudflareDns`` or
``ExternalDns``), each setting a keyword-only field with the default stack config has. The
props are validated by the stack config's own parser (:func:`.parse.parse_domain`): they are
turned into the config shape, parsed, and every problem is named in the props' terms
(``SesDomainArgs.dmarc.policy``) in one :class:`~..validation.ConfigError`.

A BYODKIM key is a secret: ``Byodkim.private_key`` takes a ``pulumi.Output`` (made secret if it
is not already, checked and turned into its public half inside ``apply``) or the name of a
secret config key. A plain-text PEM string is refused, never echoed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import pulumi
from pulumi.runtime import config as runtime_config

from ..feedback.configuration_set import ConfigurationSet
from ..feedback.model import CONFIGURATION_SET_NAME
from ..tag_values import checkable_tags
from ..validation import SECRET, ConfigError, ConfigProblem, Fields, Problems, props_key_path
from .dkim_keys import ByodkimKey, load_byodkim_key
from .extra_args import (
    AdoptArgs,
    BimiArgs,
    GlobalEndpointArgs,
    PostmasterToolsArgs,
    SendingAuthorizationArgs,
    adopt_shape,
    authorization_shape,
)
from .model import (
    DEFAULT_MAIL_FROM_LABEL,
    DEFAULT_TTL,
    DkimKeyLength,
    DmarcAlignment,
    DmarcPolicy,
    DomainConfig,
    MxFailureBehavior,
)
from .parse import domain_warnings, parse_domain

PROPS = "SesDomainArgs"
DEFERRED_KEY = "privateKeyOutput"
"""Stands for a BYODKIM key given as an Output while the parser checks the rest."""
_CONFIG_KEY_NAME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_.-]*:)?[A-Za-z][A-Za-z0-9_-]*$")
_RENAMED = {"privateKeyConfig": "private_key"}
_ROUTE53_STAND_IN = "Z0000000000000000000"
_CLOUDFLARE_STAND_IN = "0" * 32
"""Valid zone ids the parser checks in place of one given as an Output."""


@dataclass(frozen=True, kw_only=True)
class EasyDkim:
    """Easy DKIM: SES makes and rotates the key pair; three CNAMEs delegate the key records."""

    key_length: DkimKeyLength = DkimKeyLength.RSA_2048_BIT
    """Key size of the keys SES makes (2048 bits unless a receiver needs 1024)."""
    target_domain: str | None = None
    """Override of the CNAME target domain (``None``: the region's DKIM domain)."""


@dataclass(frozen=True, kw_only=True)
class Byodkim:
    """Bring your own DKIM key: SES signs with it, its public half is published as a TXT record."""

    selector: str
    """One DNS label: the key record is ``<selector>._domainkey.<domain>``."""
    private_key: pulumi.Input[str]
    """The RSA private key (PEM or base64 DER, 1024 or 2048 bits, unencrypted) as a
    ``pulumi.Output`` (kept secret end to end; checked once its value is known), or the name of a
    secret config key holding it (``dkimKey`` in the project's namespace, or ``ns:dkimKey``). A
    plain-text key in a string is refused."""


@dataclass(frozen=True, kw_only=True)
class MailFromArgs:
    """A custom MAIL FROM domain (MX and SPF records), so SPF aligns for DMARC."""

    subdomain: str = DEFAULT_MAIL_FROM_LABEL
    """A label (``bounce`` → ``bounce.<domain>``) or a full name strictly under the domain."""
    behavior_on_mx_failure: MxFailureBehavior = MxFailureBehavior.USE_DEFAULT_VALUE
    """What SES does when the MX record is missing."""
    subdomains: Mapping[str, str] = field(default_factory=dict[str, str])
    """The MAIL FROM subdomain of each secondary region, where not ``<subdomain>-<region>``."""


@dataclass(frozen=True, kw_only=True)
class DmarcArgs:
    """The ``_dmarc`` TXT record, built from structured settings."""

    policy: DmarcPolicy = DmarcPolicy.NONE
    """``p=``: start with ``none`` and reports, then tighten."""
    subdomain_policy: DmarcPolicy | None = None
    """``sp=`` (``None``: omitted, subdomains follow ``policy``)."""
    rua: Sequence[str] = ()
    """Aggregate report destinations, ``mailto:`` URIs (optional ``!10m`` size limit)."""
    ruf: Sequence[str] = ()
    """Failure report destinations, ``mailto:`` URIs."""
    pct: int = 100
    """Percentage of failing mail the policy applies to, 0-100 (omitted at 100)."""
    adkim: DmarcAlignment = DmarcAlignment.RELAXED
    """DKIM alignment mode (omitted when relaxed)."""
    aspf: DmarcAlignment = DmarcAlignment.RELAXED
    """SPF alignment mode (omitted when relaxed)."""


@dataclass(frozen=True, kw_only=True)
class Route53Dns:
    """Records written to a Route 53 public hosted zone."""

    zone_id: pulumi.Input[str] | None = None
    """The hosted zone's id (``Z...``), or an output such as an ``aws.route53.Zone``'s
    ``zone_id`` (its format is then AWS's to check); ``None``: found by ``zone_name``."""
    zone_name: str | None = None
    """The zone to find by name, the domain or a parent of it (``None``: the domain)."""
    ttl: int = DEFAULT_TTL
    """TTL of every record, 60-172800 seconds."""


@dataclass(frozen=True, kw_only=True)
class CloudflareDns:
    """Records written to a Cloudflare zone (needs the ``cloudflare:apiToken`` config)."""

    zone_id: pulumi.Input[str]
    """The zone's id: 32 lowercase hex digits (checked), or an output such as a
    ``cloudflare.Zone``'s ``id`` (then Cloudflare's to check)."""
    ttl: int = DEFAULT_TTL
    """TTL of every record: 1 (automatic) or 60-86400 seconds."""


@dataclass(frozen=True, kw_only=True)
class ExternalDns:
    """Nothing written: the records are only exported (``dns_records``) for you to publish."""

    ttl: int = DEFAULT_TTL
    """TTL the exported records ask for, 60-172800 seconds."""


@dataclass(frozen=True, kw_only=True)
class SesDomainArgs:
    """One SES sending domain: the identity, DKIM, MAIL FROM, DMARC and where its records go."""

    name: str
    """The sending domain (uppercase, a trailing dot and Unicode are normalised to A-labels)."""
    region: str | None = None
    """The SES region of the identity (``None``: the ``aws:region`` config, or ``regions``)."""
    regions: Sequence[str] = ()
    """Every region the domain gets an identity in, the primary first, instead of ``region``:
    each has its own DKIM and MAIL FROM records; ``configuration_set_name`` is used in each."""
    global_endpoint: GlobalEndpointArgs | None = None
    """A global endpoint over two of ``regions`` (``None``: none)."""
    dkim: EasyDkim | Byodkim = field(default_factory=EasyDkim)
    """DKIM signing: Easy DKIM with 2048-bit keys unless given."""
    mail_from: MailFromArgs | None = field(default_factory=MailFromArgs)
    """Custom MAIL FROM (``mail.<domain>`` unless given); ``None`` turns it off."""
    dmarc: DmarcArgs | None = field(default_factory=DmarcArgs)
    """The DMARC record (``p=none``, relaxed alignment unless given); ``None``: no record."""
    dns: Route53Dns | CloudflareDns | ExternalDns = field(default_factory=Route53Dns)
    """Where the records are written: the Route 53 zone named after the domain unless given."""
    email_identities: Sequence[str] = ()
    """Email address identities to verify (the sandbox's senders and recipients)."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags on every taggable child (keys 1-128 characters, not ``aws:``; values ≤ 256). A value
    may be another resource's output: checked once known."""
    protect: bool = False
    """Protect the identity from deletion."""
    configuration_set_name: pulumi.Input[str] | ConfigurationSet | None = None
    """The identity's default configuration set: a ``ConfigurationSet`` built in the same program
    (its name is used, its region must be the identity's, and the identity's feedback forwarding
    follows the set's ``email_forwarding``), or a set's name or name output (then forwarding is
    left as it is). ``None``: no default set."""
    sending_authorization: Sequence[SendingAuthorizationArgs] = ()
    """Sending authorization policies on the identity: who in other accounts may send."""
    bimi: BimiArgs | None = None
    """The BIMI record (``None``: none); refused unless ``dmarc`` is at enforcement."""
    postmaster_tools: PostmasterToolsArgs | None = None
    """The Google Postmaster Tools verification TXT at the domain (``None``: none)."""
    adopt: AdoptArgs | bool | None = None
    """Take what already exists into the stack instead of creating it: ``True`` imports the
    identity and its MAIL FROM setting (when ``mail_from`` is on) in every region, outside the
    program's ``aws:region`` through a provider of the region; ``AdoptArgs`` chooses, and names
    the Route 53 records to overwrite. ``None``/``False``: everything is created."""


@dataclass(frozen=True, kw_only=True)
class CheckedDomain:
    """:class:`SesDomainArgs` validated: the model the component declares resources from."""

    domain: DomainConfig
    """The settings, as stack config would have produced them."""
    private_key: pulumi.Output[str] | None
    """A BYODKIM key given as an Output, secret; ``None`` when it is already in ``domain``."""
    zone_id: pulumi.Output[str] | None = None
    """A zone id given as an Output (``domain.dns.zone_id`` is then ``None``)."""
    warnings: tuple[str, ...]
    """Settings that deploy but may not do what was meant."""


@dataclass(frozen=True, kw_only=True)
class _KeyConfig:
    """The config key a ``Byodkim.private_key`` names, as the parser takes it."""

    namespace: str
    """The key's config namespace (the project's unless named)."""
    secrets: dict[str, str] = field(default_factory=dict[str, str])
    """Key name -> its value, when set."""
    secret_keys: list[str] | None = None
    """The names Pulumi marks secret (``None``: no config key named)."""


def _dkim_shape(dkim: object, problems: Problems) -> tuple[dict[str, object], _KeyConfig]:
    """The ``dkim`` config object for ``dkim``, and the config key holding a BYODKIM key."""
    none = _KeyConfig(namespace=pulumi.get_project())
    if isinstance(dkim, EasyDkim):
        shape: dict[str, object] = {"mode": "easy", "keyLength": dkim.key_length}
        if dkim.target_domain is not None:
            shape["targetDomain"] = dkim.target_domain
        return shape, none
    if not isinstance(dkim, Byodkim):
        problems.add(f"{PROPS}.dkim", dkim, "must be EasyDkim(...) or Byodkim(...)")
        return {}, none
    shape = {"mode": "byodkim", "selector": dkim.selector, "privateKeyConfig": DEFERRED_KEY}
    if not isinstance(dkim.private_key, str):
        return shape, none
    if not _CONFIG_KEY_NAME.match(dkim.private_key):
        problems.add(
            f"{PROPS}.dkim.private_key",
            SECRET,
            "a plain-text key is refused: pass pulumi.Output.secret(pem) or the name of a "
            "secret config key (pulumi config set --secret dkimKey < key.pem)",
        )
        return shape, none
    namespace, _, key = dkim.private_key.rpartition(":")
    namespace = namespace or none.namespace
    full_key = f"{namespace}:{key}"
    value = runtime_config.get_config(full_key)
    marked = set(runtime_config.get_config_secret_keys_env())
    is_secret = full_key in marked or runtime_config.is_config_secret(full_key)
    shape["privateKeyConfig"] = key
    return shape, _KeyConfig(
        namespace=namespace,
        secrets={key: value} if isinstance(value, str) else {},
        secret_keys=[key] if is_secret else [],
    )


def _checkable_zone_id(zone_id: object, stand_in: str) -> object:
    """A zone id as the parser checks it: an Output (known later) stands in as a valid id."""
    return stand_in if isinstance(zone_id, pulumi.Output) else zone_id


def _zone_output(dns: object) -> pulumi.Output[str] | None:
    """The zone id of ``dns`` when it was given as an Output."""
    zone_id = getattr(dns, "zone_id", None)
    return cast(pulumi.Output[str], zone_id) if isinstance(zone_id, pulumi.Output) else None


def _config_shape(args: SesDomainArgs, problems: Problems) -> tuple[dict[str, object], _KeyConfig]:
    """``args`` as a ``domains[i]`` config object, and the BYODKIM key's config it names."""
    dkim, key_config = _dkim_shape(args.dkim, problems)
    shape: dict[str, object] = {
        "name": args.name,
        "dkim": dkim,
        "emailIdentities": list(args.email_identities),
        "tags": checkable_tags(args.tags),
        "protect": args.protect,
        "configurationSet": False,
        "sendingAuthorization": [authorization_shape(item) for item in args.sending_authorization],
    }
    if args.region is not None:
        shape["region"] = args.region
    if args.regions:
        shape["regions"] = list(args.regions)
    endpoint = cast(object, args.global_endpoint)
    if isinstance(endpoint, GlobalEndpointArgs):
        shape["globalEndpoint"] = {"regions": list(endpoint.regions)} if endpoint.regions else {}
        if endpoint.name is not None:
            cast(dict[str, object], shape["globalEndpoint"])["name"] = endpoint.name
    elif endpoint is not None:
        problems.add(
            f"{PROPS}.global_endpoint", endpoint, "must be GlobalEndpointArgs(...) or None"
        )
    if args.mail_from is None:
        shape["mailFrom"] = {"enabled": False}
    else:
        shape["mailFrom"] = {
            "subdomain": args.mail_from.subdomain,
            "behaviorOnMxFailure": args.mail_from.behavior_on_mx_failure,
            "subdomains": dict(args.mail_from.subdomains),
        }
    if args.dmarc is None:
        shape["dmarc"] = {"enabled": False}
    else:
        dmarc = args.dmarc
        shape["dmarc"] = {
            "policy": dmarc.policy,
            "rua": list(dmarc.rua),
            "ruf": list(dmarc.ruf),
            "pct": dmarc.pct,
            "adkim": dmarc.adkim,
            "aspf": dmarc.aspf,
        } | ({} if dmarc.subdomain_policy is None else {"subdomainPolicy": dmarc.subdomain_policy})
    if args.bimi is not None:
        shape["bimi"] = {
            "logoUrl": args.bimi.logo_url,
            "selector": args.bimi.selector,
        } | ({} if args.bimi.authority_url is None else {"authorityUrl": args.bimi.authority_url})
    adopt = cast(object, args.adopt)
    if isinstance(adopt, AdoptArgs | bool):
        shape["adopt"] = adopt_shape(adopt)
    elif adopt is not None:
        problems.add(f"{PROPS}.adopt", adopt, "must be AdoptArgs(...), True, False or None")
    if args.postmaster_tools is not None:
        shape["postmasterTools"] = {"verification": args.postmaster_tools.verification}
    dns = cast(object, args.dns)  # checked at run time too: a program may not be type-checked
    if isinstance(dns, Route53Dns):
        zone_id = _checkable_zone_id(dns.zone_id, _ROUTE53_STAND_IN)
        shape["dns"] = {"provider": "route53", "ttl": dns.ttl} | {
            key: value
            for key, value in (("zoneId", zone_id), ("zoneName", dns.zone_name))
            if value is not None
        }
    elif isinstance(dns, CloudflareDns):
        zone_id = _checkable_zone_id(dns.zone_id, _CLOUDFLARE_STAND_IN)
        shape["dns"] = {"provider": "cloudflare", "zoneId": zone_id, "ttl": dns.ttl}
    elif isinstance(dns, ExternalDns):
        shape["dns"] = {"provider": "external", "ttl": dns.ttl}
    else:
        problems.add(
            f"{PROPS}.dns", dns, "must be Route53Dns(...), CloudflareDns(...) or ExternalDns()"
        )
    return shape, key_config


def props_key(key: str) -> str:
    """A key path the parser named (``SesDomainArgs.mailFrom.behaviorOnMxFailure``) in the
    props' terms (``SesDomainArgs.mail_from.behavior_on_mx_failure``)."""
    return props_key_path(key, PROPS, PROPS, _RENAMED)


def check_domain_args(args: SesDomainArgs, aws_region: str | None) -> CheckedDomain:
    """Validate ``args`` with the stack config's parser; raises ``ConfigError`` listing every
    problem, keys named as props. ``aws_region`` is the default region (``aws:region``)."""
    problems = Problems()
    shape, key_config = _config_shape(args, problems)
    byodkim = args.dkim if isinstance(args.dkim, Byodkim) else None
    dkim_shape = shape.get("dkim")
    deferred = isinstance(dkim_shape, dict) and DEFERRED_KEY in dkim_shape.values()
    fields = Fields(shape, PROPS, problems)
    domain = parse_domain(
        fields,
        aws_region,
        False,
        key_config.secrets,
        key_config.namespace,
        problems,
        secret_keys=key_config.secret_keys,
        deferred_keys=[DEFERRED_KEY] if deferred else [],
    )
    _check_set(args.configuration_set_name, domain.region if domain else None, problems)
    problems.rename_keys(props_key)
    problems.hide_secrets([f"{PROPS}.dkim.private_key"], list(key_config.secrets.values()))
    problems.raise_if_any()
    assert domain is not None  # a domain with a usable name and region has no problems
    private_key = None
    if byodkim is not None and not isinstance(byodkim.private_key, str):
        private_key = pulumi.Output.secret(byodkim.private_key)
    zone_id = _zone_output(args.dns)
    if zone_id is not None:  # the stand-in the parser checked goes no further
        domain = replace(domain, dns=replace(domain.dns, zone_id=None))
    return CheckedDomain(
        domain=domain,
        private_key=private_key,
        zone_id=zone_id,
        warnings=tuple(domain_warnings(domain, PROPS)),
    )


def _check_set(given: object, region: str | None, problems: Problems) -> None:
    """A known set name is one SES accepts; a ``ConfigurationSet`` lives in the identity's
    region (an output is SES's to check)."""
    key = f"{PROPS}.configuration_set_name"
    if isinstance(given, str) and not CONFIGURATION_SET_NAME.match(given):
        problems.add(
            key, given, "must be an SES configuration set name: 1-64 letters, digits, _ and -"
        )
    elif isinstance(given, ConfigurationSet) and region is not None and given.region != region:
        problems.add(
            key,
            f"ConfigurationSet in {given.region}",
            f"must be a configuration set in the identity's region {region}: a set serves"
            " identities of its own region only",
        )
    elif given is not None and not isinstance(given, str | ConfigurationSet | pulumi.Output):
        problems.add(key, given, "must be a ConfigurationSet, a set's name or a name output")


def load_output_key(pem: str) -> ByodkimKey:
    """A BYODKIM key given as an Output, checked once its value is known (inside ``apply``);
    raises ``ConfigError`` naming the prop, never showing the key."""
    try:
        return load_byodkim_key(pem)
    except ValueError as error:
        problem = ConfigProblem(
            f"{PROPS}.dkim.private_key",
            SECRET,
            f"must be an unencrypted RSA private key of 1024 or 2048 bits; it {error}",
        )
        raise ConfigError([problem]) from None
