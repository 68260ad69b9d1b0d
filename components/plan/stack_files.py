"""Reading ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml`` for the offline plan, strictly.

The YAML is read the way the Pulumi CLI hands config to a program, and whatever a user could get
wrong is refused with the file, the line and what is allowed, never a traceback:

- a key written twice in one mapping (YAML would silently keep the last) is refused;
- an unquoted date (``rotation: 2026-05-01``) is its text, as the CLI passes it;
- ``!!binary`` and ``!!set`` values, which config cannot hold, are refused;
- nesting deeper than :data:`MAX_DEPTH` and documents whose aliases expand to more than
  :data:`MAX_VALUES` values (an anchor bomb) are refused before anything expands them;
- files that are missing, directories, unreadable, over :data:`MAX_FILE_BYTES` or not UTF-8 are
  named as such.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..validation import bounded_repr, bounded_text

PROJECT_DIR = Path(__file__).resolve().parents[2]
"""The repository: its ``Pulumi.yaml`` and stack files are read unless told otherwise."""
MAX_DEPTH = 64
"""Nesting levels a config file may have, counted through aliases."""
MAX_VALUES = 100_000
"""Values (scalars, lists, mappings) a file may hold once its aliases are expanded."""
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_MESSAGE = 600
"""Characters of a YAML parser message that are shown."""
STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
"""Pulumi's stack names: letters, digits, ``-``, ``_`` and ``.``."""
_MERGE_TAG = "tag:yaml.org,2002:merge"


class PlanUsageError(Exception):
    """The stack or project files cannot be read."""


@dataclass(frozen=True, kw_only=True)
class StackFiles:
    """What the CLI would give the program: project name, config map, secret keys."""

    project: str
    config: dict[str, str]
    """Full keys (``ses:domains``) to the wire form the runtime sees: JSON text for structured
    values, plain strings otherwise."""
    placeholder_keys: tuple[str, ...]
    """Keys whose encrypted values were replaced by a stand-in."""


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that records what config cannot hold instead of keeping it silently."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.problems: list[str] = []
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = cast(yaml.Event, self.peek_event())  # pyright: ignore[reportUnknownMemberType]
                raise ComposerError(
                    None, None, f"nesting is deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[object, int] = {}
        for key_node, _ in cast(list[tuple[Node, Node]], node.value):
            if key_node.tag == _MERGE_TAG:
                continue
            key = cast(object, self.construct_object(key_node, deep=True))  # pyright: ignore[reportUnknownMemberType]
            line = key_node.start_mark.line + 1
            try:
                earlier = first.get(key)
            except TypeError:  # an unhashable key: the constructor below names it
                continue
            if earlier is None:
                first[key] = line
            else:
                self.problems.append(
                    f"line {line}: key {bounded_repr(key)} is given again (first on line "
                    f"{earlier}); each key may appear once in a mapping"
                )
        return cast(dict[Any, Any], super().construct_mapping(node, deep))  # pyright: ignore[reportUnknownMemberType]

    def refuse(self, node: Node, what: str) -> str:
        self.problems.append(f"line {node.start_mark.line + 1}: {what}")
        return str(node.value)

    def construct_text(self, node: ScalarNode) -> str:
        return str(node.value)

    def construct_checked_int(self, node: ScalarNode) -> int | str:
        try:
            return self.construct_yaml_int(node)
        except ValueError:  # Python refuses to convert integers of more than 4300 digits
            return self.refuse(node, f"an integer of {len(str(node.value))} digits is too long")

    def construct_binary(self, node: Node) -> str:
        return self.refuse(node, "!!binary values cannot be config; give the value as text")

    def construct_set(self, node: Node) -> str:
        return self.refuse(node, "!!set values cannot be config; give a list")


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_text)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_checked_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:binary", _StrictLoader.construct_binary)
_StrictLoader.add_constructor("tag:yaml.org,2002:set", _StrictLoader.construct_set)


def _expanded_size(root: Node) -> str | None:
    """What is wrong with the document once its aliases are expanded: too deep, too many
    values, or an alias inside its own anchor (``None`` when nothing is)."""
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()

    def measure(node: Node) -> tuple[int, int]:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in open_nodes:
            raise _Refused(f"line {node.start_mark.line + 1}: an alias refers to its own anchor")
        open_nodes.add(id(node))
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = cast(list[Node], node.value)
        elif isinstance(node, MappingNode):
            children = [part for pair in cast(list[tuple[Node, Node]], node.value) for part in pair]
        values, depth = 1, 1
        for child in children:
            child_values, child_depth = measure(child)
            values, depth = values + child_values, max(depth, child_depth + 1)
        if depth > MAX_DEPTH:
            raise _Refused(
                f"line {node.start_mark.line + 1}: nesting through aliases is deeper than "
                f"{MAX_DEPTH} levels"
            )
        if values > MAX_VALUES:
            raise _Refused(
                f"aliases expand the document to more than {MAX_VALUES} values; write the "
                "values out or use fewer aliases"
            )
        open_nodes.discard(id(node))
        sizes[id(node)] = (values, depth)
        return values, depth

    try:
        measure(root)
    except _Refused as refused:
        return str(refused)
    return None


