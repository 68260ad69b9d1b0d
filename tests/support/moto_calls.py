"""Per resource type, the create call(s) the AWS provider makes, from plan inputs to boto3.

Each handler takes a :class:`Call` (the resource's inputs with stand-ins already replaced, its
region, the account's clients) and returns what moto created: one physical identifier and the
outputs later resources may reference (``id``, ``arn``, ``url``, ``keyId``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from tests.support.moto_replay import MotoAccount

from components.plan.mocks import stable_hex


class NotReplayed(Exception):
    """The resource's call cannot be made against moto; the message says why."""


@dataclass(frozen=True, kw_only=True)
class Created:
    """What one replayed resource left in moto."""

    physical: str
    outputs: dict[str, str] = field(default_factory=dict[str, str])


@dataclass
class Call:
    """One resource's replay: its inputs (reads are noted), region and clients."""

    account: MotoAccount
    inputs: Mapping[str, Any]
    region: str
    _read: set[str] = field(default_factory=lambda: {"region"})

    def get(self, key: str, default: Any = None) -> Any:
        """An input, or ``default``; the input counts as sent."""
        self._read.add(key)
        return self.inputs.get(key, default)

    def need(self, key: str) -> Any:
        """A required input."""
        self._read.add(key)
        return self.inputs[key]

    def unread(self) -> tuple[str, ...]:
        """Inputs no mapping read."""
        return tuple(sorted(set(self.inputs) - self._read))

    def api(self, service: str, method: str, /, **kwargs: Any) -> Any:
        """Call ``method`` on the service's client; moto's "no such route" becomes NotReplayed."""
        client = self.account.client(service, self.region)
        try:
            return getattr(client, method)(**{k: v for k, v in kwargs.items() if v is not None})
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "404":
                operation = client.meta.method_to_api_mapping[method]
                raise NotReplayed(f"moto has no route for {service} {operation}") from None
            raise


def tag_list(tags: Mapping[str, str] | None) -> list[dict[str, str]] | None:
    """A provider ``tags`` map as the API's ``[{Key, Value}]`` list (``None`` when empty)."""
    return [{"Key": k, "Value": v} for k, v in tags.items()] if tags else None


def pascal(value: Any) -> Any:
    """camelCase keys (the provider's) to the API's PascalCase, recursively."""
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: pascal(v) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType,reportUnknownArgumentType]
    if isinstance(value, list):
        return [pascal(item) for item in value]  # pyright: ignore[reportUnknownVariableType]
    return value


def _attributes(call: Call, names: Mapping[str, str]) -> dict[str, str]:
    """Plan inputs named in ``names`` as an SNS/SQS attribute map (numbers as integers)."""
    attributes: dict[str, str] = {}
    for key, attribute in names.items():
        value = call.get(key)
        if isinstance(value, bool):
            attributes[attribute] = "true" if value else "false"
        elif isinstance(value, float | int):
            attributes[attribute] = str(int(value))
        elif value is not None:
            attributes[attribute] = str(value)
    return attributes


# --- KMS, SNS, SQS, Lambda -------------------------------------------------------------------


def _kms_key(call: Call) -> Created:
    call.get("deletionWindowInDays")  # used by the delete only
    tags = call.get("tags") or {}
    key = call.api(
        "kms",
        "create_key",
        Description=call.get("description"),
        Policy=call.get("policy"),
        Tags=[{"TagKey": k, "TagValue": v} for k, v in tags.items()] or None,
    )["KeyMetadata"]
    if call.get("enableKeyRotation"):
        call.api("kms", "enable_key_rotation", KeyId=key["KeyId"])
    return Created(
        physical=key["Arn"], outputs={"id": key["KeyId"], "keyId": key["KeyId"], "arn": key["Arn"]}
    )


def _topic(call: Call) -> Created:
    attributes = _attributes(call, {"kmsMasterKeyId": "KmsMasterKeyId", "policy": "Policy"})
    arn = call.api(
        "sns",
        "create_topic",
        Name=call.need("name"),
        Attributes=attributes or None,
        Tags=tag_list(call.get("tags")),
    )["TopicArn"]
    return Created(physical=arn, outputs={"id": arn, "arn": arn})


def _topic_policy(call: Call) -> Created:
    arn = call.need("arn")
    call.api(
        "sns",
        "set_topic_attributes",
        TopicArn=arn,
        AttributeName="Policy",
        AttributeValue=call.need("policy"),
    )
    return Created(physical=f"topic-policy:{arn}", outputs={"id": arn})


