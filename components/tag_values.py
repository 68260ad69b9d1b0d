"""Tag values given as another resource's output (``pulumi.Input[str]``) in typed props.

The keys are known and are checked with every other prop before anything is declared; an
output's value stands in as a valid value for that check (:func:`checkable_tags`) and is itself
checked, type and length, once it is known (:func:`tag_outputs`, inside ``apply``), failing the
deployment with a ``ConfigError`` naming the prop. Its value is never shown: it may be secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pulumi

from .validation import MAX_TAG_VALUE, NOT_SHOWN, ConfigError, ConfigProblem

STAND_IN = "known-when-deployed"
"""A valid tag value the parser checks in place of an output."""


def checkable_tags(tags: Mapping[str, pulumi.Input[str]]) -> dict[str, object]:
    """``tags`` as the config parser checks them: each output's value replaced by a stand-in."""
    return {key: STAND_IN if _is_output(value) else value for key, value in tags.items()}


def tag_outputs(tags: Mapping[str, pulumi.Input[str]], path: str) -> dict[str, pulumi.Output[str]]:
    """The tags given as outputs, each checked once known (``path``: the props' ``tags``)."""
    return {
        key: pulumi.Output.from_input(value).apply(partial(_known_value, f"{path}.{key}"))
        for key, value in tags.items()
        if _is_output(value)
    }


def with_outputs(tags: Mapping[str, pulumi.Input[str]], path: str) -> dict[str, pulumi.Input[str]]:
    """``tags`` for a resource: known values as they are, outputs checked once known."""
    return {**tags, **tag_outputs(tags, path)}


def _is_output(value: object) -> bool:
    return not isinstance(value, str) and isinstance(value, pulumi.Output)


def _known_value(key: str, value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_TAG_VALUE:
        allowed = f"must be a string of at most {MAX_TAG_VALUE} characters (a tag value)"
        raise ConfigError([ConfigProblem(key, NOT_SHOWN, allowed)])
    return value
