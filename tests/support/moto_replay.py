"""Replay an offline plan's resources against ``moto_server``: the create calls the AWS provider
makes, one mapping per resource type, from the plan's camelCase inputs to a boto3 call; for a
resource the plan adopts (its ``import_id``), the read its import makes instead (``IMPORTS``).

No diff, update or delete logic. Inputs that carry the mocks' stand-ins for another
resource's outputs (a KMS key ARN, a secret id, a hosted zone id) are rewritten to what moto
returned for that resource, so later calls use the real moto values. A type without a mapping, or
a call moto has no route for (its 404), is recorded as *not replayed* with the reason. Component
resources (``ses:index:*``) make no call and are left out.

Several stacks can be replayed into one :class:`MotoAccount`; it remembers which stack and
resource first created each physical resource, so a create that silently returned (or upserted)
another's resource is visible as ``reused_from``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import boto3
from botocore.exceptions import ClientError

from components.plan.mocks import COMPUTED_OUTPUTS, SECRET_PLACEHOLDER, stable_hex
from tests.support.moto_calls import HANDLERS, Call, Created, NotReplayed, ses_resource
from tests.support.moto_deliverability_calls import DELIVERABILITY_HANDLERS
from tests.support.moto_sender_calls import SENDER_HANDLERS

SECRET_STAND_IN = "replayed-secret-stand-in"
"""What a ``[secret]`` input becomes in the call: the plan does not hold secret values."""

_ACCESS_KEY = "aws:iam/accessKey:AccessKey"

ORDER = (
    "aws:kms/key:Key",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:lambda/permission:Permission",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:sesv2/dedicatedIpPool:DedicatedIpPool",
    "aws:sesv2/configurationSet:ConfigurationSet",
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
    "aws:sesv2/emailIdentity:EmailIdentity",
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy",
    "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes",
    "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes",
    "aws:sesv2/accountVdmAttributes:AccountVdmAttributes",
    "aws:sesv2/contactList:ContactList",
    "aws:sesv2/tenant:Tenant",
    "aws:sesv2/tenantResourceAssociation:TenantResourceAssociation",
    "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint",
    "aws:route53/record:Record",
    "aws:iam/group:Group",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/user:User",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/userGroupMembership:UserGroupMembership",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/accessKey:AccessKey",
    "aws:secretsmanager/secret:Secret",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/dashboard:Dashboard",
)
"""Dependency order of the types the plans declare (what the engine's graph would give)."""


def _read_identity(call: Call, import_id: str) -> Created:
    call.api("sesv2", "get_email_identity", EmailIdentity=import_id)
    return ses_resource(call, "identity", import_id)


def _read_mail_from(call: Call, import_id: str) -> Created:
    call.api("sesv2", "get_email_identity", EmailIdentity=import_id)
    return Created(physical=f"mail-from:{call.region}:{import_id}")


def _read_configuration_set(call: Call, import_id: str) -> Created:
    call.api("sesv2", "get_configuration_set", ConfigurationSetName=import_id)
    return ses_resource(call, "configuration-set", import_id)


IMPORTS: dict[str, Callable[[Call, str], Created]] = {
    "aws:sesv2/emailIdentity:EmailIdentity": _read_identity,
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": _read_mail_from,
    "aws:sesv2/configurationSet:ConfigurationSet": _read_configuration_set,
}
"""Per type a plan may adopt: the read (sesv2 Get*) that stands for the provider's import."""


class Status(StrEnum):
    """What became of one plan resource."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    NOT_REPLAYED = "not replayed"


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """One plan resource, replayed (or not)."""

    stack: str
    type: str
    name: str
    status: Status
    region: str | None = None
    """The resource's ``region`` input; ``None`` for global services (IAM, Route 53)."""
    calls: tuple[str, ...] = ()
    """API calls made for it (``sns:CreateTopic``), in order."""
    physical: str | None = None
    """What moto created or wrote: an ARN, a URL, or a key naming the attachment."""
    reused_from: str | None = None
    """``<stack>/<name>`` of the earlier resource whose ``physical`` this create returned."""
    ignored_inputs: tuple[str, ...] = ()
    """Inputs the mapping did not send."""
    detail: str = ""
    """The reason it was not replayed, or the error moto answered."""

    @property
    def service(self) -> str:
        """The provider module of the type: ``sns`` for ``aws:sns/topic:Topic``."""
        return self.type.split(":")[1].split("/")[0]


def _mock_stand_ins(resource: Mapping[str, Any]) -> dict[str, str]:
    """The values the plan's mocks gave this resource's outputs (``id``, ``arn``, ...)."""
    type_, name, inputs = resource["type"], resource["name"], resource["inputs"]
    computed = COMPUTED_OUTPUTS.get(type_)
    # the access key's stand-ins need the provider config; only its secret references its id
    extra: dict[str, Any] = computed(name, inputs) if computed and type_ != _ACCESS_KEY else {}
    values = {key: value for key, value in extra.items() if isinstance(value, str)}
    values.setdefault("id", f"{name}-{stable_hex(type_, name, length=8)}")
    return values


def _substitute(value: Any, stand_ins: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _substitute(item, stand_ins) for key, item in value.items()}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, list):
        return [_substitute(item, stand_ins) for item in value]  # pyright: ignore[reportUnknownVariableType]
    if not isinstance(value, str):
        return value
    if value == SECRET_PLACEHOLDER:
        return SECRET_STAND_IN
    if value in stand_ins:
        return stand_ins[value]
    for stand_in in sorted(stand_ins, key=len, reverse=True):  # inside policy documents
        value = value.replace(stand_in, stand_ins[stand_in])
    return value


