"""The offline plan's evaluation: the real ``__main__.py`` for a stack, under the mock runtime.

    python -m components.plan --stack dev [--json] [--zone-file PATH]

No Pulumi CLI, no cloud: provider-computed values (DKIM tokens, ARNs, ids) come from the
deterministic stand-ins in ``plan/mocks.py``. Encrypted (``secure:``) config values cannot be
decrypted without the CLI; each is replaced by a throwaway 2048-bit RSA private key made for the
run (the only secrets this project reads from config are BYODKIM keys), and the plan says so.

"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..constraints import Violation, check_resources
from .import_file import import_file, provider_name
from .stack_files import PROJECT_DIR, read_stack_files


@dataclass(frozen=True)
class Plan:
    stack: str
    resources: list[dict[str, Any]]
    outputs: dict[str, Any]
    placeholder_keys: tuple[str, ...]
    """Encrypted config keys that got a stand-in value."""
    warnings: tuple[str, ...] = ()
    """Configuration findings that do not stop the stack."""
    record_destinations: dict[str, dict[str, str]] = field(
        default_factory=dict[str, dict[str, str]]
    )
    """Per domain, the DNS provider and zone its records are written to."""
    constraint_violations: tuple[Violation, ...] = ()
    """Declared inputs AWS or a provider would refuse at create time (``constraints/``)."""
    import_file: dict[str, Any] = field(default_factory=dict[str, Any])
    """The ``pulumi import --file`` document of what the stack adopts (``import_file.py``)."""

    @property
    def adopted(self) -> list[dict[str, Any]]:
        """The import file's adopted resources (its entries with an id)."""
        return [entry for entry in self.import_file.get("resources", []) if "id" in entry]

    def to_json(self) -> dict[str, Any]:
        plan: dict[str, Any] = {
            "stack": self.stack,
            "resources": self.resources,
            "outputs": self.outputs,
            "record_destinations": self.record_destinations,
            "constraint_violations": [v.to_json() for v in self.constraint_violations],
        }
        if self.adopted:
            plan["import_file"] = self.import_file
        return plan


class ProgramFailed(Exception):
    pass


def skip_source_positions() -> None:
    """Stop the SDK from capturing a Python stack trace for every resource it registers.

    The engine uses those traces only to point diagnostics at source lines; the mock monitor
    drops them, and walking the stack (``traceback.extract_stack`` with its file checks) costs
    about a quarter of the plan's time at a few thousand resources. Only the plan does this.
    """
    from pulumi.runtime import resource as runtime_resource
    from pulumi.runtime.proto import source_pb2

    if hasattr(runtime_resource, "_get_stack_trace"):
        runtime_resource._get_stack_trace = source_pb2.StackTrace  # pyright: ignore[reportPrivateUsage,reportAttributeAccessIssue]


def make_plan(stack: str, project_dir: Path = PROJECT_DIR) -> Plan:
    """Evaluate the stack program under mocks and hold every declared resource against the
    create-time limits. Raises ``ConfigError`` for bad configuration."""
    import pulumi
    from pulumi.runtime import settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await  # pyright: ignore[reportPrivateUsage]

    from ..pulumi_config import read_stack_config
    from .mocks import SECRET_PLACEHOLDER, PlanMocks, RecordingMonitor

    files = read_stack_files(stack, project_dir)
    asyncio.set_event_loop(asyncio.new_event_loop())  # the caller's loop may be closed or absent
    settings.ROOT.set(None)  # a fresh root stack, also when planning twice in one process
    skip_source_positions()
    mocks = PlanMocks()
    monitor = RecordingMonitor(mocks)
    errors: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                errors.append(record.getMessage())

    logger = logging.getLogger(f"components.plan.{stack}")
    logger.propagate = False
    logger.handlers = [_Collect()]
    pulumi.runtime.set_mocks(
        mocks, project=files.project, stack=stack, preview=False, logger=logger, monitor=monitor
    )
    # set_mocks keeps the SDK's set of pending output tasks; tasks an earlier program in this
    # process left there belong to another event loop and would never finish in this one.
    settings.SETTINGS.outputs = set()  # pyright: ignore[reportAttributeAccessIssue]
    pulumi.runtime.set_all_config(files.config, secret_keys=list(files.placeholder_keys))
    try:
        stack_config = read_stack_config()  # bad configuration stops here, before any resource

        def program() -> None:
            # As under the Pulumi CLI, the program imports modules that lie next to it.
            sys.path.insert(0, str(project_dir))
            try:
                runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
            except SystemExit as exit_:
                raise ProgramFailed("; ".join(errors) or f"exit status {exit_.code}") from None
            finally:
                with contextlib.suppress(ValueError):
                    sys.path.remove(str(project_dir))

        _sync_await(run_pulumi_func(program))
        root = settings.get_root_resource()
        stack_outputs = cast(dict[str, Any], getattr(root, "outputs", {}))
        outputs: dict[str, Any] = {}
        for name in sorted(stack_outputs):
            output = pulumi.Output.from_input(stack_outputs[name])
            is_secret = _sync_await(output.is_secret())
            outputs[name] = SECRET_PLACEHOLDER if is_secret else _sync_await(output.future())
    finally:
        # the config is process-wide: leave none of this stack's behind for the caller
        pulumi.runtime.set_all_config({}, secret_keys=[])
    resources = [
        {
            "type": r.type,
            "name": r.name,
            "parent": r.parent,
            "inputs": r.inputs,
            **({"import_id": r.import_id} if r.import_id else {}),
            **({"provider": provider_name(r.provider)} if r.provider else {}),
        }
        for r in sorted(monitor.declared, key=lambda r: (r.name, r.type))
    ]
    destinations = {
        domain.name: {
            "provider": domain.dns.provider.value,
            "zone": domain.dns.zone_for(domain.name),
        }
        for domain in stack_config.domains
    } | {
        record.domain: {"provider": "external", "zone": "(not written: publish it yourself)"}
        for record in stack_config.tracking.elsewhere
    }
    return Plan(
        stack,
        resources,
        outputs,
        files.placeholder_keys,
        stack_config.warnings,
        destinations,
        tuple(check_resources(resources, provider_region=files.config.get("aws:region"))),
        import_file(monitor.declared),
    )
