"""The components for every Pulumi language: what ``provider/__main__.py`` hosts.

:class:`SesComponentProvider` serves the package schema of ``package.py`` and constructs the
components of the same names and type tokens (``ses:index:SesDomain``, ``ses:index:SmtpUser``):

- Inputs arrive as the engine sends them, camelCase. Each component checks them against the
  package schema first (``inputs.py``: unknown keys, types, required inputs, outputs where a
  plain value belongs), every problem reported at once, answered as invalid inputs.
- ``SesDomain``'s inputs are its typed props, ``SesDomainArgs`` (the schema walks them): the
  inputs are made into the props (``props.py``) and checked by the props' own validator, so
  other languages get the Python API's names, docs, defaults and checks. Outputs (a
  configuration set's name, a secret BYODKIM key, unknown in a preview) are passed on.
- ``SmtpUser``'s inputs are an ``smtpUsers`` entry with its domains (``types.py``), run through
  :func:`~components.stack_config.parse_stack_config`.
- Each class subclasses the Python component (resources unchanged); the state is read from
  the attributes the outputs dataclass names.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Generic, TypeVar, cast

import pulumi
from pulumi.errors import InputPropertiesError
from pulumi.provider import ConstructResult, Provider
from pulumi.runtime import config as runtime_config

from ..domain import component as python_domain
from ..domain.args import CheckedDomain, SesDomainArgs, check_domain_args
from ..feedback import alarms as python_alarms
from ..feedback import configuration_set as python_set
from ..feedback.account import account_context
from ..feedback.alarms import ReputationAlarmsSettings
from ..feedback.args import (
    ConfigurationSetArgs,
    ReputationAlarmsArgs,
    check_alarms_args,
    check_configuration_set_args,
)
from ..feedback.configuration_set import ConfigurationSetSettings
from ..smtp import user as python_smtp
from ..smtp.args import SmtpSecretArgs, checkable_kms_key_id, secret_args
from ..smtp.credentials import smtp_endpoint
from ..smtp.model import SmtpUserConfig
from ..smtp.policy import SmtpPolicyArgs
from ..stack_config import StackConfig, parse_stack_config
from ..validation import ConfigError, ConfigProblem, as_list, as_mapping
from .hints import camel_case
from .inputs import InputCheck
from .package import (
    CONFIGURATION_SET,
    NOTES,
    PACKAGE,
    PACKAGE_NAME,
    REPUTATION_ALARMS,
    SES_DOMAIN,
    SMTP_USER,
    schema,
)
from .props import PropsFromInputs
from .schema import Component, package_schema

Secret = SmtpSecretArgs | None
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
    check = InputCheck(schema(), component)
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


P = TypeVar("P")
C = TypeVar("C")


@dataclass(frozen=True, kw_only=True)
class FromProps(Generic[P, C]):
    """A component's inputs made into its typed props and checked by the props' validator."""

    props: P
    """The typed props (Outputs among them as they came)."""
    checked: C
    """What the props' validator returned."""
    names: PropsFromInputs
    """Names the props' paths as input paths."""

    def warn(self, warnings: Sequence[str], resource: pulumi.Resource) -> None:
        """The validator's warnings, keyed by input path, logged on ``resource``."""
        for warning in warnings:
            key, _, rest = warning.partition(" ")
            pulumi.log.warn(f"{self.names.input_key(key)} {rest}", resource)


def from_props(
    component: str, cls: type[P], inputs: Mapping[str, Any], validate: Callable[[P], C]
) -> FromProps[P, C]:
    """Check ``inputs`` against the schema, make ``cls`` props of them and run ``validate``;
    raises ``ConfigError`` naming every bad input by its path (``SesDomain.dmarc.pct``)."""
    check = InputCheck(schema(), component)
    passed = check.inputs(inputs)
    names = PropsFromInputs(cls, component)
    props = names.build(passed)
    shown = {problem.key for problem in check.problems}
    problems = [
        *check.problems,  # an unknown key in a choice says more than "none was given"
        *(p for p in names.problems if not any(_overlap(p.key, k) for k in shown)),
    ]
    shown |= {problem.key for problem in problems}
    if isinstance(props, cls):
        try:
            checked = validate(props)
        except ConfigError as error:
            for problem in error.problems:
                key = names.input_key(problem.key)
                if not any(_overlap(key, k) for k in shown):
                    problems.append(ConfigProblem(key, problem.value, problem.allowed))
        else:
            if not problems:
                return FromProps(props=props, checked=checked, names=names)
    raise ConfigError(problems)


def _check_domain(props: SesDomainArgs) -> CheckedDomain:
    aws_region = runtime_config.get_config("aws:region")
    return check_domain_args(props, aws_region if isinstance(aws_region, str) else None)


class SesDomain(python_domain.SesDomain):
    """``ses:index:SesDomain``: the Python one, from ``SesDomainArgs`` (Outputs passed on)."""

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        made = from_props("SesDomain", SesDomainArgs, args, _check_domain)
        super().__init__(name, python_domain.settings_of(made.props, made.checked), opts)
        made.warn(made.checked.warnings, self)


