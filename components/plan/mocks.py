"""Deterministic stand-ins for provider-computed values, for the offline plan and the tests.

``PlanMocks`` answers every resource registration and data-source call the way the AWS and
Cloudflare providers would in shape (ARNs, ids, DKIM tokens, access keys), with values derived
from the resource's name and inputs only, so evaluating the same configuration twice gives the
same plan. ``RecordingMonitor`` keeps what the program declared: type, name, parent and the inputs
as sent over the wire, with every secret replaced by ``"[secret]"``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pulumi
from google.protobuf import json_format
from pulumi.runtime.mocks import MockMonitor

ACCOUNT_ID = "123456789012"
"""The account id every mocked ARN uses."""
SECRET_PLACEHOLDER = "[secret]"
"""What a secret input looks like in a recorded plan."""
_SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def stable_hex(*parts: str, length: int = 32) -> str:
    """A deterministic lowercase hex string derived from ``parts``."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:length]


def _arn(service: str, region: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{resource}"


def _region(inputs: dict[str, Any]) -> str:
    return str(inputs.get("region") or "us-east-1")


def _email_identity(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    identity = str(inputs["emailIdentity"])
    dkim = dict(cast(dict[str, Any], inputs.get("dkimSigningAttributes") or {}))
    is_domain = "@" not in identity
    if is_domain and "domainSigningSelector" not in dkim:
        # SES hands out other tokens in each region; the provider's own region keeps the
        # tokens plans have always shown.
        salt = [] if _region(inputs) == _provider_region() else [_region(inputs)]
        dkim["tokens"] = [stable_hex("dkim", *salt, identity, str(index)) for index in range(3)]
        dkim.setdefault("nextSigningKeyLength", "RSA_2048_BIT")
        dkim["currentSigningKeyLength"] = dkim["nextSigningKeyLength"]
        dkim["signingAttributesOrigin"] = "AWS_SES"
    elif is_domain:
        dkim.pop("domainSigningPrivateKey", None)
        dkim["signingAttributesOrigin"] = "EXTERNAL"
    dkim["status"] = "PENDING"
    return {
        "arn": _arn("ses", _region(inputs), f"identity/{identity}"),
        "identityType": "DOMAIN" if is_domain else "EMAIL_ADDRESS",
        "dkimSigningAttributes": dkim,
        "verifiedForSendingStatus": False,
    }


def _global_endpoint(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """SES makes the endpoint id (the ``EndpointId`` senders give); its ARN is the primary
    region's."""
    endpoint_id = stable_hex("endpoint", str(inputs["endpointName"]), length=12)
    return {
        "endpointId": endpoint_id,
        "arn": _arn("ses", _region(inputs), f"multi-region-endpoint/{inputs['endpointName']}"),
    }


def _named_arn(
    service: str, prefix: str, key: str
) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    def outputs(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"arn": _arn(service, _region(inputs), f"{prefix}{inputs.get(key) or name}")}

    return outputs


def _kms_key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    key_id = str(uuid.UUID(stable_hex("kms", name)))
    return {"keyId": key_id, "arn": _arn("kms", _region(inputs), f"key/{key_id}")}


def _sqs_queue(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    queue = str(inputs.get("name") or name)
    region = _region(inputs)
    return {
        "arn": _arn("sqs", region, queue),
        "url": f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{queue}",
    }


def _subscription(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"arn": f"{inputs.get('topic')}:{uuid.UUID(stable_hex('subscription', name))}"}


def _dashboard(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"dashboardArn": _arn("cloudwatch", "", f"dashboard/{inputs.get('dashboardName')}")}


def _provider_region() -> str:
    return pulumi.Config("aws").get("region") or "us-east-1"


def _iam_arn(kind: str) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    def outputs(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        path = str(inputs.get("path") or "/")
        return {
            "arn": f"arn:aws:iam::{ACCOUNT_ID}:{kind}{path}{inputs.get('name') or name}",
            "uniqueId": "AID" + stable_hex(kind, name, length=17).upper(),
        }

    return outputs


def _access_key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """An access key: id ``AKIA...`` (the SMTP username), a 40-character secret, and the
    provider's ``sesSmtpPasswordV4`` for the provider's region, derived with the real algorithm."""
    from ..smtp.credentials import smtp_password_v4

    secret = (stable_hex("secret", name, length=64) + stable_hex("secret2", name))[:40]
    return {
        "id": "AKIA" + stable_hex("access-key", name, length=16).upper(),
        "secret": secret,
        "sesSmtpPasswordV4": smtp_password_v4(secret, _provider_region()),
        "status": inputs.get("status") or "Active",
        "createDate": "2026-01-01T00:00:00Z",
    }


def _secret(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    secret_name = str(inputs.get("name") or name)
    suffix = stable_hex("secret-suffix", secret_name, length=6)
    return {"arn": _arn("secretsmanager", _region(inputs), f"secret:{secret_name}-{suffix}")}


def _secret_version(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "arn": str(inputs.get("secretId") or name),
        "versionId": stable_hex("version", name, length=36),
    }


def _tenant(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    tenant_id = f"tn-{stable_hex('tenant', name, length=16)}"
    return {
        "tenantId": tenant_id,
        "tenantArn": _arn("ses", _region(inputs), f"tenant/{inputs.get('tenantName')}/{tenant_id}"),
    }


COMPUTED_OUTPUTS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "aws:iam/user:User": _iam_arn("user"),
    "aws:iam/group:Group": _iam_arn("group"),
    "aws:iam/role:Role": _iam_arn("role"),
    "aws:iam/accessKey:AccessKey": _access_key,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:secretsmanager/secretVersion:SecretVersion": _secret_version,
    "aws:sesv2/emailIdentity:EmailIdentity": _email_identity,
    "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint": _global_endpoint,
    "aws:sesv2/configurationSet:ConfigurationSet": _named_arn(
        "ses", "configuration-set/", "configurationSetName"
    ),
    # feedback loop (components/feedback.py)
    "aws:sns/topic:Topic": _named_arn("sns", "", "name"),
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:kms/key:Key": _kms_key,
    "aws:sqs/queue:Queue": _sqs_queue,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _named_arn("cloudwatch", "alarm:", "name"),
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    # list management, tenants, dedicated IPs (components/deliverability/)
    "aws:sesv2/contactList:ContactList": _named_arn("ses", "contact-list/", "contactListName"),
    "aws:sesv2/dedicatedIpPool:DedicatedIpPool": _named_arn(
        "ses", "dedicated-ip-pool/", "poolName"
    ),
    "aws:sesv2/tenant:Tenant": _tenant,
}
"""Per resource type: outputs the provider computes, from the logical name and the inputs.
An ``"id"`` entry becomes the resource's id. Features add their resource types here."""


@dataclass(frozen=True)
class DeclaredResource:
    """One resource as the program declared it."""

    type: str
    name: str
    parent: str | None
    """The parent's logical name (``None`` for children of the stack)."""
    inputs: dict[str, Any]
    """Inputs as sent to the engine (camelCase keys), secrets replaced by ``"[secret]"``."""
    secret_paths: tuple[str, ...]
    """Dotted paths of the inputs that were marked secret."""
    import_id: str | None = None
    """The id of an existing resource the program adopts (its ``import_`` option)."""
    parent_type: str | None = None
    """The parent's type token (``None`` for children of the stack)."""
    provider: str | None = None
    """An explicit provider's reference (``<urn>::<id>``; ``None``: the default provider)."""


def _is_secret_wrapper(value: Any) -> bool:
    return (
        isinstance(value, dict) and cast(dict[str, Any], value).get(_SECRET_SIG_KEY) == _SECRET_SIG
    )


def _secret_wrapper(value: Any) -> dict[str, Any]:
    return {_SECRET_SIG_KEY: _SECRET_SIG, "value": value}


def _unwrap_secrets(value: Any, path: str, secret_paths: list[str]) -> Any:
    if isinstance(value, dict):
        mapping = cast(dict[str, Any], value)
        if mapping.get(_SECRET_SIG_KEY) == _SECRET_SIG:
            secret_paths.append(path)
            return SECRET_PLACEHOLDER
        return {
            key: _unwrap_secrets(item, f"{path}.{key}" if path else key, secret_paths)
            for key, item in mapping.items()
        }
    if isinstance(value, list):
        items = cast(list[Any], value)
        return [_unwrap_secrets(item, f"{path}[{i}]", secret_paths) for i, item in enumerate(items)]
    return value


class RecordingMonitor(MockMonitor):
    """A mock monitor that remembers each registration with its parent and secret markers."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.declared: list[DeclaredResource] = []
        self._names_by_urn: dict[str, str] = {}
        self._types_by_urn: dict[str, str] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # pyright: ignore[reportUnknownMemberType,reportUnknownVariableType]
        if request.type != "pulumi:pulumi:Stack":
            raw = json_format.MessageToDict(request.object)
            secret_paths: list[str] = []
            inputs = cast(dict[str, Any], _unwrap_secrets(raw, "", secret_paths))
            self._names_by_urn[response.urn] = request.name
            self._types_by_urn[response.urn] = request.type
            self.declared.append(
                DeclaredResource(
                    type=request.type,
                    name=request.name,
                    parent=self._names_by_urn.get(request.parent),
                    inputs=inputs,
                    secret_paths=tuple(secret_paths),
                    import_id=request.importId or None,
                    parent_type=self._types_by_urn.get(request.parent),
                    provider=request.provider or None,
                )
            )
        return response


class PlanMocks(pulumi.runtime.Mocks):
    """Provider stand-ins: every resource echoes its inputs plus deterministic computed values."""

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        wire_inputs: dict[str, Any] = dict(args.inputs)  # pyright: ignore[reportUnknownMemberType,reportUnknownArgumentType]
        secret_keys = {key for key, value in wire_inputs.items() if _is_secret_wrapper(value)}
        inputs = {
            key: value["value"] if key in secret_keys else value
            for key, value in wire_inputs.items()
        }
        computed = COMPUTED_OUTPUTS.get(args.typ)
        extra = computed(args.name, inputs) if computed else {}
        extra = {  # a provider keeps a property secret when its input was
            key: _secret_wrapper(value) if key in secret_keys else value
            for key, value in extra.items()
        }
        # An adopted resource keeps its id; the provider drops an import id's "@<region>".
        computed_id = str(extra.pop("id", ""))
        resource_id = (
            (args.resource_id or "").partition("@")[0]
            or computed_id
            or f"{args.name}-{stable_hex(args.typ, args.name, length=8)}"
        )
        return resource_id, {**wire_inputs, **extra}

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        call_args: dict[str, Any] = args.args  # pyright: ignore[reportUnknownMemberType,reportUnknownVariableType]
        if args.token == "aws:route53/getZone:getZone":
            name = str(call_args.get("name") or "example.com").rstrip(".")
            zone_id = call_args.get("zoneId") or "Z" + stable_hex("zone", name, length=20).upper()
            return {"zoneId": zone_id, "id": zone_id, "name": name}, []
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            arn = f"arn:aws:iam::{ACCOUNT_ID}:user/plan"
            return {
                "accountId": ACCOUNT_ID,
                "arn": arn,
                "id": ACCOUNT_ID,
                "userId": "AIDPLAN",
            }, []
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}, []
        return {}, []
