"""SES sending domains as Pulumi components: the public API.

Installed with pip this package is ``ses_domains`` (the repository keeps the folder
``components/``; see docs/reuse.md). Names are imported lazily, so the pure modules
(``ses_domains.domain.model``, ``ses_domains.domain.records``, ...) stay usable without
loading Pulumi::

    from ses_domains import SesDomain, SesDomainArgs, DomainConfig, parse_stack_config
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # configuration model and validation (pure)
    "DomainConfig": "domain.model",
    "DkimConfig": "domain.model",
    "DkimKeyLength": "domain.model",
    "DkimMode": "domain.model",
    "DmarcAlignment": "domain.model",
    "DmarcConfig": "domain.model",
    "DmarcPolicy": "domain.model",
    "DnsConfig": "domain.model",
    "DnsProviderKind": "domain.model",
    "MailFromConfig": "domain.model",
    "MxFailureBehavior": "domain.model",
    "StackConfig": "stack_config",
    "parse_stack_config": "stack_config",
    "ConfigError": "validation",
    "DnsRecord": "domain.records",
    "required_records": "domain.records",
    # the domain component
    "SesDomain": "domain.component",
    "SesDomainArgs": "domain.args",
    # the feedback loop
    "FeedbackLoop": "feedback.loop",
    "ConfigurationSet": "feedback.configuration_set",
    "ConfigurationSetArgs": "feedback.configuration_set",
    "FeedbackTopics": "feedback.topics",
    "FeedbackTopicsArgs": "feedback.topics",
    "AccountContext": "feedback.account",
    "FeedbackConfig": "feedback.model",
    "ConfigurationSetConfig": "feedback.model",
    # SMTP users
    "SmtpUser": "smtp.user",
    "SmtpUserArgs": "smtp.user",
    "SmtpGroup": "smtp.group",
    "SmtpGroupArgs": "smtp.group",
    "SmtpPolicyArgs": "smtp.policy",
    "declare_smtp_users": "smtp.declare",
    # the whole stack from validated configuration
    "build_stack": "stack",
    "read_stack_config": "pulumi_config",
}

__all__ = [  # the _EXPORTS keys; tests/integration/test_package.py keeps them equal
    "AccountContext",
    "ConfigError",
    "ConfigurationSet",
    "ConfigurationSetArgs",
    "ConfigurationSetConfig",
    "DkimConfig",
    "DkimKeyLength",
    "DkimMode",
    "DmarcAlignment",
    "DmarcConfig",
    "DmarcPolicy",
    "DnsConfig",
    "DnsProviderKind",
    "DnsRecord",
    "DomainConfig",
    "FeedbackConfig",
    "FeedbackLoop",
    "FeedbackTopics",
    "FeedbackTopicsArgs",
    "MailFromConfig",
    "MxFailureBehavior",
    "SesDomain",
    "SesDomainArgs",
    "SmtpGroup",
    "SmtpGroupArgs",
    "SmtpPolicyArgs",
    "SmtpUser",
    "SmtpUserArgs",
    "StackConfig",
    "__version__",
    "build_stack",
    "declare_smtp_users",
    "parse_stack_config",
    "read_stack_config",
    "required_records",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


if TYPE_CHECKING:
    from .domain.args import SesDomainArgs
    from .domain.component import SesDomain
    from .domain.model import (
        DkimConfig,
        DkimKeyLength,
        DkimMode,
        DmarcAlignment,
        DmarcConfig,
        DmarcPolicy,
        DnsConfig,
        DnsProviderKind,
        DomainConfig,
        MailFromConfig,
        MxFailureBehavior,
    )
    from .domain.records import DnsRecord, required_records
    from .feedback.account import AccountContext
    from .feedback.configuration_set import ConfigurationSet, ConfigurationSetArgs
    from .feedback.loop import FeedbackLoop
    from .feedback.model import ConfigurationSetConfig, FeedbackConfig
    from .feedback.topics import FeedbackTopics, FeedbackTopicsArgs
    from .pulumi_config import read_stack_config
    from .smtp.declare import declare_smtp_users
    from .smtp.group import SmtpGroup, SmtpGroupArgs
    from .smtp.policy import SmtpPolicyArgs
    from .smtp.user import SmtpUser, SmtpUserArgs
    from .stack import build_stack
    from .stack_config import StackConfig, parse_stack_config
    from .validation import ConfigError