class ConfigurationSet(python_set.ConfigurationSet):
    """``ses:index:ConfigurationSet``: the Python one, from ``ConfigurationSetArgs``."""

    topic_arns: dict[str, pulumi.Output[str]]
    queue_urls: dict[str, pulumi.Output[str]]
    key_arn: pulumi.Output[str] | None

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        made = from_props(
            "ConfigurationSet", ConfigurationSetArgs, args, check_configuration_set_args
        )
        config, warnings = made.checked
        settings = ConfigurationSetSettings(
            config=config, account=account_context(made.props.account)
        )
        super().__init__(name, settings, opts)
        self.topic_arns = self.topics.topic_arns
        self.queue_urls = self.topics.queue_urls
        self.key_arn = self.topics.key_arn
        made.warn(warnings, self)


class ReputationAlarms(python_alarms.ReputationAlarms):
    """``ses:index:ReputationAlarms``: the Python one, from ``ReputationAlarmsArgs``."""

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        made = from_props("ReputationAlarms", ReputationAlarmsArgs, args, check_alarms_args)
        region, config, warnings = made.checked
        settings = ReputationAlarmsSettings(
            region=region,
            config=config,
            account=account_context(made.props.account),
            tags=dict(made.props.tags),
        )
        super().__init__(name, settings, opts)
        made.warn(warnings, self)


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
        if isinstance(secret := passed.get("secret"), dict):
            kms = cast(dict[str, object], secret).get("kmsKeyId")
            user["secret"] = {**secret, "kmsKeyId": checkable_kms_key_id(kms)}
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
    """``ses:index:SmtpUser``: the Python ``SmtpUser`` built from the package's inputs."""

    endpoints: dict[str, dict[str, object]]  # pyright: ignore[reportIncompatibleVariableOverride]
    """SMTP endpoint by region, keyed as the schema names them."""

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
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
                secret=_with_kms_output(secret_args(user), args),
                tags={**config.tags, **user.tags},
            ),
            opts,
        )
        # the same endpoints as the parent declares, keyed as the schema names them
        self.endpoints = {}  # pyright: ignore[reportIncompatibleVariableOverride]
        for region in access.regions:
            endpoint = smtp_endpoint(region)
            self.endpoints[region] = {
                "host": endpoint.host,
                "starttlsPorts": list(endpoint.starttls_ports),
                "tlsWrapperPorts": list(endpoint.tls_wrapper_ports),
            }
        _log_warnings(config, _SMTP_RENAMES, "SmtpUser", self)


def _with_kms_output(secret: SmtpSecretArgs | None, inputs: Mapping[str, Any]) -> Secret:
    """``secret`` with the KMS key id given as an Output, where the parser saw a stand-in."""
    kms = (as_mapping(inputs.get("secret")) or {}).get("kmsKeyId")
    if secret is None or not isinstance(kms, pulumi.Output):
        return secret
    return replace(secret, kms_key_id=cast(pulumi.Output[str], kms))


@dataclass(frozen=True, kw_only=True)
class Hosted:
    """A component the provider hosts: its schema and the class that builds it."""

    schema: Component
    """Its name, description, inputs and outputs, as the package schema gives them."""
    cls: Callable[[str, Mapping[str, Any], pulumi.ResourceOptions | None], pulumi.Resource]
    """Builds it from the inputs as the engine sends them (checks them first)."""


COMPONENTS: list[Hosted] = [
    Hosted(schema=SES_DOMAIN, cls=SesDomain),
    Hosted(schema=SMTP_USER, cls=SmtpUser),
    Hosted(schema=CONFIGURATION_SET, cls=ConfigurationSet),
    Hosted(schema=REPUTATION_ALARMS, cls=ReputationAlarms),
]
"""What the provider hosts, in schema order."""


class SesComponentProvider(Provider):
    """Serves the package schema and constructs the components, answering bad inputs as the
    engine's invalid-inputs error with every problem, not as a crash with a traceback."""

    def __init__(self, components: Sequence[Hosted], name: str, version: str) -> None:
        info = replace(PACKAGE, name=name, version=version)
        served = package_schema(info, [hosted.schema for hosted in components], NOTES)
        super().__init__(version, json.dumps(served))
        self._hosted = {f"{name}:index:{hosted.schema.name}": hosted for hosted in components}

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        hosted = self._hosted.get(resource_type)
        if hosted is None:
            known = ", ".join(sorted(self._hosted))
            raise ValueError(
                f"unknown resource type {resource_type[:200]!r}; this package has {known}"
            )
        try:
            component = hosted.cls(name, inputs, options)
        except ConfigError as error:
            raise _invalid_inputs(error) from None
        state: dict[str, Any] = {}
        for item in fields(hosted.schema.outputs):
            value = getattr(component, item.name, None)
            if value is not None:
                state[camel_case(item.name)] = value
        return ConstructResult(component.urn, state)


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
