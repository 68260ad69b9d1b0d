"""Running the stack's components under the SDK's mock runtime in tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import settings

from components.plan.mocks import DeclaredResource, PlanMocks, RecordingMonitor
from components.stack import build_stack
from components.stack_config import StackConfig, parse_stack_config

MonitorT = TypeVar("MonitorT", bound=RecordingMonitor)


@dataclass
class Evaluation:
    declared: list[DeclaredResource]
    outputs: dict[str, Any] = field(default_factory=dict[str, Any])
    secret: dict[str, bool] = field(default_factory=dict[str, bool])
    """Output name -> was it a secret?"""

    @property
    def secret_outputs(self) -> set[str]:
        return {name for name, is_secret in self.secret.items() if is_secret}

    def of_type(self, type_token: str) -> list[DeclaredResource]:
        return [r for r in self.declared if r.type == type_token]

    def named(self, name: str) -> DeclaredResource:
        matches = [r for r in self.declared if r.name == name]
        assert len(matches) == 1, f"{name}: {len(matches)} resources"
        return matches[0]


def fresh_event_loop() -> None:
    """Give the SDK a current event loop: a test elsewhere that ran ``asyncio.run`` or closed its
    loop leaves none behind."""
    asyncio.set_event_loop(asyncio.new_event_loop())


def use_mocks(
    stack: str = "test",
    monitor_type: type[MonitorT] = RecordingMonitor,
    *,
    mocks: PlanMocks | None = None,
    preview: bool = False,
) -> MonitorT:
    """Fresh mocks (``PlanMocks`` unless given), root stack and event loop."""
    fresh_event_loop()
    settings.ROOT.set(None)
    mocks = mocks or PlanMocks()
    monitor = monitor_type(mocks)
    pulumi.runtime.set_mocks(mocks, project="ses", stack=stack, preview=preview, monitor=monitor)
    return monitor


def resolve_outputs(
    watched: dict[str, pulumi.Output[Any]], values: dict[str, Any], secret: dict[str, bool]
) -> pulumi.Output[None]:
    """Resolve ``watched`` into ``values`` and note in ``secret`` which were secret. Return the
    result from a ``@pulumi.runtime.test`` function so the test waits for both."""

    async def note_secrets() -> None:
        for name, output in watched.items():
            secret[name] = await output.is_secret()

    noted = pulumi.Output.from_input(asyncio.ensure_future(note_secrets()))
    return pulumi.Output.all(noted, pulumi.Output.all(**watched)).apply(
        lambda both: values.update(both[1])
    )


def parse(values: dict[str, Any], aws_region: str | None = "us-east-1") -> StackConfig:
    return parse_stack_config(values, namespace="ses", aws_region=aws_region)


def evaluate(values: dict[str, Any], aws_region: str | None = "us-east-1") -> Evaluation:
    """Validate ``values`` as the ``ses`` namespace's config, build the stack under mocks and
    return what was declared and the resolved stack outputs."""
    config = parse(values, aws_region)
    monitor = use_mocks()
    result = Evaluation(monitor.declared)

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        outputs = {name: pulumi.Output.from_input(v) for name, v in build_stack(config).items()}
        return resolve_outputs(outputs, result.outputs, result.secret)

    program()
    assert result.outputs, "the stack outputs never resolved"
    return result