def _order(resources: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    def rank(resource: Mapping[str, Any]) -> tuple[int, bool, str]:
        type_ = resource["type"]
        position = ORDER.index(type_) if type_ in ORDER else len(ORDER)
        # a queue with a redrive policy after the dead-letter queues it names
        return position, "redrivePolicy" in resource["inputs"], resource["name"]

    return sorted((r for r in resources if r["type"].startswith("aws:")), key=rank)


@dataclass
class MotoAccount:
    """One moto account (one ``moto_server``) that stacks are replayed into."""

    endpoint_url: str
    outcomes: list[Outcome] = field(default_factory=list[Outcome])
    setup_calls: list[str] = field(default_factory=list[str])
    """Calls the replay made for itself (hosted zones, a dummy Lambda function)."""
    created_by: dict[str, str] = field(default_factory=dict[str, str])
    """Physical resource -> ``<stack>/<name>`` that created it first."""
    zones: dict[str, str] = field(default_factory=dict[str, str])
    """Hosted zone name -> the zone id moto gave it."""
    functions: set[tuple[str, str]] = field(default_factory=set[tuple[str, str]])
    """(region, function name) of the dummy Lambda functions made so far."""
    account_id: str | None = None
    """The account moto answers for (asked once)."""
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict[tuple[str, str], Any])
    _calls: list[str] = field(default_factory=list[str])

    def client(self, service: str, region: str) -> Any:
        """A boto3 client for moto with dummy credentials; every call it makes is recorded."""
        key = (service, region)
        if key not in self._clients:
            client = boto3.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint_url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            prefix = client.meta.service_model.signing_name

            def note(model: Any, **_: Any) -> None:
                self._calls.append(f"{prefix}:{model.name}")

            client.meta.events.register("after-call", note)
            self._clients[key] = client
        return self._clients[key]

    def setup(self, make: Callable[[], Any]) -> Any:
        """Run a call the replay needs for itself, counted apart from the plan's calls."""
        mark = len(self._calls)
        try:
            return make()
        finally:
            self.setup_calls.extend(self._calls[mark:])
            del self._calls[mark:]

    def make_what_is_adopted(
        self, resources: Iterable[Mapping[str, Any]], default_region: str
    ) -> None:
        """What a console made before the stack existed: each identity and configuration set a
        plan adopts (its ``import_id``), created as setup calls so that the replay's reads find
        them. (moto has no MAIL FROM route: an identity stands for its MAIL FROM too.)"""
        for resource in resources:
            import_id = resource.get("import_id")
            if import_id is None:
                continue
            region = str(resource["inputs"].get("region") or default_region)
            create = {
                "aws:sesv2/emailIdentity:EmailIdentity": functools.partial(
                    self.client("sesv2", region).create_email_identity, EmailIdentity=import_id
                ),
                "aws:sesv2/configurationSet:ConfigurationSet": functools.partial(
                    self.client("sesv2", region).create_configuration_set,
                    ConfigurationSetName=import_id,
                ),
            }.get(resource["type"])
            if create is not None:
                self.setup(create)

    def replay(
        self, stack: str, resources: Iterable[Mapping[str, Any]], default_region: str
    ) -> list[Outcome]:
        """Replay one stack's plan resources in dependency order; return their outcomes."""
        stand_ins: dict[str, str] = {}
        missing: dict[str, str] = {}  # stand-ins of resources not created -> their names
        outcomes: list[Outcome] = []
        for resource in _order(resources):
            text = json.dumps(resource["inputs"])
            absent = sorted({name for value, name in missing.items() if value in text})
            if absent:
                outcome = Outcome(
                    stack=stack,
                    type=resource["type"],
                    name=resource["name"],
                    status=Status.NOT_REPLAYED,
                    region=resource["inputs"].get("region"),
                    detail=f"depends on {', '.join(absent)}, which was not created",
                )
            else:
                outcome = self._replay_one(stack, resource, default_region, stand_ins)
            if outcome.status is not Status.ACCEPTED:
                name = str(resource["name"])
                missing.update((value, name) for value in _mock_stand_ins(resource).values())
            outcomes.append(outcome)
        self.outcomes.extend(outcomes)
        return outcomes

    def _replay_one(
        self,
        stack: str,
        resource: Mapping[str, Any],
        default_region: str,
        stand_ins: dict[str, str],
    ) -> Outcome:
        type_, name = resource["type"], resource["name"]
        import_id = resource.get("import_id")
        handler = HANDLERS.get(type_) or SENDER_HANDLERS.get(type_)
        handler = handler or DELIVERABILITY_HANDLERS.get(type_)
        if import_id is not None and type_ in IMPORTS:
            read = IMPORTS[type_]
            handler = lambda call: read(call, str(import_id))  # noqa: E731
        if handler is None:
            return Outcome(
                stack=stack,
                type=type_,
                name=name,
                status=Status.NOT_REPLAYED,
                region=resource["inputs"].get("region"),
                detail="no replay mapping for this type",
            )
        inputs = _substitute(resource["inputs"], stand_ins)
        region = str(inputs.get("region") or default_region)
        call = Call(account=self, inputs=inputs, region=region)
        self._calls.clear()
        try:
            created: Created = handler(call)
        except NotReplayed as reason:
            return Outcome(
                stack=stack,
                type=type_,
                name=name,
                status=Status.NOT_REPLAYED,
                region=resource["inputs"].get("region"),
                calls=tuple(self._calls),
                detail=str(reason),
            )
        except ClientError as error:
            return Outcome(
                stack=stack,
                type=type_,
                name=name,
                status=Status.REFUSED,
                region=resource["inputs"].get("region"),
                calls=tuple(self._calls),
                detail=f"{error.response.get('Error', {}).get('Code')}: {error}",
            )
        for key, stand_in in _mock_stand_ins(resource).items():
            real = created.outputs.get(key)
            if real is not None and real != stand_in:
                stand_ins[stand_in] = real
        reused_from = self.created_by.setdefault(created.physical, f"{stack}/{name}")
        return Outcome(
            stack=stack,
            type=type_,
            name=name,
            status=Status.ACCEPTED,
            region=resource["inputs"].get("region"),
            calls=tuple(self._calls),
            physical=created.physical,
            reused_from=None if reused_from == f"{stack}/{name}" else reused_from,
            ignored_inputs=() if import_id is not None else call.unread(),
        )
