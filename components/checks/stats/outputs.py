"""The stack's alarms for ``checks stats --stack-outputs FILE``: the names under
``reputation_alarms.<region>.alarm_names`` of ``pulumi stack output --json`` (or of the offline
plan's document, under ``outputs``). No secret is read: the alarm names are plain outputs."""

from __future__ import annotations

from typing import Any, cast

from ..aws_api import shown
from ..verify.expected import InputError, load_json

MAX_OUTPUTS_BYTES = 16 * 2**20
KEY = "reputation_alarms"


def read_outputs(path: str) -> dict[str, Any]:
    """The stack outputs object in the file ``path`` (``-``: stdin); InputError says why not."""
    import sys

    where = f"--stack-outputs {shown(path, 120)}"
    try:
        if path == "-":
            text = sys.stdin.read(MAX_OUTPUTS_BYTES + 1)
        else:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read(MAX_OUTPUTS_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{where}: is not UTF-8 text") from None
    except ValueError:  # a NUL in the name
        raise InputError(f"{where}: is not a usable file name") from None
    if len(text) > MAX_OUTPUTS_BYTES:
        raise InputError(f"{where}: over {MAX_OUTPUTS_BYTES // 2**20} MB of text")
    document = load_json(text, where)
    if not isinstance(document, dict):
        raise InputError(f"{where}: expected the JSON object of 'pulumi stack output --json'")
    outputs = cast(dict[str, Any], document)
    if KEY not in outputs and isinstance(outputs.get("outputs"), dict):
        outputs = cast(dict[str, Any], outputs["outputs"])  # the offline plan's document
    return outputs


def alarm_names(outputs: dict[str, Any], region: str, where: str) -> list[str]:
    """The alarm names the outputs give for ``region`` (InputError when they are malformed;
    an empty list when the stack has no alarms there)."""
    alarms: object = outputs.get(KEY)
    if alarms is None:
        raise InputError(
            f"{where}: has no '{KEY}' output; give the outputs of a stack of this project "
            "('pulumi stack output --json')"
        )
    if not isinstance(alarms, dict):
        raise InputError(f"{where}: '{KEY}' is not an object of regions")
    entry: object = cast(dict[str, object], alarms).get(region)
    if entry is None:
        return []
    names: object = (
        cast(dict[str, object], entry).get("alarm_names") if isinstance(entry, dict) else None
    )
    if not isinstance(names, list) or not all(
        isinstance(n, str) and n for n in cast(list[object], names)
    ):
        raise InputError(f"{where}: '{KEY}.{region}.alarm_names' is not a list of alarm names")
    return list(cast(list[str], names))


def regions(outputs: dict[str, Any]) -> list[str]:
    """The regions the outputs declare alarms in."""
    alarms: object = outputs.get(KEY)
    return sorted(cast(dict[str, object], alarms)) if isinstance(alarms, dict) else []
