"""Running the stack's components under the SDK's mock runtime in tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import settings

from components.config import StackConfig, parse_stack_config
from components.mocks import DeclaredResource, PlanMocks, RecordingMonitor
from components.stack import build_stack


@dataclass
class Evaluation:
    declared: list[DeclaredResource]
    outputs: dict[str, Any] = field(default_factory=dict[str, Any])
    secret_outputs: set[str] = field(default_factory=set[str])

    def of_type(self, type_token: str) -> list[DeclaredResource]:
        return [r for r in self.declared if r.type == type_token]

    def named(self, name: str) -> DeclaredResource:
        matches = [r for r in self.declared if r.name == name]
        assert len(matches) == 1, f"{name}: {len(matches)} resources"
        return matches[0]


def use_mocks(stack: str = "test") -> RecordingMonitor:
    """Fresh mocks, root stack and event loop (a test elsewhere may have closed the loop)."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    settings.ROOT.set(None)
    mocks = PlanMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="ses", stack=stack, preview=False, monitor=monitor)
    return monitor


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

        async def note_secrets() -> None:
            for name, output in outputs.items():
                if await output.is_secret():
                    result.secret_outputs.add(name)

        secrets_noted = pulumi.Output.from_input(asyncio.ensure_future(note_secrets()))
        return pulumi.Output.all(secrets_noted, pulumi.Output.all(**outputs)).apply(
            lambda both: result.outputs.update(both[1])
        )

    program()
    assert result.outputs, "the stack outputs never resolved"
    return result