class _Refused(Exception):
    pass


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise PlanUsageError(f"{path} is a directory, not a file")
        if size > MAX_FILE_BYTES:
            raise PlanUsageError(f"{path} is {size} bytes; a config file may have {MAX_FILE_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanUsageError(f"{path} does not exist") from None
    except OSError as error:
        raise PlanUsageError(f"{path} cannot be read: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PlanUsageError(
            f"{path} is not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start} "
            f"(line {line})"
        ) from None


def load_yaml(path: Path) -> dict[str, Any]:
    """The mapping a config file holds; raises :class:`PlanUsageError` naming every problem."""
    text = _read_text(path)
    try:
        loader = _StrictLoader(text)
    except yaml.YAMLError as error:  # a character YAML does not allow, found on reading
        raise PlanUsageError(f"{path} is not valid YAML: {error}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if (problem := _expanded_size(node)) is not None:
            raise PlanUsageError(f"{path}: {problem}")
        loaded = cast(object, loader.construct_document(node))  # pyright: ignore[reportUnknownMemberType]
    except yaml.YAMLError as error:
        message = bounded_text(str(error), MAX_MESSAGE)
        raise PlanUsageError(f"{path} is not valid YAML: {message}") from None
    finally:
        loader.dispose()  # pyright: ignore[reportUnknownMemberType]
    if loader.problems:
        raise PlanUsageError("\n  ".join([f"{path} cannot be read as config:", *loader.problems]))
    if not isinstance(loaded, dict):
        raise PlanUsageError(
            f"{path} must hold a mapping at the top level, not {type(loaded).__name__}"
        )
    return cast(dict[str, Any], loaded)


def _placeholder_secret() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _is_encrypted(value: object) -> bool:
    """``{secure: ...}``: a value the CLI would decrypt."""
    return isinstance(value, dict) and set(cast(dict[object, object], value)) == {"secure"}


def _wire(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=False)


def _config_section(document: dict[str, Any], path: Path, problems: list[str]) -> dict[str, object]:
    """The ``config:`` mapping of a file, its keys checked to be strings."""
    section = document.get("config")
    if section is None:
        return {}
    if not isinstance(section, dict):
        problems.append(
            f"{path}: config must be a mapping of keys to values (such as ses:domains), "
            f"not {type(section).__name__} {bounded_repr(section)}"
        )
        return {}
    config = cast(dict[object, object], section)
    for key in config:
        if not isinstance(key, str) or not key or key.startswith(":") or key.endswith(":"):
            problems.append(
                f"{path}: config key {bounded_repr(key)} must be a name such as ses:domains "
                "(namespace:name, or a name in the project's namespace)"
            )
    return {key: value for key, value in config.items() if isinstance(key, str)}


def read_stack_files(stack: str, project_dir: Path = PROJECT_DIR) -> StackFiles:
    """Read ``Pulumi.yaml`` (project name, config defaults) and ``Pulumi.<stack>.yaml``.

    A project config declaration is either an object with ``default`` (or ``value``) or, in the
    short form, the default itself.
    """
    if not STACK_NAME.match(stack):
        raise PlanUsageError(
            f"--stack {bounded_repr(stack)}: a stack name is 1-100 letters, digits, '-', '_' "
            "and '.'"
        )
    project_path = project_dir / "Pulumi.yaml"
    project_file = load_yaml(project_path)
    project = project_file.get("name")
    if not isinstance(project, str) or not project:
        raise PlanUsageError(f"{project_path} has no project name (name: must be a string)")
    stack_path = project_dir / f"Pulumi.{stack}.yaml"
    stack_file = load_yaml(stack_path)
    problems: list[str] = []
    config: dict[str, str] = {}
    for key, declaration in _config_section(project_file, project_path, problems).items():
        full_key = key if ":" in key else f"{project}:{key}"
        if not isinstance(declaration, dict):
            config[full_key] = _wire(declaration)
            continue
        spec = cast(dict[object, object], declaration)
        if "default" in spec:
            config[full_key] = _wire(spec["default"])
        elif "value" in spec:
            config[full_key] = _wire(spec["value"])
    placeholders: list[str] = []
    secret_stand_in: str | None = None
    for key, value in _config_section(stack_file, stack_path, problems).items():
        full_key = key if ":" in key else f"{project}:{key}"
        if _is_encrypted(value):
            secret_stand_in = secret_stand_in or _placeholder_secret()
            config[full_key] = secret_stand_in
            placeholders.append(full_key)
        else:
            config[full_key] = _wire(value)
    if problems:
        raise PlanUsageError("\n".join(problems))
    return StackFiles(project=project, config=config, placeholder_keys=tuple(placeholders))
