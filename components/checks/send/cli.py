"""``python -m checks send``: send one message through the SES v2 API (``SendEmail``).

The same safety rules as ``checks smtp``: the recipient is SES's mailbox simulator unless
``--to`` names another explicitly; every address, header value, region and option is checked
before anything is sent, all problems printed at once (exit status 2); no secret is ever
printed. Credentials: an API sender user's access key from the stack outputs (``--outputs``,
``--sender``), or whatever the AWS SDK finds (for a role sender: run where the role is
assumed, or with a profile that assumes it). ``--from-arn`` sends from another account's
identity that authorized the sender (``FromEmailAddressIdentityArn``).

The exit statuses are those of every subcommand (docs/checks.md, "Exit status"). This package
never imports Pulumi; boto3 is imported when the subcommand runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from email.utils import formataddr
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, TypeVar, cast
from urllib.parse import urlsplit

from ..exit_status import ExitStatus

if TYPE_CHECKING:
    from ..smtp.inputs import MailAddress
    from .api import ApiCredentials, ClientFactory

T = TypeVar("T")

DEFAULT_RECIPIENT = "success@simulator.amazonses.com"
DEFAULT_TIMEOUT = 20.0
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def register(subparsers: Any) -> None:
    """Add the ``send`` subcommand to ``python -m checks``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "send",
        help="send one test message through the SES v2 API (SendEmail)",
        description=(
            "Send one message through the SES v2 API with an API sender's credentials: "
            "--outputs (pulumi stack output --json --show-secrets) and --sender, or the AWS "
            "SDK's own (AWS_PROFILE, environment, the role the workload runs as). Exit status: "
            "0 sent, 2 usage, 3 connection failed, 4 timeout, 5 TLS failure, 6 authentication "
            "failed, 7 sandbox/not verified, 8 not authorized, 9 other rejection."
        ),
    )
    parser.add_argument(
        "--outputs",
        metavar="FILE|-",
        help="stack outputs JSON (pulumi stack output --json --show-secrets); - reads stdin",
    )
    parser.add_argument("--sender", help="API sender in the outputs (default: the only one)")
    parser.add_argument("--region", help="SES region (default: the sender's, or AWS_REGION)")
    parser.add_argument(
        "--from",
        dest="sender_address",
        metavar="ADDRESS",
        default=os.environ.get("SES_SEND_FROM"),
        help="verified From address (or SES_SEND_FROM)",
    )
    parser.add_argument(
        "--to",
        dest="recipient",
        metavar="ADDRESS",
        default=DEFAULT_RECIPIENT,
        help=f"recipient (default {DEFAULT_RECIPIENT}; bounce@ and complaint@ test feedback)",
    )
    parser.add_argument("--subject", default="SES API send test")
    parser.add_argument(
        "--configuration-set", metavar="NAME", help="send with this configuration set"
    )
    parser.add_argument(
        "--from-arn",
        metavar="ARN",
        help="identity ARN to send from (another account's identity that authorized you)",
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="TESTS ONLY: the API endpoint (https, or http on loopback)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds for connecting and for the reply (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _checked(problems: list[str], option: str, value: str, check: Callable[[str], T]) -> T | None:
    from ..smtp.inputs import shown

    try:
        return check(value)
    except ValueError as error:
        problems.append(f"{option} {shown(value)}: {error}")
        return None


def _ascii_local(address: MailAddress) -> MailAddress:
    if address.needs_smtputf8:
        raise ValueError("has a non-ASCII local part, which the SES API does not accept")
    return address


def _endpoint(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme == "https" and parts.hostname:
        return text
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return text
    raise ValueError("must be an https:// URL (http:// only on loopback, for tests)")


def _request(args: argparse.Namespace, problems: list[str]) -> dict[str, Any] | None:
    """The ``SendEmail`` request the options describe (``None`` after adding each problem)."""
    from ...arns import parse_identity_arn
    from ..smtp.inputs import check_configuration_set, check_subject, parse_address
    from .api import SIMPLE_BODY

    def address(text: str) -> MailAddress:
        return _ascii_local(parse_address(text))

    sender_text = cast(str | None, args.sender_address)
    sender = None
    if sender_text is None:
        problems.append("--from is missing: give a verified address (or set SES_SEND_FROM)")
    else:
        sender = _checked(problems, "--from", sender_text, address)
    recipient = _checked(problems, "--to", args.recipient, address)
    subject = _checked(problems, "--subject", args.subject, check_subject)
    request: dict[str, Any] = {}
    if args.configuration_set is not None:
        name = _checked(
            problems, "--configuration-set", args.configuration_set, check_configuration_set
        )
        request["ConfigurationSetName"] = name
    if args.from_arn is not None:
        arn = _checked(problems, "--from-arn", args.from_arn, parse_identity_arn)
        if arn is not None and sender is not None and sender.domain != arn.domain:
            problems.append(
                f"--from-arn {arn.arn}: is for {arn.identity}, but --from is under {sender.domain}"
            )
        request["FromEmailAddressIdentityArn"] = arn.arn if arn else None
    if problems or sender is None or recipient is None or subject is None:
        return None
    from_header = formataddr((sender.display_name, sender.addr_spec), charset="utf-8")
    return {
        "FromEmailAddress": from_header,
        "Destination": {"ToAddresses": [recipient.addr_spec]},
        "Content": {
            "Simple": {
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": SIMPLE_BODY, "Charset": "UTF-8"}},
            }
        },
        **request,
    }


def _credentials(
    args: argparse.Namespace, stdin: BinaryIO | None, problems: list[str]
) -> ApiCredentials | None:
    from ..smtp.credentials import load_outputs
    from ..smtp.inputs import InputError
    from .api import ApiCredentials, credentials_from_outputs

    if args.outputs is None:
        if args.sender is not None:
            problems.append("--sender needs --outputs (the stack outputs to find it in)")
        return ApiCredentials()
    try:
        return credentials_from_outputs(load_outputs(args.outputs, stdin), args.sender)
    except InputError as error:
        problems.extend(error.problems)
    return None


def run(
    args: argparse.Namespace,
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    client_factory: ClientFactory | None = None,
) -> ExitStatus:
    """Check the arguments, send, print the outcome; its exit status."""
    from ..smtp.inputs import check_region
    from .api import advice, boto_client, category, send

    out = stdout or sys.stdout
    env = os.environ if environ is None else environ
    problems: list[str] = []
    if not 0 < args.timeout <= 300:
        problems.append(f"--timeout {args.timeout:g}: must be more than 0 and at most 300")
    endpoint = cast(str | None, args.endpoint_url)
    if endpoint is not None:
        endpoint = _checked(problems, "--endpoint-url", endpoint, _endpoint)
    request = _request(args, problems)
    if stdin is None:
        stdin = cast(BinaryIO | None, getattr(sys.stdin, "buffer", None))
    credentials = _credentials(args, stdin, problems)
    region_text = cast(str | None, args.region) or (credentials.region if credentials else None)
    region_text = region_text or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    region = None
    if region_text is None:
        problems.append("no region: give --region (or AWS_REGION), or --outputs with the sender")
    else:
        region = _checked(problems, "--region", region_text, check_region)
    if problems or request is None or credentials is None or region is None:
        for problem in problems:
            print(f"send: {problem}", file=sys.stderr)
        return ExitStatus.USAGE
    client = (client_factory or boto_client)(region, credentials, endpoint, args.timeout)
    outcome = send(client, request)
    shown_endpoint = endpoint or f"https://email.{region}.amazonaws.com"
    summary: dict[str, Any] = {
        "ok": outcome.status == ExitStatus.OK,
        "status": int(outcome.status),
        "category": category(outcome.status),
        "region": region,
        "endpoint": shown_endpoint,
        "from": request["FromEmailAddress"],
        "to": request["Destination"]["ToAddresses"][0],
        "configuration_set": request.get("ConfigurationSetName"),
        "from_arn": request.get("FromEmailAddressIdentityArn"),
        "message_id": outcome.message_id,
        "reason": outcome.reason,
        "advice": advice(outcome.status),
        "seconds": round(outcome.seconds, 3),
    }
    if args.json:
        json.dump(summary, out, indent=2)
        out.write("\n")
        return outcome.status
    print(
        f"send: SES v2 SendEmail at {shown_endpoint}, credentials: {credentials.describe()}",
        file=out,
    )
    print(f"  from {summary['from']} to {summary['to']}", file=out)
    for label, key in (("configuration set", "configuration_set"), ("identity", "from_arn")):
        if summary[key]:
            print(f"  {label}: {summary[key]}", file=out)
    if outcome.status == ExitStatus.OK:
        print(f"sent in {outcome.seconds:.2f} s; message id: {outcome.message_id}", file=out)
    else:
        print(
            f"FAILED ({category(outcome.status)}, exit {outcome.status}): {outcome.reason}",
            file=out,
        )
        print(f"  what to do: {advice(outcome.status)}", file=out)
    return outcome.status
