"""The components for every Pulumi language: what ``provider/__main__.py`` hosts.

The SDK's component provider host (``pulumi.provider.experimental``) infers the package schema
from type annotations: each component's ``args`` annotation gives its inputs, its class
annotations give its outputs. This module gives the Python components provider-facing classes of
the same names and type tokens (``ses:index:SesDomain``, ``ses:index:SmtpUser``):

- Inputs are the ``TypedDict``s of ``types.py``, keyed like the stack configuration. Each
  component checks its inputs against the package schema (``inputs.py``: unknown keys, types,
  required inputs) and then runs them through
  :func:`~components.stack_config.parse_stack_config`: one validator for config files, Python
  callers and other languages, every problem reported at once.
- Each class subclasses the Python component and only re-annotates its outputs in types the
  analyzer accepts; the resources are declared by the Python component, unchanged.
- :class:`SesComponentProvider` checks the inputs before the SDK maps them and answers bad ones
  as invalid inputs.

No ``from __future__ import annotations`` here: the analyzer reads annotations at run time.
Inputs that decide which resources exist are plain (known when the program runs); BYODKIM is not
offered here because its private key would have to be a plain (non-secret) input.
"""

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError

from .. import __version__
from ..domain import component as python_domain
from ..domain.model import DomainConfig
from ..feedback.model import CONFIGURATION_SET_NAME
from ..smtp import user as python_smtp
from ..smtp.credentials import smtp_endpoint
from ..smtp.model import SmtpUserConfig
from ..smtp.policy import SmtpPolicyArgs
from ..stack_config import StackConfig, parse_stack_config
from ..validation import ConfigError, ConfigProblem, as_list, as_mapping
from .inputs import InputCheck
from .types import DnsRecord, SesDomainInputs, SmtpEndpoint, SmtpUserInputs

PACKAGE_NAME = "ses"
"""The Pulumi package name: type tokens are ``ses:index:<Component>``."""


@functools.cache
def package_schema() -> Mapping[str, Any]:
    """The package schema as the provider serves it (inferred from the annotations here)."""
    schema = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__).schema
    return json.loads(schema or "{}")


Renames = tuple[tuple[str, str | None], ...]
"""(stack config key, component input path or ``None``: not shown), first match wins."""


def _relative(key: str, renames: Renames, component: str) -> str | None:
    """A stack config key path as a path in the component's inputs (``None``: not shown)."""
    for prefix, replacement in renames:
        if key == prefix or key.startswith((f"{prefix}.", f"{prefix}[")):
            return None if replacement is None else replacement + key.removeprefix(prefix)
    return f"{component}: {key}"


def _overlap(key: str, other: str) -> bool:
    """Whether one key path is the other or lies under it."""
    short, long = sorted((key, other), key=len)
    return long == short or long.startswith((f"{short}.", f"{short}["))


def _validate(
    component: str,
    inputs: Mapping[str, object],
    values_of: Callable[[dict[str, object]], dict[str, object]],
    renames: Renames,
    extra: Callable[[dict[str, object]], list[ConfigProblem]] = lambda _: [],
) -> StackConfig:
    """Check ``inputs`` against the schema, then their values with the stack config parser
    (``values_of`` builds the config from the inputs that passed); raise one ``ConfigError``
    with every problem, key paths relative to the component's inputs."""
    check = InputCheck(package_schema(), component)
    passed = check.inputs(inputs)
    problems = [*check.problems, *extra(passed)]
    shown = {problem.key for problem in problems}
    config: StackConfig | None = None
    try:
        config = parse_stack_config(values_of(passed), namespace=PACKAGE_NAME)
    except ConfigError as error:
        for problem in error.problems:
            key = _relative(problem.key, renames, component)
            if key is None or any(_overlap(key, k) for k in shown):
                continue  # a key the schema check already reported, or a repeat of another
            problems.append(ConfigProblem(key, problem.value, problem.allowed))
    if problems or config is None:
        raise ConfigError(problems)
    return config


def _log_warnings(
    config: StackConfig, renames: Renames, component: str, resource: pulumi.Resource
) -> None:
    """The parser's warnings, keyed by the component's inputs, on the component."""
    for warning in config.warnings:
        key, _, rest = warning.partition(" ")
        relative = _relative(key, renames, component)
        text = f"{relative} {rest}" if relative else warning
        production = f" (an error when {PACKAGE_NAME}:production is true)"
        pulumi.log.warn(text.replace(production, ""), resource)


