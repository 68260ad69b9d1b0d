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
- ``SmtpUser``, ``SmtpGroup``, ``ApiSender``, ``ConfigurationSet``, ``FeedbackTopics``,
  ``ReputationAlarms``, ``ContactList``, ``DedicatedIpPool``, ``AccountVdm`` and ``Tenant`` are
  made the same way from their props.
- Each class subclasses the Python component (resources unchanged); the state is read from
  the attributes the outputs dataclass names.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, cast

import pulumi
from pulumi.errors import InputPropertiesError
from pulumi.provider import ConstructResult, Provider
from pulumi.runtime import config as runtime_config

from .. import __version__
from ..api_senders import sender as python_api_sender
from ..api_senders.args import ApiSenderArgs, check_sender_args
from ..api_senders.model import TrustConfig
from ..api_senders.parse import confused_deputy
from ..deliverability import contact_list as python_list
from ..deliverability import ip_pool as python_pool
from ..deliverability import tenant as python_tenant
from ..deliverability import vdm as python_vdm
from ..domain import component as python_domain
from ..domain.args import CheckedDomain, SesDomainArgs, check_domain_args
from ..feedback import alarms as python_alarms
from ..feedback import configuration_set as python_set
from ..feedback import topics as python_topics
from ..feedback.args import (
    ConfigurationSetArgs,
    FeedbackTopicsArgs,
    ReputationAlarmsArgs,
    check_alarms_args,
    check_configuration_set_args,
    check_topics_args,
)
from ..smtp import group as python_group
from ..smtp import user as python_smtp
from ..smtp.args import check_group_args, check_user_args
from ..smtp.credentials import smtp_endpoint
from ..smtp.group import SmtpGroupArgs
from ..smtp.user import SmtpUserArgs
from ..validation import ConfigError, camel_case
from .from_props import from_props
from .package import (
    ACCOUNT_VDM,
    API_SENDER,
    CONFIGURATION_SET,
    CONTACT_LIST,
    DEDICATED_IP_POOL,
    FEEDBACK_TOPICS,
    NOTES,
    PACKAGE,
    PACKAGE_NAME,
    REPUTATION_ALARMS,
    SES_DOMAIN,
    SMTP_GROUP,
    SMTP_USER,
    TENANT,
)
from .schema import Component, package_schema


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
        settings = python_set.set_settings(
            made.props, config, made.names.input_key("ConfigurationSetArgs.tags")
        )
        super().__init__(name, settings, opts)
        self.topic_arns = self.topics.topic_arns
        self.queue_urls = self.topics.queue_urls
        self.key_arn = self.topics.key_arn
        made.warn(warnings, self)


class FeedbackTopics(python_topics.FeedbackTopics):
    """``ses:index:FeedbackTopics``: the Python one, from ``FeedbackTopicsArgs``."""

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        made = from_props("FeedbackTopics", FeedbackTopicsArgs, args, check_topics_args)
        config, warnings = made.checked
        settings = python_topics.topics_settings(
            made.props, config, made.names.input_key("FeedbackTopicsArgs.tags")
        )
        super().__init__(name, settings, opts)
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
        settings = python_alarms.alarms_settings(
            made.props, region, config, made.names.input_key("ReputationAlarmsArgs.tags")
        )
        super().__init__(name, settings, opts)
        made.warn(warnings, self)


class SmtpUser(python_smtp.SmtpUser):
    """``ses:index:SmtpUser``: the Python one, from ``SmtpUserArgs`` (Outputs passed on)."""

    endpoints: dict[str, dict[str, object]]  # pyright: ignore[reportIncompatibleVariableOverride]
    """SMTP endpoint by region, keyed as the schema names them."""

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        made = from_props("SmtpUser", SmtpUserArgs, args, check_user_args)
        super().__init__(name, made.props, opts)
        # the same endpoints as the parent declares, keyed as the schema names them
        self.endpoints = {}  # pyright: ignore[reportIncompatibleVariableOverride]
        for region in made.checked:
            endpoint = smtp_endpoint(region)
            self.endpoints[region] = {
                "host": endpoint.host,
                "starttlsPorts": list(endpoint.starttls_ports),
                "tlsWrapperPorts": list(endpoint.tls_wrapper_ports),
            }
        policy = made.props.policy
        if policy is not None and not policy.from_addresses:
            made.warn([f"SmtpUserArgs.policy.from_addresses {NO_FROM_ADDRESSES}"], self)


class SmtpGroup(python_group.SmtpGroup):
    """``ses:index:SmtpGroup``: the Python one, from ``SmtpGroupArgs``."""

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        made = from_props("SmtpGroup", SmtpGroupArgs, args, check_group_args)
        super().__init__(name, made.props, opts)
        if not made.props.policy.from_addresses:
            made.warn([f"SmtpGroupArgs.policy.from_addresses {NO_FROM_ADDRESSES}"], self)


