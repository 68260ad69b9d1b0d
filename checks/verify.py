"""``python -m checks verify``: DNS records on every authoritative server (contract 3)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "verify", help="verify the stack's DNS records on every authoritative server"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    del args
    print("verify: not implemented yet", file=sys.stderr)
    return 2
