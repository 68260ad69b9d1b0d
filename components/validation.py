"""Collecting configuration problems so that all of them are reported at once.

Every parser takes a :class:`Problems` collector and keeps going after a bad value, so the user
sees every mistake in one run, each naming the key, the value and what is allowed. Nothing here
imports Pulumi: the offline plan, the checks and the tests use it as it is.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar, cast

_MISSING = object()
_TAG_KEY = re.compile(r"^[\w.:/=+@ -]{1,128}$", re.UNICODE)
MAX_TAG_VALUE = 256
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
"""A whole number given as a string: ASCII digits (``isdigit`` also takes ``²``, which ``int``
refuses), at most one minus sign."""
_FLOAT_LIMIT = 10**308
"""Integers past this do not convert to a float; as numbers they are out of every range."""

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


@dataclass(frozen=True)
class ConfigProblem:
    """One bad configuration value."""

    key: str
    """Full path of the key, e.g. ``ses:domains[0].dmarc.policy``."""
    value: object
    """The value found (``None`` when the key is missing)."""
    allowed: str
    """What would have been accepted, in words."""

    def __str__(self) -> str:
        key = bounded_text(self.key)
        allowed = bounded_text(self.allowed, MAX_EXPLANATION)
        if self.value is None:
            return f"{key} = (missing): {allowed}"
        if self.value is NOT_SHOWN:
            return f"{key}: {allowed}"
        if self.value is SECRET:
            return f"{key} = [secret, not shown]: {allowed}"
        return f"{key} = {bounded_repr(self.value)}: {allowed}"


NOT_SHOWN = object()
"""The value of a problem whose value must not be echoed (an unknown key may hold a secret)."""
SECRET = object()
"""The value of a problem about a secret: shown as ``[secret, not shown]``."""
MIN_SECRET_TEXT = 8
"""Secrets shorter than this are hidden by key only: searching other messages for them would
mangle ordinary words and numbers."""
MIN_SECRET_MATCH = 16
"""A problem's text that is this long and part of a secret counts as showing the secret."""
MAX_SHOWN = 200
MAX_EXPLANATION = 1000
"""Characters of a problem's explanation shown: lists of what is allowed fit, a user's value
quoted inside one is cut."""
MAX_PROBLEMS_SHOWN = 100
"""Problems listed one by one; the rest are counted."""