def _check_sender(props: ApiSenderArgs) -> TrustConfig | None:
    aws_region = runtime_config.get_config("aws:region")
    return check_sender_args(props, aws_region if isinstance(aws_region, str) else None)


class ApiSender(python_api_sender.ApiSender):
    """``ses:index:ApiSender``: the Python one, from ``ApiSenderArgs`` (its access key, when
    asked for, only as secrets)."""

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        made = from_props("ApiSender", ApiSenderArgs, args, _check_sender)
        super().__init__(name, made.props, opts)
        if not made.props.policy.from_addresses:
            made.warn([f"ApiSenderArgs.policy.from_addresses {NO_FROM_ADDRESSES}"], self)
        key = "ApiSenderArgs.trust.conditions"
        deputy = confused_deputy(made.checked, key, made.props.sender_name)
        if deputy is not None:
            made.warn([deputy], self)


class ContactList(python_list.ContactList):
    """``ses:index:ContactList``: the Python one, from ``ContactListArgs``."""

    def __init__(
        self, name: str, args: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        made = from_props(
            "ContactList", python_list.ContactListArgs, args, python_list.check_contact_list_args
        )
        tags_key = made.names.input_key("ContactListArgs.tags")
        super().__init__(name, python_list.list_settings(made.props, made.checked, tags_key), opts)


class DedicatedIpPool(python_pool.DedicatedIpPool):
    """``ses:index:DedicatedIpPool``: the Python one, from ``DedicatedIpPoolArgs``."""

    def __init__(
        self, name: str, args: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        made = from_props(
            "DedicatedIpPool", python_pool.DedicatedIpPoolArgs, args, python_pool.check_pool_args
        )
        tags_key = made.names.input_key("DedicatedIpPoolArgs.tags")
        super().__init__(name, python_pool.pool_settings(made.props, made.checked, tags_key), opts)


class AccountVdm(python_vdm.AccountVdm):
    """``ses:index:AccountVdm``: the Python one, from ``AccountVdmArgs``."""

    def __init__(
        self, name: str, args: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        made = from_props("AccountVdm", python_vdm.AccountVdmArgs, args, python_vdm.check_vdm_args)
        super().__init__(name, python_vdm.AccountVdmSettings(config=made.checked), opts)


class Tenant(python_tenant.Tenant):
    """``ses:index:Tenant``: the Python one, from ``TenantArgs`` (ARN outputs passed on)."""

    def __init__(
        self, name: str, args: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        made = from_props("Tenant", python_tenant.TenantArgs, args, python_tenant.check_tenant_args)
        tags_key = made.names.input_key("TenantArgs.tags")
        settings = python_tenant.tenant_settings(made.props, made.checked, tags_key)
        super().__init__(name, settings, opts)


NO_FROM_ADDRESSES = (
    "is not set: without it the members may send as any address of their identities (no"
    " ses:FromAddress condition); list the addresses or patterns they send as"
)


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
    Hosted(schema=SMTP_GROUP, cls=SmtpGroup),
    Hosted(schema=API_SENDER, cls=ApiSender),
    Hosted(schema=CONFIGURATION_SET, cls=ConfigurationSet),
    Hosted(schema=FEEDBACK_TOPICS, cls=FeedbackTopics),
    Hosted(schema=REPUTATION_ALARMS, cls=ReputationAlarms),
    Hosted(schema=CONTACT_LIST, cls=ContactList),
    Hosted(schema=DEDICATED_IP_POOL, cls=DedicatedIpPool),
    Hosted(schema=ACCOUNT_VDM, cls=AccountVdm),
    Hosted(schema=TENANT, cls=Tenant),
]
"""What the provider hosts, in schema order."""


class SesComponentProvider(Provider):
    """Serves the package schema and constructs the components, answering bad inputs as the
    engine's invalid-inputs error with every problem, not as a crash with a traceback."""

    def __init__(
        self, components: Sequence[Hosted], name: str = PACKAGE_NAME, version: str = __version__
    ) -> None:
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
                state[camel_case(item.name)] = _state_value(value)
        return ConstructResult(component.urn, state)


def _state_value(value: object) -> object:
    """An output as the schema names it: a dataclass (``DomainRegion``) as an object of its
    fields in camelCase, unset ones left out; maps and lists item by item."""
    if is_dataclass(value) and not isinstance(value, type):
        found = {camel_case(item.name): getattr(value, item.name) for item in fields(value)}
        return {key: _state_value(item) for key, item in found.items() if item is not None}
    if isinstance(value, dict):
        return {key: _state_value(item) for key, item in cast(dict[str, object], value).items()}
    if isinstance(value, list):
        return [_state_value(item) for item in cast(list[object], value)]
    return value


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
