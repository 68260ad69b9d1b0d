"""SES SMTP credentials, endpoints and the least-privilege sending policy, as pure functions.

No Pulumi import: the ``SmtpUser`` component, the mocks, the checks and the tests all use these.

- :func:`smtp_password_v4` is AWS's documented conversion of an IAM secret access key into an SES
  SMTP password for one region (SigV4-style HMAC-SHA256 chain, version byte ``0x04``, base64).
- :func:`smtp_endpoint` gives the SMTP host and ports of a region.
- :func:`send_policy` builds the IAM policy that allows only ``ses:SendRawEmail`` on the given
  identity and configuration-set ARNs, with optional ``ses:FromAddress`` / ``ses:Recipients``
  conditions. It never produces ``Resource: "*"``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SMTP_DATE = "11111111"
SMTP_SERVICE = "ses"
SMTP_TERMINAL = "aws4_request"
SMTP_MESSAGE = "SendRawEmail"
SMTP_VERSION = 0x04

STARTTLS_PORTS: tuple[int, ...] = (25, 587, 2587)
"""SES SMTP ports that start in plain text and upgrade with STARTTLS."""
TLS_WRAPPER_PORTS: tuple[int, ...] = (465, 2465)
"""SES SMTP ports that speak TLS from the first byte (implicit TLS, "SMTPS")."""

SEND_ACTION = "ses:SendRawEmail"
"""The only action an SMTP user needs: the SMTP interface calls SendRawEmail."""
API_ACTIONS: tuple[str, ...] = ("ses:SendEmail", SEND_ACTION)
"""What an API sender needs: SES v2 ``SendEmail`` is authorized as ``ses:SendEmail`` (simple
and templated content) or ``ses:SendRawEmail`` (raw content)."""
POLICY_VERSION = "2012-10-17"
POLICY_SID = "SendRawEmailFromOwnIdentities"
API_POLICY_SID = "SendEmailThroughTheApi"


def smtp_password_v4(secret_access_key: str, region: str) -> str:
    """The SES SMTP password for ``region`` derived from an IAM secret access key.

    AWS's documented algorithm (SES Developer Guide, "Obtaining Amazon SES SMTP credentials",
    converting an existing secret access key): HMAC-SHA256 chained over the date ``11111111``,
    the region, ``ses``, ``aws4_request`` and the message ``SendRawEmail``, starting from the key
    ``"AWS4" + secret``; the version byte ``0x04`` is prepended and the result base64-encoded.
    """
    if not secret_access_key:
        raise ValueError("the secret access key is empty")
    if not region:
        raise ValueError("the region is empty")
    signature = ("AWS4" + secret_access_key).encode("utf-8")
    for message in (SMTP_DATE, region, SMTP_SERVICE, SMTP_TERMINAL, SMTP_MESSAGE):
        signature = hmac.new(signature, message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(bytes([SMTP_VERSION]) + signature).decode("ascii")


def smtp_passwords(secret_access_key: str, regions: list[str]) -> dict[str, str]:
    """:func:`smtp_password_v4` for each region, keyed by region."""
    return {region: smtp_password_v4(secret_access_key, region) for region in regions}


@dataclass(frozen=True)
class SmtpEndpoint:
    """Where a region's SES SMTP interface listens."""

    region: str
    """The AWS region."""
    host: str
    """``email-smtp.<region>.amazonaws.com``."""
    starttls_ports: tuple[int, ...] = STARTTLS_PORTS
    """Ports that start in plain text and must be upgraded with STARTTLS before AUTH."""
    tls_wrapper_ports: tuple[int, ...] = TLS_WRAPPER_PORTS
    """Ports that speak TLS from the first byte."""

    def as_output(self) -> dict[str, Any]:
        """The shape exported in the ``smtp`` stack output."""
        return {
            "host": self.host,
            "starttls_ports": list(self.starttls_ports),
            "tls_wrapper_ports": list(self.tls_wrapper_ports),
        }


def smtp_host(region: str) -> str:
    """The SES SMTP interface host of ``region``."""
    return f"email-smtp.{region}.amazonaws.com"


def smtp_endpoint(region: str) -> SmtpEndpoint:
    """Host and ports of the SES SMTP interface in ``region``."""
    return SmtpEndpoint(region=region, host=smtp_host(region))


def identity_arn(partition: str, region: str, account_id: str, identity: str) -> str:
    """``arn:<partition>:ses:<region>:<account>:identity/<domain or address>``."""
    return f"arn:{partition}:ses:{region}:{account_id}:identity/{identity}"


def configuration_set_arn(partition: str, region: str, account_id: str, name: str) -> str:
    """``arn:<partition>:ses:<region>:<account>:configuration-set/<name>``."""
    return f"arn:{partition}:ses:{region}:{account_id}:configuration-set/{name}"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def send_policy(
    identity_arns: list[str],
    configuration_set_arns: list[str] | None = None,
    from_addresses: list[str] | None = None,
    recipients: list[str] | None = None,
    actions: Sequence[str] = (SEND_ACTION,),
) -> dict[str, Any]:
    """The IAM policy document that lets an SMTP user (or, with ``actions``
    :data:`API_ACTIONS`, an API sender) send, and nothing else.

    One statement: ``ses:SendRawEmail`` (or ``actions``) on exactly the identity ARNs (and
    the configuration-set ARNs: SES also authorizes the configuration set a message uses,
    whether named in the ``X-SES-CONFIGURATION-SET`` header or set as the identity's default).
    ``ses:FromAddress`` and ``ses:Recipients`` are request-level condition keys of the send
    actions, so the conditions hold for every resource SES evaluates. ``from_addresses`` become
    ``StringLike`` on ``ses:FromAddress``; ``recipients`` become ``ForAllValues:StringLike`` on
    ``ses:Recipients`` (every recipient must
    match one pattern).
    """
    resources = _unique(list(identity_arns))
    if not resources:
        raise ValueError("an SMTP policy needs at least one identity ARN")
    for arn in [*resources, *(configuration_set_arns or [])]:
        if "*" in arn or not arn.startswith("arn:"):
            raise ValueError(f"{arn!r} is not a single SES resource ARN")
    resources += [arn for arn in _unique(configuration_set_arns or []) if arn not in resources]
    allowed = _unique(list(actions))
    if not allowed or any(action not in API_ACTIONS for action in allowed):
        raise ValueError(f"a send policy allows only {', '.join(API_ACTIONS)}, not {allowed}")
    statement: dict[str, Any] = {
        "Sid": POLICY_SID if allowed == [SEND_ACTION] else API_POLICY_SID,
        "Effect": "Allow",
        "Action": allowed[0] if len(allowed) == 1 else allowed,
        "Resource": resources,
    }
    condition: dict[str, dict[str, Any]] = {}
    if from_addresses:
        condition["StringLike"] = {"ses:FromAddress": _unique(list(from_addresses))}
    if recipients:
        condition["ForAllValues:StringLike"] = {"ses:Recipients": _unique(list(recipients))}
        # ForAllValues is also true when the key is absent; require it to be present.
        condition["Null"] = {"ses:Recipients": "false"}
    if condition:
        statement["Condition"] = condition
    return {"Version": POLICY_VERSION, "Statement": [statement]}
