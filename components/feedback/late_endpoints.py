"""Subscription endpoints given as another resource's output (an ``aws.sqs.Queue``'s or
``aws.lambda_.Function``'s ``arn``) in typed props.

The config parser checks a stand-in of the right form in the output's place (so the rest of the
subscription, and every other prop, is still checked before anything is declared); the stand-in
is registered with its output, and :func:`deployed_endpoint` gives the subscription the output
back, checked for its protocol once known (a bad one fails the deployment with a ``ConfigError``).
"""

from __future__ import annotations

from functools import partial

import pulumi

from ..validation import ConfigError, ConfigProblem
from .endpoint_checks import ENDPOINT_CHECKS
from .model import SubscriptionProtocol

_STAND_INS = {
    SubscriptionProtocol.EMAIL: "known-when-deployed-{}@example.com",
    SubscriptionProtocol.HTTPS: "https://known-when-deployed-{}.example.com/",
    SubscriptionProtocol.SQS: "arn:aws:sqs:us-east-1:000000000000:known-when-deployed-{}",
    SubscriptionProtocol.LAMBDA: "arn:aws:lambda:us-east-1:000000000000:function:known-{}",
}
_REGISTERED: dict[str, tuple[SubscriptionProtocol, pulumi.Output[str]]] = {}
"""Stand-in -> the protocol and the output it stands for (held, so no id is reused)."""


def stand_in(protocol: object, endpoint: pulumi.Output[str]) -> str:
    """A valid endpoint of ``protocol`` the parser checks in place of ``endpoint`` (any form,
    when the protocol itself is bad: the parser names that)."""
    kind = protocol if isinstance(protocol, SubscriptionProtocol) else SubscriptionProtocol.EMAIL
    text = _STAND_INS[kind].format(f"{id(endpoint):x}")
    _REGISTERED[text] = (kind, endpoint)
    return text


def deployed_endpoint(endpoint: str) -> pulumi.Input[str]:
    """The endpoint a subscription is declared with: the output a stand-in stands for, checked
    once known, or ``endpoint`` itself."""
    registered = _REGISTERED.get(endpoint)
    if registered is None:
        return endpoint
    protocol, output = registered
    return output.apply(partial(_known, protocol))


def _known(protocol: SubscriptionProtocol, endpoint: str) -> str:
    check, allowed = ENDPOINT_CHECKS[protocol]
    try:
        return check(endpoint)
    except ValueError as error:
        problem = ConfigProblem(
            "SubscriptionArgs.endpoint",
            endpoint,
            f"must be {allowed} for {protocol} ({error}); it was an output, checked once known",
        )
        raise ConfigError([problem]) from None