def _subscription(call: Call) -> Created:
    attributes = _attributes(call, {"rawMessageDelivery": "RawMessageDelivery"})
    arn = call.api(
        "sns",
        "subscribe",
        TopicArn=call.need("topic"),
        Protocol=call.need("protocol"),
        Endpoint=call.need("endpoint"),
        Attributes=attributes or None,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return Created(physical=arn, outputs={"id": arn, "arn": arn})


_QUEUE_ATTRIBUTES = {
    "messageRetentionSeconds": "MessageRetentionPeriod",
    "visibilityTimeoutSeconds": "VisibilityTimeout",
    "redrivePolicy": "RedrivePolicy",
    "sqsManagedSseEnabled": "SqsManagedSseEnabled",
    "kmsMasterKeyId": "KmsMasterKeyId",
    "delaySeconds": "DelaySeconds",
    "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
}


def _queue(call: Call) -> Created:
    url = call.api(
        "sqs",
        "create_queue",
        QueueName=call.need("name"),
        Attributes=_attributes(call, _QUEUE_ATTRIBUTES) or None,
        tags=call.get("tags"),
    )["QueueUrl"]
    arn = call.api("sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["QueueArn"])
    arn = arn["Attributes"]["QueueArn"]
    return Created(physical=arn, outputs={"id": url, "url": url, "arn": arn})


def _queue_policy(call: Call) -> Created:
    url = call.need("queueUrl")
    call.api(
        "sqs", "set_queue_attributes", QueueUrl=url, Attributes={"Policy": call.need("policy")}
    )
    # moto's queue URLs (its endpoint, not sqs.<region>) do not name the region
    return Created(physical=f"queue-policy:{call.region}:{url}", outputs={"id": url})


def _dummy_function(call: Call, function: str) -> str:
    """Create the Lambda function a permission names (the plan only references it)."""
    name = function.rsplit(":", 1)[-1]
    account = call.account
    if (call.region, name) not in account.functions:
        iam = account.client("iam", call.region)
        lam = account.client("lambda", call.region)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("index.py", "def handler(event, context):\n    return None\n")
        role = "replay-lambda-role"
        try:
            account.setup(lambda: iam.get_role(RoleName=role))
        except ClientError:
            account.setup(lambda: iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}"))
        account.setup(
            lambda: lam.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=f"arn:aws:iam::{account_id(call)}:role/{role}",
                Handler="index.handler",
                Code={"ZipFile": buffer.getvalue()},
            )
        )
        account.functions.add((call.region, name))
    return name


def _lambda_permission(call: Call) -> Created:
    function = call.need("function")
    _dummy_function(call, function)
    statement = call.need("statementId")
    call.api(
        "lambda",
        "add_permission",
        FunctionName=function,
        StatementId=statement,
        Action=call.need("action"),
        Principal=call.need("principal"),
        SourceArn=call.get("sourceArn"),
        SourceAccount=call.get("sourceAccount"),
    )
    physical = f"lambda-permission:{call.region}:{function}:{statement}"
    return Created(physical=physical, outputs={"id": statement})


# --- SES v2 ----------------------------------------------------------------------------------


def ses_resource(call: Call, kind: str, name: str) -> Created:
    """An SES resource made or read in moto (``kind``: ``identity``, ``configuration-set``,
    ...): its ARN as the physical id and an output, its name as the id."""
    arn = f"arn:aws:ses:{call.region}:{account_id(call)}:{kind}/{name}"
    return Created(physical=arn, outputs={"id": name, "arn": arn})


def account_id(call: Call) -> str:
    """The account moto answers for (GetCallerIdentity once, counted as the replay's own)."""
    account = call.account
    if account.account_id is None:
        sts = account.client("sts", call.region)
        account.account_id = str(account.setup(sts.get_caller_identity)["Account"])
    return account.account_id


def _configuration_set(call: Call) -> Created:
    name = call.need("configurationSetName")
    options = {
        key[:1].upper() + key[1:]: pascal(call.get(key))
        for key in (
            "deliveryOptions",
            "reputationOptions",
            "sendingOptions",
            "suppressionOptions",
            "trackingOptions",
            "vdmOptions",
        )
        if call.inputs.get(key) is not None
    }
    call.api(
        "sesv2",
        "create_configuration_set",
        ConfigurationSetName=name,
        Tags=tag_list(call.get("tags")),
        **options,
    )
    return ses_resource(call, "configuration-set", name)


def _event_destination(call: Call) -> Created:
    set_name, name = call.need("configurationSetName"), call.need("eventDestinationName")
    call.api(
        "sesv2",
        "create_configuration_set_event_destination",
        ConfigurationSetName=set_name,
        EventDestinationName=name,
        EventDestination=pascal(call.need("eventDestination")),
    )
    return Created(physical=f"event-destination:{call.region}:{set_name}/{name}")


def _email_identity(call: Call) -> Created:
    identity = call.need("emailIdentity")
    call.api(
        "sesv2",
        "create_email_identity",
        EmailIdentity=identity,
        ConfigurationSetName=call.get("configurationSetName"),
        DkimSigningAttributes=pascal(call.get("dkimSigningAttributes")),
        Tags=tag_list(call.get("tags")),
    )
    return ses_resource(call, "identity", identity)


def _mail_from(call: Call) -> Created:
    identity = call.need("emailIdentity")
    call.api(
        "sesv2",
        "put_email_identity_mail_from_attributes",
        EmailIdentity=identity,
        MailFromDomain=call.get("mailFromDomain"),
        BehaviorOnMxFailure=call.get("behaviorOnMxFailure"),
    )
    return Created(physical=f"mail-from:{call.region}:{identity}")


def _feedback_attributes(call: Call) -> Created:
    identity = call.need("emailIdentity")
    call.api(
        "sesv2",
        "put_email_identity_feedback_attributes",
        EmailIdentity=identity,
        EmailForwardingEnabled=call.get("emailForwardingEnabled"),
    )
    return Created(physical=f"feedback-attributes:{call.region}:{identity}")


def _account_suppression(call: Call) -> Created:
    call.api(
        "sesv2",
        "put_account_suppression_attributes",
        SuppressedReasons=call.need("suppressedReasons"),
    )
    return Created(physical=f"account-suppression:{call.region}")


# --- Route 53 --------------------------------------------------------------------------------


def _zone_name(record: str, stand_in_zone_id: str) -> str:
    """The zone the plan looked up: the suffix of the record name whose mock zone id matches
    (the mocks derive it from the name); a zone id given in config matches none, and then the
    record's parent domain is used."""
    labels = record.rstrip(".").split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if "Z" + stable_hex("zone", candidate, length=20).upper() == stand_in_zone_id:
            return candidate
    return ".".join(labels[1:])


def _zone_id(call: Call, record: str, stand_in_zone_id: str) -> str:
    zone = _zone_name(record, stand_in_zone_id)
    account = call.account
    if zone not in account.zones:
        route53 = account.client("route53", call.region)
        created = account.setup(
            lambda: route53.create_hosted_zone(Name=zone, CallerReference=f"replay-{zone}")
        )
        account.zones[zone] = created["HostedZone"]["Id"].rsplit("/", 1)[-1]
    return account.zones[zone]


def _txt(value: str) -> str:
    # the provider quotes a TXT value; its '""' splits (long DKIM keys) stay as they are
    return value if value.startswith('"') else f'"{value}"'


def _record(call: Call) -> Created:
    name, kind = call.need("name"), call.need("type")
    zone_id = _zone_id(call, name, call.need("zoneId"))
    values = [_txt(v) if kind == "TXT" else v for v in call.need("records")]
    action = "UPSERT" if call.get("allowOverwrite") else "CREATE"
    record_set = {
        "Name": name,
        "Type": kind,
        "TTL": int(call.need("ttl")),
        "ResourceRecords": [{"Value": value} for value in values],
    }
    call.api(
        "route53",
        "change_resource_record_sets",
        HostedZoneId=zone_id,
        ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": record_set}]},
    )
    record_id = f"{zone_id}_{name}_{kind}"
    return Created(physical=f"record:{record_id}", outputs={"id": record_id})


# --- IAM -------------------------------------------------------------------------------------


def _user(call: Call) -> Created:
    user = call.api(
        "iam",
        "create_user",
        UserName=call.need("name"),
        Path=call.get("path"),
        Tags=tag_list(call.get("tags")),
    )["User"]
    return Created(physical=user["Arn"], outputs={"id": user["UserName"], "arn": user["Arn"]})


def _group(call: Call) -> Created:
    group = call.api("iam", "create_group", GroupName=call.need("name"), Path=call.get("path"))
    group = group["Group"]
    return Created(physical=group["Arn"], outputs={"id": group["GroupName"], "arn": group["Arn"]})


def _user_policy(call: Call) -> Created:
    user, name = call.need("user"), call.need("name")
    call.api(
        "iam",
        "put_user_policy",
        UserName=user,
        PolicyName=name,
        PolicyDocument=call.need("policy"),
    )
    return Created(physical=f"user-policy:{user}:{name}", outputs={"id": f"{user}:{name}"})


def _group_policy(call: Call) -> Created:
    group, name = call.need("group"), call.need("name")
    call.api(
        "iam",
        "put_group_policy",
        GroupName=group,
        PolicyName=name,
        PolicyDocument=call.need("policy"),
    )
    return Created(physical=f"group-policy:{group}:{name}", outputs={"id": f"{group}:{name}"})


def _membership(call: Call) -> Created:
    user, groups = call.need("user"), call.need("groups")
    for group in groups:
        call.api("iam", "add_user_to_group", UserName=user, GroupName=group)
    return Created(physical=f"membership:{user}:{','.join(groups)}")


def _access_key(call: Call) -> Created:
    key = call.api("iam", "create_access_key", UserName=call.need("user"))["AccessKey"]
    call.get("status")  # Active is the default; Inactive would be a second call
    return Created(physical=key["AccessKeyId"], outputs={"id": key["AccessKeyId"]})


# --- Secrets Manager, CloudWatch -------------------------------------------------------------


def _secret(call: Call) -> Created:
    call.get("recoveryWindowInDays")  # used by the delete only
    secret = call.api(
        "secretsmanager",
        "create_secret",
        Name=call.need("name"),
        Description=call.get("description"),
        KmsKeyId=call.get("kmsKeyId"),
        Tags=tag_list(call.get("tags")),
    )
    return Created(physical=secret["ARN"], outputs={"id": secret["ARN"], "arn": secret["ARN"]})


def _secret_version(call: Call) -> Created:
    version = call.api(
        "secretsmanager",
        "put_secret_value",
        SecretId=call.need("secretId"),
        SecretString=call.get("secretString"),
    )
    version_id = f"{version['ARN']}|{version['VersionId']}"
    return Created(
        physical=version_id, outputs={"id": version_id, "versionId": version["VersionId"]}
    )


_ALARM_KEYS = {
    "comparisonOperator": "ComparisonOperator",
    "metricName": "MetricName",
    "namespace": "Namespace",
    "statistic": "Statistic",
    "threshold": "Threshold",
    "alarmActions": "AlarmActions",
    "okActions": "OKActions",
    "insufficientDataActions": "InsufficientDataActions",
    "treatMissingData": "TreatMissingData",
    "alarmDescription": "AlarmDescription",
    "actionsEnabled": "ActionsEnabled",
}


def _alarm(call: Call) -> Created:
    name = call.need("name")
    arguments = {api: call.get(key) for key, api in _ALARM_KEYS.items()}
    for key, api in (("evaluationPeriods", "EvaluationPeriods"), ("period", "Period")):
        arguments[api] = int(call.need(key))
    if (points := call.get("datapointsToAlarm")) is not None:
        arguments["DatapointsToAlarm"] = int(points)
    if dimensions := call.get("dimensions"):
        arguments["Dimensions"] = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    call.api(
        "cloudwatch",
        "put_metric_alarm",
        AlarmName=name,
        Tags=tag_list(call.get("tags")),
        **arguments,
    )
    alarms = call.api("cloudwatch", "describe_alarms", AlarmNames=[name])["MetricAlarms"]
    arn = alarms[0]["AlarmArn"]
    return Created(physical=arn, outputs={"id": name, "arn": arn})


def _dashboard(call: Call) -> Created:
    name = call.need("dashboardName")
    body = call.need("dashboardBody")
    call.api("cloudwatch", "put_dashboard", DashboardName=name, DashboardBody=body)
    arn = call.api("cloudwatch", "get_dashboard", DashboardName=name)["DashboardArn"]
    return Created(physical=arn, outputs={"id": name, "dashboardArn": arn})


HANDLERS: dict[str, Callable[[Call], Created]] = {
    "aws:kms/key:Key": _kms_key,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicPolicy:TopicPolicy": _topic_policy,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:sqs/queue:Queue": _queue,
    "aws:sqs/queuePolicy:QueuePolicy": _queue_policy,
    "aws:lambda/permission:Permission": _lambda_permission,
    "aws:sesv2/configurationSet:ConfigurationSet": _configuration_set,
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": (
        _event_destination
    ),
    "aws:sesv2/emailIdentity:EmailIdentity": _email_identity,
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": _mail_from,
    "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes": (
        _feedback_attributes
    ),
    "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes": _account_suppression,
    "aws:route53/record:Record": _record,
    "aws:iam/user:User": _user,
    "aws:iam/group:Group": _group,
    "aws:iam/userPolicy:UserPolicy": _user_policy,
    "aws:iam/groupPolicy:GroupPolicy": _group_policy,
    "aws:iam/userGroupMembership:UserGroupMembership": _membership,
    "aws:iam/accessKey:AccessKey": _access_key,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:secretsmanager/secretVersion:SecretVersion": _secret_version,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
}
"""Type token -> the create call(s) the provider makes for it."""
