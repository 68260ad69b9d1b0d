"""Test support for the SMTP users: running ``declare_smtp_users`` under the mock runtime.

``run_smtp`` validates a config, declares the SMTP users under ``PlanMocks`` with a recording
monitor that also keeps each registration's replacement options, and returns what was declared,
the resolved outputs, and which outputs were secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.plan.mocks import RecordingMonitor
from components.smtp.declare import declare_smtp_users
from components.smtp.user import SmtpUser
from tests.support.harness import Evaluation, parse, resolve_outputs, use_mocks


class ReplaceOptionsMonitor(RecordingMonitor):
    """Also records, per resource name, the delete-before-replace and replace-on-change options."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.delete_before_replace: dict[str, bool] = {}
        self.replace_on_changes: dict[str, list[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.delete_before_replace[request.name] = bool(request.deleteBeforeReplace)
        self.replace_on_changes[request.name] = list(request.replaceOnChanges)
        return super().RegisterResource(request)


@dataclass
class SmtpRun(Evaluation):
    """``outputs``: ``smtp`` and ``smtp_credentials`` resolved, plus per user the component's
    outputs and its access key's id, secret and sesSmtpPasswordV4; ``secret``: path -> secret?"""

    monitor: ReplaceOptionsMonitor = field(kw_only=True)

    def policy(self, name: str) -> dict[str, Any]:
        return json.loads(self.named(name).inputs["policy"])


BASE_DOMAINS: list[dict[str, Any]] = [
    {
        "name": "example.com",
        "region": "eu-west-1",
        "emailIdentities": ["alerts@example.com", "someone@gmail.com"],
        "dns": {"provider": "external"},
    },
    {"name": "example.org", "region": "us-east-1", "dns": {"provider": "external"}},
]


def config_with(users: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"domains": BASE_DOMAINS, "smtpUsers": users, **extra}


def run_smtp(
    values: dict[str, Any],
    *,
    provider_region: str = "us-east-1",
    identity_arns: dict[str, str] | None = None,
) -> SmtpRun:
    config = parse(values, provider_region)
    monitor = use_mocks(monitor_type=ReplaceOptionsMonitor)
    run = SmtpRun(monitor.declared, monitor=monitor)

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        components, outputs = declare_smtp_users(
            config.smtp_users,
            tags=config.tags,
            identity_arns=identity_arns,
            provider_region=provider_region,
        )
        watched: dict[str, pulumi.Output[Any]] = {
            "smtp": pulumi.Output.from_input(outputs["smtp"]),
            "smtp_credentials": pulumi.Output.from_input(outputs["smtp_credentials"]),
        }
        for name, component in components.items():
            watched.update(_component_outputs(name, component))
        return resolve_outputs(watched, run.outputs, run.secret)

    program()
    assert run.outputs, "the outputs never resolved"
    return run


def _component_outputs(name: str, component: SmtpUser) -> dict[str, pulumi.Output[Any]]:
    key = component.access_key
    watched: dict[str, pulumi.Output[Any]] = {
        f"{name}.user_name": component.user_name,
        f"{name}.user_arn": component.user_arn,
        f"{name}.username": component.username,
        f"{name}.password": component.password,
        f"{name}.passwords": component.passwords,
        f"{name}.endpoints": pulumi.Output.from_input(component.endpoints),
        f"{name}.key.id": key.id,
        f"{name}.key.secret": key.secret,
        f"{name}.key.ses_smtp_password_v4": key.ses_smtp_password_v4,
    }
    if component.secret_arn is not None:
        watched[f"{name}.secret_arn"] = component.secret_arn
    if component.policy is not None:
        watched[f"{name}.policy"] = component.policy
    return watched
