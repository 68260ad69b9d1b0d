"""``python -m checks account status|request-production``: a region's SES account, and the
request that takes it out of the sandbox.

``request-production`` checks every option first (all problems at once, exit status 2), prints
the sesv2 PutAccountDetails request it would send, and sends it only with ``--yes``: after
GetAccount shows that the region is still in the sandbox and no review is pending or was denied.
A pending or denied review (AWS's ConflictException) exits 10 with what to do instead; every
other AWS failure is classified by :func:`~..aws_api.classify` (the table: docs/checks.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .. import aws_api
from ..exit_status import ExitStatus

GET_ACCOUNT = "sesv2 GetAccount"
PUT_ACCOUNT_DETAILS = "sesv2 PutAccountDetails"


def register(subparsers: Any) -> None:
    """Add the ``account`` subcommand and its own subcommands to ``python -m checks``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "account",
        help="the SES account of a region: its status, and leaving the sandbox",
        description="The SES account of a region: 'status' shows sandbox or production, the "
        "production-access review and its case, the quota and the enforcement status; "
        "'request-production' asks AWS for production access (printed, sent only with --yes).",
    )
    commands = parser.add_subparsers(dest="account_command", metavar="ACTION")
    commands.required = True
    status = commands.add_parser(
        "status",
        help="sandbox or production, review status and case id, quota, enforcement (GetAccount)",
        description="Show the SES account of a region (sesv2 GetAccount). Exit status: 0 shown, "
        "2 usage or no credentials, 3 AWS unreachable, 8 access denied, 9 other AWS error.",
    )
    _add_aws_options(status)
    status.add_argument("--json", action="store_true", help="print the account as JSON")
    status.set_defaults(handler=run_status)
    request = commands.add_parser(
        "request-production",
        help="ask AWS to take the region's account out of the sandbox (PutAccountDetails)",
        description="Print the sesv2 PutAccountDetails request for production access in one "
        "region; send it only with --yes. Exit status: 0 printed, sent or already in production, "
        "2 usage or no credentials, 3 AWS unreachable, 8 access denied, 9 other AWS error, "
        "10 a review is pending or was denied.",
    )
    _add_aws_options(request)
    request.add_argument(
        "--mail-type",
        required=True,
        metavar="TRANSACTIONAL|MARKETING",
        help="what the account sends",
    )
    request.add_argument(
        "--website-url",
        required=True,
        metavar="URL",
        help="the sender's public web site (http:// or https://)",
    )
    request.add_argument(
        "--contact",
        action="append",
        default=[],
        metavar="EMAIL",
        help="another address AWS writes to about the account (repeatable, at most 4)",
    )
    request.add_argument(
        "--use-case",
        metavar="TEXT",
        help="how you send, to whom, how recipients opt in and how bounces and complaints are "
        "handled (at most 5000 characters; reviewers ask for it)",
    )
    request.add_argument(
        "--language", metavar="EN|JA", help="the language of AWS's answer (default: AWS's)"
    )
    request.add_argument(
        "--yes", action="store_true", help="send the request (default: only print it)"
    )
    request.set_defaults(handler=run_request)


def _add_aws_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        required=True,
        metavar="REGION",
        help="the SES region (production access is per region)",
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="the SES API endpoint, an http(s) URL (e.g. a local stand-in; default: AWS's)",
    )


def _fail(command: str, problems: list[str]) -> ExitStatus:
    head = "invalid arguments:\n  " if len(problems) > 1 else ""
    print(f"account {command}: {head}" + "\n  ".join(problems), file=sys.stderr)
    return ExitStatus.USAGE


def _failed(command: str, failure: aws_api.ApiFailure) -> ExitStatus:
    print(f"account {command}: {failure.message}", file=sys.stderr)
    return failure.status


def run_status(args: argparse.Namespace) -> ExitStatus:
    """``account status``: GetAccount, shown."""
    from .status import account_view, render

    problems = aws_api.option_problems(args.region, args.endpoint_url)
    if problems:
        return _fail("status", problems)
    try:
        data = aws_api.client("sesv2", args.region, args.endpoint_url).get_account()
    except Exception as exc:  # botocore raises many types; classify re-raises any other
        return _failed("status", aws_api.classify(exc, GET_ACCOUNT))
    view = account_view(args.region, data)
    if args.json:
        print(json.dumps({"region": args.region, **view.as_json()}, indent=2))
    else:
        print("\n".join(render(view)))
    return ExitStatus.OK


def _conflict(region: str, why: str) -> ExitStatus:
    print(
        f"account request-production: {why}. Nothing was sent. "
        f"What to do: {ExitStatus.REVIEW_CONFLICT.advice} "
        f"(checks account status --region {region} shows the review and its case id)",
        file=sys.stderr,
    )
    return ExitStatus.REVIEW_CONFLICT


def run_request(args: argparse.Namespace) -> ExitStatus:
    """``account request-production``: check, print, and with ``--yes`` send."""
    from .request import parse_request
    from .status import ReviewStatus, account_view

    problems = aws_api.option_problems(args.region, args.endpoint_url)
    request, request_problems = parse_request(
        region=args.region,
        mail_type=args.mail_type,
        website_url=args.website_url,
        contacts=args.contact,
        use_case=args.use_case,
        language=args.language,
    )
    problems.extend(request_problems)
    if problems or request is None:
        return _fail("request-production", problems)
    params = request.api_parameters()
    print(f"request for production access in {request.region} ({PUT_ACCOUNT_DETAILS}):")
    print(json.dumps(params, indent=2, ensure_ascii=False))
    if request.use_case is None:
        print(
            "note: AWS's reviewers ask how you send, to whom, how recipients opt in and how "
            "bounces and complaints are handled; --use-case answers it up front"
        )
    if not args.yes:
        print("not sent: add --yes to send this request")
        return ExitStatus.OK
    try:
        sesv2 = aws_api.client("sesv2", request.region, args.endpoint_url)
        view = account_view(request.region, sesv2.get_account())
    except Exception as exc:
        return _failed("request-production", aws_api.classify(exc, GET_ACCOUNT))
    if view.production:
        print(f"not sent: the account in {request.region} has production access already")
        return ExitStatus.OK
    if view.review_status in (ReviewStatus.PENDING, ReviewStatus.DENIED):
        return _conflict(request.region, view.review_text())
    try:
        sesv2.put_account_details(**params)
    except Exception as exc:
        failure = aws_api.classify(exc, PUT_ACCOUNT_DETAILS)
        if failure.code == "ConflictException":
            return _conflict(
                request.region,
                f"AWS answered ConflictException: a review is pending or was denied "
                f"({aws_api.shown(aws_api.error_code(exc)[1])})",
            )
        return _failed("request-production", failure)
    print(
        f"sent: AWS is reviewing the request for {request.region} (usually within 24 hours); "
        f"checks account status --region {request.region} shows the review and its case id"
    )
    return ExitStatus.OK
