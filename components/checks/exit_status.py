"""The exit statuses of ``python -m checks``: one number, one meaning, for every subcommand.

docs/checks.md ("Exit status") has the same table; tests/checks/test_exit_status.py keeps the two
equal. ``scripts/deploy.sh`` passes ``checks verify``'s status through and adds its own 4.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What the process exit status of a check means, with its category and what to do next."""

    category: str
    """A few words for the outcome (``checks smtp`` prints it after ``FAILED``)."""
    meaning: str
    """One line: when a subcommand exits with this status."""
    advice: str
    """One line: what to do about it."""

    def __new__(cls, value: int, category: str, meaning: str, advice: str) -> ExitStatus:
        member = int.__new__(cls, value)
        member._value_ = value
        member.category = category
        member.meaning = meaning
        member.advice = advice
        return member

    OK = (
        0,
        "ok",
        "all good: verify found nothing wrong (warnings allowed unless --strict); "
        "smtp sent the message and SES accepted it; account showed the account, or printed or "
        "sent the request (or production access is there already); stats found no rate at a "
        "review level and no alarm in ALARM",
        "nothing to do",
    )
    FOUND_PROBLEMS = (
        1,
        "found problems",
        "verify found at least one error on a server that answered (or, with --strict, a "
        "warning or a --mailbox-providers requirement not met); stats: a bounce or complaint "
        "rate at or over AWS's review level, or a stack alarm in ALARM",
        "fix what each finding names (the fix line is the record to publish), then check "
        "again; for stats, find the source of the bounces or complaints before AWS reviews "
        "the account",
    )
    USAGE = (
        2,
        "usage",
        "usage or input error (bad option, unreadable or malformed input, secrets hidden, "
        "no credentials or credentials AWS rejects, no Pulumi CLI for --stack), or an "
        "internal error (one line, no traceback)",
        "check the arguments (the command's --help); for an internal error rerun "
        "with CHECKS_DEBUG=1 to see the traceback",
    )
    UNCHECKED = (
        3,
        "could not check",
        "nothing wrong found, but a server could not be checked: verify got a timeout, SERVFAIL, "
        "REFUSED, connection error or malformed answer, or the SES API was unreachable; smtp "
        "could not connect (refused, host not found, network unreachable, closed early); "
        "account and stats could not reach the AWS API",
        "check the address, port and network path to the server named, then check again "
        "(verify --wait keeps polling)",
    )
    TIMEOUT = (
        4,
        "timeout",
        "smtp timed out connecting or waiting for a reply",
        "a firewall may drop the traffic silently; try port 587 or 2587, or raise --timeout",
    )
    TLS_FAILURE = (
        5,
        "TLS failure",
        "smtp: no STARTTLS offered or STARTTLS refused (454), TLS handshake failed, certificate "
        "not trusted or for another name; no credentials were sent",
        "the connection could not be secured, so no credentials were sent; check that you "
        "reach the real SES endpoint (no TLS-intercepting proxy), that the system CA store is "
        "current, and for implicit TLS use port 465/2465 with --tls",
    )
    AUTH_FAILED = (
        6,
        "authentication failed",
        "smtp: authentication failed (535)",
        "the username must be the access key id (not the IAM user name) and the password the "
        "one derived for this region (passwords differ per region); after a key rotation use "
        "the new key; a new key can take a few minutes to work",
    )
    SANDBOX = (
        7,
        "sandbox / not verified",
        'smtp: SES sandbox or unverified identity (554 "Email address is not verified")',
        "the account is in the SES sandbox (or the From identity is not verified in this "
        "region): verify the recipient address too, use the mailbox simulator, or request "
        "production access; check that the domain's DKIM records are published and verified",
    )
    DENIED = (
        8,
        "not authorized",
        "smtp: the IAM policy does not allow this From address, recipient, identity or "
        'configuration set (554 "... not authorized to perform ses:SendRawEmail"); '
        "account, stats: AWS answered AccessDenied",
        "the IAM policy does not allow this: for smtp check smtpUsers domains, fromAddresses, "
        "recipients and configurationSets for this user, then pulumi up; for account and stats "
        "allow the caller the action the message names",
    )
    REJECTED = (
        9,
        "rejected",
        "smtp: any other SMTP rejection (throttling, 4xx, message rejected, EHLO or AUTH "
        "refused); account, stats: AWS throttled or refused the request",
        "read the server's reply or AWS's error above; retry later for 4xx replies and throttling",
    )
    REVIEW_CONFLICT = (
        10,
        "review pending or denied",
        "account request-production: a production-access review of this region is pending or "
        "was denied (GetAccount's review status, or AWS's ConflictException); nothing was sent",
        "wait for AWS's answer to the pending case; after a denial answer in that case in the "
        "AWS Support Center rather than sending a new request",
    )
    INTERRUPTED = (
        130,
        "interrupted",
        "interrupted (Ctrl-C, SIGINT); the check did not finish",
        "run the command again",
    )
