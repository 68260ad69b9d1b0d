"""Reading the stack's configuration from the Pulumi runtime into the typed model."""

from __future__ import annotations

import json
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from .stack_config import StackConfig, parse_stack_config


def decode_config_value(text: Any) -> object:
    """Structured config arrives as JSON text; plain values stay strings, and so does text that
    is not JSON or too deeply nested to decode (the parsers then name it as a bad value)."""
    if isinstance(text, str) and text[:1] in "[{":
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return text
    return text


def project_config_values(namespace: str) -> dict[str, object]:
    """Every config value in the project's namespace, keyed without the namespace."""
    everything: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{namespace}:"
    return {
        key.removeprefix(prefix): decode_config_value(value)
        for key, value in sorted(everything.items())
        if key.startswith(prefix)
    }


def project_secret_keys(namespace: str) -> set[str]:
    """The project's config keys (without the namespace) that Pulumi marks secret: those the
    runtime was configured with and those the language host passes in the environment."""
    prefix = f"{namespace}:"
    marked = set(runtime_config.get_config_secret_keys_env())
    everything: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return {
        key.removeprefix(prefix)
        for key in {*everything, *marked}
        if key.startswith(prefix) and (key in marked or runtime_config.is_config_secret(key))
    }


def read_stack_config() -> StackConfig:
    """Validate the running stack's configuration; raises ``ConfigError`` listing every problem."""
    namespace = pulumi.get_project()
    aws_region = runtime_config.get_config("aws:region")
    return parse_stack_config(
        project_config_values(namespace),
        namespace=namespace,
        aws_region=aws_region if isinstance(aws_region, str) else None,
        stack=pulumi.get_stack(),
        secret_keys=project_secret_keys(namespace),
    )
