"""AWS clients for the checks' AWS commands in tests: fake credentials, no metadata service,
endpoints on a closed loopback port, and botocore's Stubber checking every call against the
service's model. Nothing here can reach AWS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from components.checks import aws_api
from tests.support.moto_server import FAKE_ENV

CLOSED = "http://127.0.0.1:9"
"""An endpoint nobody answers on (the discard port, closed on loopback): a call the Stubber does
not intercept fails there instead of leaving the machine."""


def fake_aws_env(monkeypatch: pytest.MonkeyPatch, *, credentials: bool = True) -> None:
    """Environment for boto3 that finds no real credentials, profile, endpoint or metadata
    service; with ``credentials`` the fake keys of :data:`FAKE_ENV`."""
    for key, value in FAKE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for key in (
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SESV2",
        "AWS_ENDPOINT_URL_SES",
        "AWS_ENDPOINT_URL_CLOUDWATCH",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(key, raising=False)
    if not credentials:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            monkeypatch.delenv(key, raising=False)


@contextmanager
def stubbed(
    monkeypatch: pytest.MonkeyPatch, *services: str, region: str = "eu-west-1"
) -> Iterator[dict[str, Stubber]]:
    """Stubbers for ``services`` (``sesv2``, ``cloudwatch``, ``ses``); while active the
    commands' :func:`~components.checks.aws_api.client` hands out the stubbed clients (and
    refuses any other service or region). Every queued response must be used."""
    fake_aws_env(monkeypatch)
    clients: dict[str, Any] = {
        name: boto3.client(name, region_name=region, endpoint_url=CLOSED) for name in services
    }

    def client(service: str, asked_region: str, endpoint: str | None) -> Any:
        assert asked_region == region, asked_region
        return clients[service]

    monkeypatch.setattr(aws_api, "client", client)
    with ExitStack() as stack:
        stubs = {name: stack.enter_context(Stubber(c)) for name, c in clients.items()}
        yield stubs
        for stub in stubs.values():
            stub.assert_no_pending_responses()
