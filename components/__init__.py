"""SES sending domains as Pulumi components: the public API.

Installed with pip this package is ``ses_domains`` (the repository keeps the folder
``components/``; see docs/reuse.md). Names are imported lazily, so the pure modules
(``ses_domains.config``, ``ses_domains.records``, ...) stay usable without loading Pulumi::

    from ses_domains import SesDomain, SesDomainArgs, DomainConfig, parse_stack_config
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # configuration model and validation (pure)
    "DomainConfig": "config",
    "DkimConfig": "config",
    "DkimKeyLength": "config",
    "DkimMode": "config",
    "DmarcAlignment": "config",
    "DmarcConfig": "config",
    "DmarcPolicy": "config",
    "DnsConfig": "config",
    "DnsProviderKind": "config",
    "MailFromConfig": "config",
    "MxFailureBehavior": "config",
    "StackConfig": "config",
    "parse_stack_config": "config",
    "ConfigError": "validation",
    "DnsRecord": "records",
    "required_records": "records",
    # the domain component
    "SesDomain": "domain",
    "SesDomainArgs": "domain",
    # the feedback loop
    "FeedbackLoop": "feedback",
    "ConfigurationSet": "feedback",
    "ConfigurationSetArgs": "feedback",
    "FeedbackTopics": "feedback",
    "FeedbackTopicsArgs": "feedback",
    "AccountContext": "feedback",
    "FeedbackConfig": "feedback_config",
    "ConfigurationSetConfig": "feedback_config",
    # SMTP users
    "SmtpUser": "smtp",
    "SmtpUserArgs": "smtp",
    "SmtpGroup": "smtp",
    "SmtpGroupArgs": "smtp",
    "SmtpPolicyArgs": "smtp",
    "declare_smtp_users": "smtp",
    # the whole stack from validated configuration
    "build_stack": "stack",
    "read_stack_config": "pulumi_config",
}

__all__ = [  # the _EXPORTS keys; tests/test_package.py keeps them equal
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
    from .config import (
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
        StackConfig,
        parse_stack_config,
    )
    from .domain import SesDomain, SesDomainArgs
    from .feedback import (
        AccountContext,
        ConfigurationSet,
        ConfigurationSetArgs,
        FeedbackLoop,
        FeedbackTopics,
        FeedbackTopicsArgs,
    )
    from .feedback_config import ConfigurationSetConfig, FeedbackConfig
    from .pulumi_config import read_stack_config
    from .records import DnsRecord, required_records
    from .smtp import (
        SmtpGroup,
        SmtpGroupArgs,
        SmtpPolicyArgs,
        SmtpUser,
        SmtpUserArgs,
        declare_smtp_users,
    )
    from .stack import build_stack
    from .validation import ConfigError