def bounded_text(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters with the full length noted."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


def bounded_repr(value: object) -> str:
    """``repr(value)``, cut to :data:`MAX_SHOWN` characters with the full length noted."""
    return bounded_text(repr(value))


class ConfigError(Exception):
    """Raised once, after parsing, when any configuration value was bad."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [f"{count} configuration problem{'s' if count != 1 else ''}:"]
        lines += [f"  - {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN]]
        if count > MAX_PROBLEMS_SHOWN:
            lines.append(f"  ... and {count - MAX_PROBLEMS_SHOWN} more (fix these first)")
        super().__init__("\n".join(lines))


class Problems:
    """Accumulates :class:`ConfigProblem` objects across a whole configuration."""

    def __init__(self) -> None:
        self._items: list[ConfigProblem] = []

    def add(self, key: str, value: object, allowed: str) -> None:
        self._items.append(ConfigProblem(key, value, allowed))

    def __iter__(self) -> Iterator[ConfigProblem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise ConfigError(self._items)

    def rename_keys(self, rename: Callable[[str], str]) -> None:
        """Name every problem's key in another vocabulary (a component's props instead of the
        stack config keys the parser was written for)."""
        self._items = [ConfigProblem(rename(p.key), p.value, p.allowed) for p in self._items]

    def hide_secrets(self, keys: Collection[str], texts: Collection[str]) -> None:
        """Never echo a secret: a problem about one of ``keys`` (full key paths; their nested
        keys too) or whose value shows one of ``texts`` gets the :data:`SECRET` marker as its
        value, and any of ``texts`` in what it says is replaced by ``[secret]``."""
        secrets = [text for text in (t.strip() for t in texts) if len(text) >= MIN_SECRET_TEXT]
        for index, problem in enumerate(self._items):
            hidden = any(
                problem.key == key or problem.key.startswith((f"{key}.", f"{key}[")) for key in keys
            ) or _shows_any(problem.value, secrets)
            allowed = problem.allowed
            for text in secrets:
                allowed = allowed.replace(text, "[secret]")
            if hidden or allowed != problem.allowed:
                value = SECRET if hidden else problem.value
                self._items[index] = ConfigProblem(problem.key, value, allowed)


def _shows_any(value: object, secrets: list[str]) -> bool:
    """Whether ``value`` (or any string inside it) contains a secret or a long piece of one."""
    if isinstance(value, str):
        text = value.strip()
        return any(
            secret in text or (len(text) >= MIN_SECRET_MATCH and text in secret)
            for secret in secrets
        )
    if isinstance(value, dict):
        items = cast(dict[object, object], value)
        return any(_shows_any(k, secrets) or _shows_any(v, secrets) for k, v in items.items())
    if isinstance(value, list | tuple):
        return any(_shows_any(item, secrets) for item in cast(list[object], value))
    return False


def did_you_mean(word: str, choices: list[str]) -> str:
    """A ``; did you mean 'x'?`` suffix when ``word`` is close to one of ``choices``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        lowered = {choice.lower(): choice for choice in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"; did you mean {close[0]!r}?" if close else ""


def as_mapping(value: object) -> dict[str, object] | None:
    """``value`` as a string-keyed mapping, or ``None`` when it is not a mapping."""
    if not isinstance(value, dict):
        return None
    return {str(key): item for key, item in cast(dict[object, object], value).items()}


def as_list(value: object) -> list[object] | None:
    """``value`` as a list, or ``None`` when it is not a list."""
    return cast(list[object], value) if isinstance(value, list) else None


def as_boolean(value: object) -> bool | None:
    """``value`` as a config boolean: true/false, or those words as text in any case; else None."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value if isinstance(value, bool) else None


class Fields:
    """Typed, path-aware access to one configuration object (a JSON/YAML mapping).

    Each accessor records the key as known; :meth:`finish` then reports every key that no
    accessor asked for, with a "did you mean" suggestion. A wrong type is reported and the
    accessor returns the default, so parsing continues and every problem is found.
    """

    def __init__(self, raw: object, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self._known: list[str] = []
        mapping = as_mapping(raw)
        self._raw: dict[str, object] = mapping or {}
        if mapping is None:
            problems.add(path, raw, "must be an object (a mapping of keys to values)")

    def key_path(self, key: str) -> str:
        """``path.key``; a path ending in ``:`` is a config namespace (``ses:domains``)."""
        if not self.path or self.path.endswith(":"):
            return f"{self.path}{key}"
        return f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        return key in self._raw

    def _get(self, key: str) -> object:
        self._known.append(key)
        value = self._raw.get(key, _MISSING)
        return _MISSING if value is None else value

    def raw(self, key: str) -> object | None:
        """The value as it is, with no type check (``None`` when absent)."""
        value = self._get(key)
        return None if value is _MISSING else value

    def string(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self._get(key)
        if value is _MISSING:
            if required:
                self.problems.add(self.key_path(key), None, "is required (a string)")
            return default
        if not isinstance(value, str):
            self.problems.add(self.key_path(key), value, "must be a string")
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is _MISSING:
            return default
        found = as_boolean(value)
        if found is None:
            self.problems.add(self.key_path(key), value, "must be true or false")
            return default
        return found

    def integer(self, key: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self._get(key)
        if value is _MISSING:
            return default
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
            number = int(value.strip())
        if number is None or not minimum <= number <= maximum:
            self.problems.add(
                self.key_path(key), value, f"must be a whole number from {minimum} to {maximum}"
            )
            return default
        return number

    def number(self, key: str, default: float, *, minimum: float, maximum: float) -> float:
        value = self._get(key)
        if value is _MISSING:
            return default
        number: float | None = None
        if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
            number = float(value) if abs(value) < _FLOAT_LIMIT else math.inf
        elif isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                number = None
        if number is None or not math.isfinite(number) or not minimum <= number <= maximum:
            self.problems.add(
                self.key_path(key), value, f"must be a number from {minimum:g} to {maximum:g}"
            )
            return default
        return number

    def choice(self, key: str, enum: type[E], default: E) -> E:
        value = self._get(key)
        if value is _MISSING:
            return default
        allowed = [member.value for member in enum]
        if isinstance(value, str) and value in allowed:
            return enum(value)
        hint = did_you_mean(value, allowed) if isinstance(value, str) else ""
        self.problems.add(self.key_path(key), value, f"must be one of {', '.join(allowed)}{hint}")
        return default

    def string_list(self, key: str) -> list[tuple[str, str]]:
        """A list of strings, each paired with its own key path for later messages."""
        value = self._get(key)
        if value is _MISSING:
            return []
        values = as_list(value)
        if values is None:
            self.problems.add(self.key_path(key), value, "must be a list of strings")
            return []
        items: list[tuple[str, str]] = []
        for index, item in enumerate(values):
            item_path = f"{self.key_path(key)}[{index}]"
            if isinstance(item, str):
                items.append((item_path, item))
            else:
                self.problems.add(item_path, item, "must be a string")
        return items

    def string_map(self, key: str) -> dict[str, str]:
        value = self._get(key)
        if value is _MISSING:
            return {}
        mapping = as_mapping(value)
        if mapping is None:
            self.problems.add(self.key_path(key), value, "must be a mapping of strings to strings")
            return {}
        result: dict[str, str] = {}
        for name, item in mapping.items():
            if isinstance(item, str):
                result[name] = item
            else:
                self.problems.add(f"{self.key_path(key)}.{name}", item, "must be a string")
        return result

    def tags(self, key: str) -> dict[str, str]:
        """AWS resource tags: keys 1-128 characters, not ``aws:``; values up to 256."""
        tags = self.string_map(key)
        for name, value in tags.items():
            if not _TAG_KEY.match(name) or name.lower().startswith("aws:"):
                self.problems.add(
                    f"{self.key_path(key)}.{name}",
                    value,
                    "tag keys are 1-128 letters, digits, spaces and _.:/=+-@, "
                    "not starting with aws:",
                )
            elif len(value) > MAX_TAG_VALUE:
                self.problems.add(
                    f"{self.key_path(key)}.{name}",
                    value,
                    f"tag values are at most {MAX_TAG_VALUE} characters",
                )
        return tags

    def mapping(self, key: str) -> Fields | None:
        """The nested object at ``key`` (``None`` when absent)."""
        value = self._get(key)
        if value is _MISSING:
            return None
        return Fields(value, self.key_path(key), self.problems)

    def objects(self, key: str) -> list[Fields]:
        """A list of nested objects."""
        value = self._get(key)
        if value is _MISSING:
            return []
        values = as_list(value)
        if values is None:
            self.problems.add(self.key_path(key), value, "must be a list of objects")
            return []
        return [
            Fields(item, f"{self.key_path(key)}[{index}]", self.problems)
            for index, item in enumerate(values)
        ]

    def finish(self) -> None:
        """Report every key present in the object that no accessor asked for."""
        for key in self._raw:
            if key not in self._known:
                self.problems.add(
                    self.key_path(key),
                    NOT_SHOWN,  # a misspelt or left-over key may hold a secret: never echo it
                    f"is not a known key; known keys here: {', '.join(sorted(set(self._known)))}"
                    + did_you_mean(key, self._known),
                )


def camel_case(name: str) -> str:
    """``behavior_on_mx_failure`` -> ``behaviorOnMxFailure``."""
    return re.sub(r"_([a-z0-9])", lambda match: match.group(1).upper(), name)


def snake_case(name: str) -> str:
    """``behaviorOnMxFailure`` -> ``behavior_on_mx_failure``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def props_key_path(
    key: str, config_prefix: str, props_prefix: str, renamed: Mapping[str, str]
) -> str:
    """A key path the config parser named (``<config_prefix>.mailFrom.behaviorOnMxFailure``) in
    a component's props' terms (``<props_prefix>.mail_from.behavior_on_mx_failure``): camelCase
    becomes snake_case unless ``renamed`` says otherwise; a tag key or topic kind stays as given.
    Keys outside ``config_prefix`` (another config key) are returned as they are."""
    if key != config_prefix and not key.startswith((f"{config_prefix}.", f"{config_prefix}[")):
        return key
    rest = key[len(config_prefix) :]
    segments = rest.removeprefix(".").split(".") if rest.startswith(".") else [rest]
    converted: list[str] = []
    for index, segment in enumerate(segments):
        name, bracket, tail = segment.partition("[")
        before = segments[index - 1].partition("[")[0] if index else ""
        if before == "tags":
            converted.append(".".join(segments[index:]))
            break
        if before != "topics" and name:
            name = renamed.get(name, snake_case(name))
        converted.append(name + bracket + tail)
    joined = ".".join(converted)
    return props_prefix + (joined if joined.startswith("[") or not joined else f".{joined}")


def check_each(
    items: list[tuple[str, str]], problems: Problems, parse: Callable[[str], T], allowed: str
) -> list[T]:
    """Apply ``parse`` to each (path, text) pair; a ``ValueError`` becomes a problem."""
    parsed: list[T] = []
    for path, text in items:
        try:
            parsed.append(parse(text))
        except ValueError as error:
            problems.add(path, text, f"{allowed} ({error})")
    return parsed