_DOMAIN_RENAMES: Renames = (
    (f"{PACKAGE_NAME}:domains[0]", "SesDomain"),
    (f"{PACKAGE_NAME}:tags", "SesDomain.tags"),
)


def domain_config(inputs: Mapping[str, Any]) -> StackConfig:
    """Validate ``SesDomain`` inputs: the schema's keys and types, then the values with the stack
    config parser; the one domain is ``.domains[0]`` and the tags ``.tags``. Raises
    ``ConfigError`` naming every bad input."""

    def values_of(passed: dict[str, object]) -> dict[str, object]:
        raw = {k: v for k, v in passed.items() if k not in ("tags", "configurationSetName")}
        raw["configurationSet"] = False  # the set is an input here, not a config reference
        values: dict[str, object] = {"domains": [raw]}
        if "tags" in passed:
            values["tags"] = passed["tags"]
        return values

    def set_name(passed: dict[str, object]) -> list[ConfigProblem]:
        name = passed.get("configurationSetName")
        if isinstance(name, str) and not CONFIGURATION_SET_NAME.match(name):
            return [
                ConfigProblem(
                    "SesDomain.configurationSetName",
                    name,
                    "must be a configuration set name: 1-64 letters, digits, _ and -",
                )
            ]
        return []

    return _validate("SesDomain", inputs, values_of, _DOMAIN_RENAMES, set_name)


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
        _log_warnings(config, _DOMAIN_RENAMES, "SesDomain", self)


_SMTP_RENAMES: Renames = (
    (f"{PACKAGE_NAME}:smtpUsers[0].name", "SmtpUser.userName"),
    (f"{PACKAGE_NAME}:smtpUsers[0].domains", None),
    (f"{PACKAGE_NAME}:smtpUsers[0]", "SmtpUser"),
    (f"{PACKAGE_NAME}:domains", "SmtpUser.domains"),
)
"""The wrapped user's own list of domain names repeats what the domain objects (``ses:domains``
here) report, so its problems are not shown."""


def smtp_user_config(inputs: Mapping[str, Any]) -> tuple[SmtpUserConfig, StackConfig]:
    """Validate ``SmtpUser`` inputs: the schema's keys and types, then the values with the stack
    config parser (the domains become external-DNS domains without a configuration set, which
    declare nothing here). Raises ``ConfigError`` naming every bad input."""

    def values_of(passed: dict[str, object]) -> dict[str, object]:
        domains = [as_mapping(item) or {} for item in as_list(passed.get("domains")) or []]
        user = {("name" if key == "userName" else key): value for key, value in passed.items()}
        user["domains"] = [item.get("name") for item in domains]
        return {
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

    def no_domains(passed: dict[str, object]) -> list[ConfigProblem]:
        if passed.get("domains") == []:
            return [
                ConfigProblem(
                    "SmtpUser.domains",
                    [],
                    "must list at least one domain: objects with name and region",
                )
            ]
        return []

    config = _validate("SmtpUser", inputs, values_of, _SMTP_RENAMES, no_domains)
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
                policy=SmtpPolicyArgs(
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
        _log_warnings(config, _SMTP_RENAMES, "SmtpUser", self)


COMPONENTS: list[type[pulumi.ComponentResource]] = [SesDomain, SmtpUser]
"""What the provider hosts, in schema order."""


class SesComponentProvider(ComponentProvider):
    """The SDK's component provider, checking a component's inputs before the SDK maps them
    (mapping drops unknown keys and empties mistyped objects) and answering bad inputs as the
    engine's invalid-inputs error with every problem, not as a crash with a traceback."""

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        validate = VALIDATORS.get(resource_type.rsplit(":", 1)[-1])
        try:
            if validate is not None:
                validate(inputs)
            return super().construct(name, resource_type, inputs, options)
        except ConfigError as error:
            raise _invalid_inputs(error) from None
        except ComponentInitError as error:
            if isinstance(error.inner, ConfigError):
                raise _invalid_inputs(error.inner) from None
            raise


def _invalid_inputs(error: ConfigError) -> InputPropertiesError:
    return InputPropertiesError(
        str(error),
        [
            {
                "property_path": problem.key.partition(".")[2] or problem.key,
                "reason": str(problem).removeprefix(problem.key).lstrip(" =:"),
            }
            for problem in error.problems
        ],
    )


VALIDATORS: dict[str, Callable[[Mapping[str, Any]], object]] = {
    "SesDomain": domain_config,
    "SmtpUser": smtp_user_config,
}
"""Each component's input validation, by component name."""
