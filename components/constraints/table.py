"""The limits of each resource type the program declares: botocore members and cited entries.

``MODEL_MEMBERS`` maps an input to the API member the provider sends it as; its limits are read
from botocore's model when ``constraints()`` runs, never copied. ``TABLE`` holds the limits the
model does not carry, each citing its source. ``UNIQUENESS`` gives each physical name's scope.
No Pulumi import.
"""

# ruff: noqa: E501
# one entry a line: the table reads as a table
from __future__ import annotations

import functools

from ..api_limits import member_shape, shape_limits
from ..regions import ses_regions
from .model import Constraint, Kind, Origin, Scope, Uniqueness

_DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
_IAM_USER = "aws:iam/user:User"
_IAM_GROUP = "aws:iam/group:Group"
_USER_POLICY = "aws:iam/userPolicy:UserPolicy"
_GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
_IAM_ROLE = "aws:iam/role:Role"
_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
_KMS_KEY = "aws:kms/key:Key"
_RECORD = "aws:route53/record:Record"
_SECRET = "aws:secretsmanager/secret:Secret"
_CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
_DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
_ENDPOINT = "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint"
_FEEDBACK = "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
_MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
_IDENTITY_POLICY = "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy"
_SUPPRESSION = "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes"
_CONTACT_LIST = "aws:sesv2/contactList:ContactList"
_POOL = "aws:sesv2/dedicatedIpPool:DedicatedIpPool"
_VDM = "aws:sesv2/accountVdmAttributes:AccountVdmAttributes"
_TENANT = "aws:sesv2/tenant:Tenant"
_ASSOCIATION = "aws:sesv2/tenantResourceAssociation:TenantResourceAssociation"
_TOPIC = "aws:sns/topic:Topic"
_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
_QUEUE = "aws:sqs/queue:Queue"
_PERMISSION = "aws:lambda/permission:Permission"
_PARAMETER = "aws:ssm/parameter:Parameter"
_CLOUDFLARE_RECORD = "cloudflare:index/dnsRecord:DnsRecord"

_DIMENSIONS = "eventDestination.cloudWatchDestination.dimensionConfigurations[]"
_RRSET = "ChangeBatch.Changes.ResourceRecordSet"

MODEL_MEMBERS: tuple[tuple[str, str, str, str, str], ...] = (
    # (type, input path, botocore service, operation, member)
    (_ALARM, "name", "cloudwatch", "PutMetricAlarm", "AlarmName"),
    (_ALARM, "alarmDescription", "cloudwatch", "PutMetricAlarm", "AlarmDescription"),
    (_ALARM, "namespace", "cloudwatch", "PutMetricAlarm", "Namespace"),
    (_ALARM, "metricName", "cloudwatch", "PutMetricAlarm", "MetricName"),
    (_ALARM, "statistic", "cloudwatch", "PutMetricAlarm", "Statistic"),
    (_ALARM, "comparisonOperator", "cloudwatch", "PutMetricAlarm", "ComparisonOperator"),
    (_ALARM, "period", "cloudwatch", "PutMetricAlarm", "Period"),
    (_ALARM, "evaluationPeriods", "cloudwatch", "PutMetricAlarm", "EvaluationPeriods"),
    (_ALARM, "datapointsToAlarm", "cloudwatch", "PutMetricAlarm", "DatapointsToAlarm"),
    (_ALARM, "alarmActions[]", "cloudwatch", "PutMetricAlarm", "AlarmActions"),
    (_ALARM, "okActions[]", "cloudwatch", "PutMetricAlarm", "OKActions"),
    (_IAM_USER, "name", "iam", "CreateUser", "UserName"),
    (_IAM_USER, "path", "iam", "CreateUser", "Path"),
    (_IAM_GROUP, "name", "iam", "CreateGroup", "GroupName"),
    (_IAM_GROUP, "path", "iam", "CreateGroup", "Path"),
    (_USER_POLICY, "name", "iam", "PutUserPolicy", "PolicyName"),
    (_USER_POLICY, "user", "iam", "PutUserPolicy", "UserName"),
    (_USER_POLICY, "policy", "iam", "PutUserPolicy", "PolicyDocument"),
    (_GROUP_POLICY, "name", "iam", "PutGroupPolicy", "PolicyName"),
    (_GROUP_POLICY, "group", "iam", "PutGroupPolicy", "GroupName"),
    (_GROUP_POLICY, "policy", "iam", "PutGroupPolicy", "PolicyDocument"),
    (_IAM_ROLE, "name", "iam", "CreateRole", "RoleName"),
    (_IAM_ROLE, "path", "iam", "CreateRole", "Path"),
    (_IAM_ROLE, "assumeRolePolicy", "iam", "CreateRole", "AssumeRolePolicyDocument"),
    (_IAM_ROLE, "description", "iam", "CreateRole", "Description"),
    (_IAM_ROLE, "maxSessionDuration", "iam", "CreateRole", "MaxSessionDuration"),
    (_ROLE_POLICY, "name", "iam", "PutRolePolicy", "PolicyName"),
    (_ROLE_POLICY, "role", "iam", "PutRolePolicy", "RoleName"),
    (_ROLE_POLICY, "policy", "iam", "PutRolePolicy", "PolicyDocument"),
    ("aws:iam/accessKey:AccessKey", "user", "iam", "CreateAccessKey", "UserName"),
    ("aws:iam/userGroupMembership:UserGroupMembership", "user", "iam", "AddUserToGroup", "UserName"),
    ("aws:iam/userGroupMembership:UserGroupMembership", "groups[]", "iam", "AddUserToGroup", "GroupName"),
    (_KMS_KEY, "description", "kms", "CreateKey", "Description"),
    (_KMS_KEY, "policy", "kms", "CreateKey", "Policy"),
    (_KMS_KEY, "keyUsage", "kms", "CreateKey", "KeyUsage"),
    (_KMS_KEY, "customerMasterKeySpec", "kms", "CreateKey", "KeySpec"),
    (_RECORD, "name", "route53", "ChangeResourceRecordSets", f"{_RRSET}.Name"),
    (_RECORD, "type", "route53", "ChangeResourceRecordSets", f"{_RRSET}.Type"),
    (_RECORD, "ttl", "route53", "ChangeResourceRecordSets", f"{_RRSET}.TTL"),
    (_RECORD, "records[]", "route53", "ChangeResourceRecordSets", f"{_RRSET}.ResourceRecords.Value"),
    (_RECORD, "setIdentifier", "route53", "ChangeResourceRecordSets", f"{_RRSET}.SetIdentifier"),
    (_RECORD, "zoneId", "route53", "ChangeResourceRecordSets", "HostedZoneId"),
    (_SECRET, "name", "secretsmanager", "CreateSecret", "Name"),
    (_SECRET, "description", "secretsmanager", "CreateSecret", "Description"),
    (_SECRET, "kmsKeyId", "secretsmanager", "CreateSecret", "KmsKeyId"),
    ("aws:secretsmanager/secretVersion:SecretVersion", "secretId", "secretsmanager", "PutSecretValue", "SecretId"),
    (_CONFIGURATION_SET, "deliveryOptions.tlsPolicy", "sesv2", "CreateConfigurationSet", "DeliveryOptions.TlsPolicy"),
    (_CONFIGURATION_SET, "deliveryOptions.maxDeliverySeconds", "sesv2", "CreateConfigurationSet", "DeliveryOptions.MaxDeliverySeconds"),
    (_CONFIGURATION_SET, "suppressionOptions.suppressedReasons[]", "sesv2", "CreateConfigurationSet", "SuppressionOptions.SuppressedReasons"),
    (_DESTINATION, "eventDestination.matchingEventTypes[]", "sesv2", "CreateConfigurationSetEventDestination", "EventDestination.MatchingEventTypes"),
    (_DESTINATION, f"{_DIMENSIONS}.dimensionValueSource", "sesv2", "CreateConfigurationSetEventDestination", "EventDestination.CloudWatchDestination.DimensionConfigurations.DimensionValueSource"),
    (_IDENTITY, "emailIdentity", "sesv2", "CreateEmailIdentity", "EmailIdentity"),
    (_IDENTITY, "dkimSigningAttributes.domainSigningSelector", "sesv2", "CreateEmailIdentity", "DkimSigningAttributes.DomainSigningSelector"),
    (_IDENTITY, "dkimSigningAttributes.nextSigningKeyLength", "sesv2", "CreateEmailIdentity", "DkimSigningAttributes.NextSigningKeyLength"),
    (_MAIL_FROM, "behaviorOnMxFailure", "sesv2", "PutEmailIdentityMailFromAttributes", "BehaviorOnMxFailure"),
    (_IDENTITY_POLICY, "emailIdentity", "sesv2", "CreateEmailIdentityPolicy", "EmailIdentity"),
    (_IDENTITY_POLICY, "policyName", "sesv2", "CreateEmailIdentityPolicy", "PolicyName"),
    (_IDENTITY_POLICY, "policy", "sesv2", "CreateEmailIdentityPolicy", "Policy"),
    (_ENDPOINT, "endpointName", "sesv2", "CreateMultiRegionEndpoint", "EndpointName"),
    (_SUPPRESSION, "suppressedReasons[]", "sesv2", "PutAccountSuppressionAttributes", "SuppressedReasons"),
    (_CONTACT_LIST, "topics[].defaultSubscriptionStatus", "sesv2", "CreateContactList", "Topics.DefaultSubscriptionStatus"),
    (_POOL, "scalingMode", "sesv2", "CreateDedicatedIpPool", "ScalingMode"),
    (_VDM, "vdmEnabled", "sesv2", "PutAccountVdmAttributes", "VdmAttributes.VdmEnabled"),
    (_VDM, "dashboardAttributes.engagementMetrics", "sesv2", "PutAccountVdmAttributes", "VdmAttributes.DashboardAttributes.EngagementMetrics"),
    (_VDM, "guardianAttributes.optimizedSharedDelivery", "sesv2", "PutAccountVdmAttributes", "VdmAttributes.GuardianAttributes.OptimizedSharedDelivery"),
    (_TENANT, "tenantName", "sesv2", "CreateTenant", "TenantName"),
    (_ASSOCIATION, "tenantName", "sesv2", "CreateTenantResourceAssociation", "TenantName"),
    (_ASSOCIATION, "resourceArn", "sesv2", "CreateTenantResourceAssociation", "ResourceArn"),
    (_PERMISSION, "statementId", "lambda", "AddPermission", "StatementId"),
    (_PERMISSION, "function", "lambda", "AddPermission", "FunctionName"),
    (_PERMISSION, "action", "lambda", "AddPermission", "Action"),
    (_PERMISSION, "principal", "lambda", "AddPermission", "Principal"),
    (_PERMISSION, "sourceArn", "lambda", "AddPermission", "SourceArn"),
    (_PARAMETER, "name", "ssm", "PutParameter", "Name"),
    (_PARAMETER, "type", "ssm", "PutParameter", "Type"),
    (_PARAMETER, "tier", "ssm", "PutParameter", "Tier"),
    (_PARAMETER, "description", "ssm", "PutParameter", "Description"),
)  # fmt: skip

_SQS_API = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html"
_SQS_PROVIDER = "terraform-provider-aws internal/service/sqs/queue.go"
_SES_SET = "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSet.html"
_SES_ENDPOINT = (
    "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateMultiRegionEndpoint.html"
)
_SES_DIMENSION = "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CloudWatchDimensionConfiguration.html"
_SES_IDENTITY_POLICY = (
    "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentityPolicy.html"
)
_IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
_CFN_LIST = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ses-contactlist.html"
_CFN_TOPIC = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ses-contactlist-topic.html"
_CFN_POOL = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ses-dedicatedippool.html"
_SES_TENANT = "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateTenant.html"
_CLOUDFLARE_DNS = (
    "https://developers.cloudflare.com/api/resources/dns/subresources/records/methods/create/"
)


_T = Origin.TABLE
_L, _P, _R, _E = Kind.LENGTH, Kind.PATTERN, Kind.RANGE, Kind.ENUM

TABLE: tuple[Constraint, ...] = (
    Constraint(type=_QUEUE, property="name", kind=_L, minimum=1, maximum=80, origin=_T, source=_SQS_PROVIDER),
    Constraint(type=_QUEUE, property="name", kind=_P, pattern=r"[A-Za-z0-9_-]+(\.fifo)?", origin=_T, source=_SQS_PROVIDER),
    Constraint(type=_QUEUE, property="messageRetentionSeconds", kind=_R, minimum=60, maximum=1209600, origin=_T, source=_SQS_API),
    Constraint(type=_QUEUE, property="delaySeconds", kind=_R, minimum=0, maximum=900, origin=_T, source=_SQS_API),
    Constraint(type=_QUEUE, property="visibilityTimeoutSeconds", kind=_R, minimum=0, maximum=43200, origin=_T, source=_SQS_API),
    Constraint(type=_QUEUE, property="receiveWaitTimeSeconds", kind=_R, minimum=0, maximum=20, origin=_T, source=_SQS_API),
    Constraint(type=_TOPIC, property="name", kind=_L, minimum=1, maximum=256, origin=_T, source="https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"),
    Constraint(type=_TOPIC, property="name", kind=_P, pattern=r"[A-Za-z0-9_-]+(\.fifo)?", origin=_T, source="https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"),
    Constraint(type=_SUBSCRIPTION, property="protocol", kind=_E, allowed=("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"), origin=_T, source="https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"),
    Constraint(type=_DASHBOARD, property="dashboardName", kind=_L, minimum=1, maximum=255, origin=_T, source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"),
    Constraint(type=_DASHBOARD, property="dashboardName", kind=_P, pattern=r"[A-Za-z0-9_-]+", origin=_T, source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"),
    Constraint(type=_ALARM, property="treatMissingData", kind=_E, allowed=("breaching", "notBreaching", "ignore", "missing"), origin=_T, source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"),
    Constraint(type=_SECRET, property="recoveryWindowInDays", kind=_R, minimum=7, maximum=30, also=(0,), origin=_T, source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html"),
    Constraint(type=_KMS_KEY, property="deletionWindowInDays", kind=_R, minimum=7, maximum=30, origin=_T, source="https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html"),
    Constraint(type=_CONFIGURATION_SET, property="configurationSetName", kind=_P, pattern=r"[A-Za-z0-9_-]{1,64}", origin=_T, source=_SES_SET),
    Constraint(type=_IDENTITY, property="configurationSetName", kind=_P, pattern=r"[A-Za-z0-9_-]{1,64}", origin=_T, source=_SES_SET),
    Constraint(type=_DESTINATION, property="configurationSetName", kind=_P, pattern=r"[A-Za-z0-9_-]{1,64}", origin=_T, source=_SES_SET),
    Constraint(type=_DESTINATION, property="eventDestinationName", kind=_P, pattern=r"[A-Za-z0-9_-]{1,64}", origin=_T, source="https://docs.aws.amazon.com/ses/latest/APIReference/API_EventDestination.html"),
    Constraint(type=_DESTINATION, property=f"{_DIMENSIONS}.dimensionName", kind=_P, pattern=r"[A-Za-z0-9_:-]{1,256}", origin=_T, source=_SES_DIMENSION),
    Constraint(type=_DESTINATION, property=f"{_DIMENSIONS}.defaultDimensionValue", kind=_P, pattern=r"[A-Za-z0-9_.@-]{1,256}", origin=_T, source=_SES_DIMENSION),
    Constraint(type=_IDENTITY_POLICY, property="policyName", kind=_P, pattern=r"[A-Za-z0-9_-]+", origin=_T, source=_SES_IDENTITY_POLICY),
    Constraint(type=_IDENTITY_POLICY, property="policy", kind=_L, minimum=1, maximum=4096, origin=_T, source=_SES_IDENTITY_POLICY),
    Constraint(type=_IAM_ROLE, property="assumeRolePolicy", kind=_L, minimum=1, maximum=2048, origin=_T, source=_IAM_QUOTAS),
    Constraint(type=_ENDPOINT, property="details.routesDetails.region", kind=_E, allowed=tuple(sorted(ses_regions())), origin=_T, source="https://docs.aws.amazon.com/ses/latest/dg/global-endpoints.html"),
    Constraint(type=_CONTACT_LIST, property="contactListName", kind=_P, pattern=r"[A-Za-z0-9_-]{1,64}", origin=_T, source=_CFN_LIST),
    Constraint(type=_CONTACT_LIST, property="description", kind=_L, minimum=0, maximum=500, origin=_T, source=_CFN_LIST),
    Constraint(type=_CONTACT_LIST, property="topics[].topicName", kind=_P, pattern=r"[A-Za-z0-9_-]{1,64}", origin=_T, source=_CFN_TOPIC),
    Constraint(type=_CONTACT_LIST, property="topics[].displayName", kind=_L, minimum=0, maximum=128, origin=_T, source=_CFN_TOPIC),
    Constraint(type=_CONTACT_LIST, property="topics[].description", kind=_L, minimum=0, maximum=500, origin=_T, source=_CFN_TOPIC),
    Constraint(type=_POOL, property="poolName", kind=_P, pattern=r"[a-z0-9_-]{0,64}", origin=_T, source=_CFN_POOL),
    Constraint(type=_CONFIGURATION_SET, property="deliveryOptions.sendingPoolName", kind=_P, pattern=r"[a-z0-9_-]{0,64}", origin=_T, source=_CFN_POOL),
    Constraint(type=_TENANT, property="tenantName", kind=_P, pattern=r"[A-Za-z0-9_-]{1,64}", origin=_T, source=_SES_TENANT),
    Constraint(type=_ASSOCIATION, property="tenantName", kind=_P, pattern=r"[A-Za-z0-9_-]{1,64}", origin=_T, source=_SES_TENANT),
    Constraint(type=_CLOUDFLARE_RECORD, property="ttl", kind=_R, minimum=60, maximum=86400, also=(1,), origin=_T, source=_CLOUDFLARE_DNS),
    Constraint(type=_CLOUDFLARE_RECORD, property="name", kind=_L, minimum=1, maximum=255, origin=_T, source=_CLOUDFLARE_DNS),
)  # fmt: skip

_IAM_UNIQUE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names"

UNIQUENESS: tuple[Uniqueness, ...] = (
    Uniqueness(type=_DASHBOARD, name=("dashboardName",), scope=Scope.ACCOUNT, source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html"),
    Uniqueness(type=_ALARM, name=("name",), scope=Scope.REGION, source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"),
    Uniqueness(type=_IAM_USER, name=("name",), scope=Scope.ACCOUNT, case_insensitive=True, source=_IAM_UNIQUE),
    Uniqueness(type=_IAM_GROUP, name=("name",), scope=Scope.ACCOUNT, case_insensitive=True, source=_IAM_UNIQUE),
    Uniqueness(type=_IAM_ROLE, name=("name",), scope=Scope.ACCOUNT, case_insensitive=True, source=_IAM_UNIQUE),
    Uniqueness(type=_ROLE_POLICY, name=("name",), scope=Scope.WITHIN, within=("role",), source=_IAM_UNIQUE),
    Uniqueness(type=_USER_POLICY, name=("name",), scope=Scope.WITHIN, within=("user",), source=_IAM_UNIQUE),
    Uniqueness(type=_GROUP_POLICY, name=("name",), scope=Scope.WITHIN, within=("group",), source=_IAM_UNIQUE),
    Uniqueness(type=_SECRET, name=("name",), scope=Scope.REGION, source="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"),
    Uniqueness(type=_PARAMETER, name=("name",), scope=Scope.REGION, source="https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html"),
    Uniqueness(type=_QUEUE, name=("name",), scope=Scope.REGION, source=_SQS_PROVIDER),
    Uniqueness(type=_TOPIC, name=("name",), scope=Scope.REGION, source="https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"),
    Uniqueness(type=_CONFIGURATION_SET, name=("configurationSetName",), scope=Scope.REGION, source=_SES_SET),
    Uniqueness(type=_DESTINATION, name=("eventDestinationName",), scope=Scope.WITHIN, within=("region", "configurationSetName"), source="https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSetEventDestination.html"),
    Uniqueness(type=_IDENTITY, name=("emailIdentity",), scope=Scope.REGION, case_insensitive=True, source="https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentity.html"),
    Uniqueness(type=_FEEDBACK, name=("emailIdentity",), scope=Scope.REGION, case_insensitive=True, source="https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_PutEmailIdentityFeedbackAttributes.html"),
    Uniqueness(type=_ENDPOINT, name=("endpointName",), scope=Scope.REGION, source=_SES_ENDPOINT),
    Uniqueness(type=_MAIL_FROM, name=("emailIdentity",), scope=Scope.REGION, case_insensitive=True, source="https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_PutEmailIdentityMailFromAttributes.html"),
    Uniqueness(type=_IDENTITY_POLICY, name=("policyName",), scope=Scope.WITHIN, within=("region", "emailIdentity"), case_insensitive=False, source=_SES_IDENTITY_POLICY),
    Uniqueness(type=_SUPPRESSION, name=(), scope=Scope.REGION, source="https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_PutAccountSuppressionAttributes.html"),
    Uniqueness(type=_CONTACT_LIST, name=(), scope=Scope.REGION, source="https://docs.aws.amazon.com/ses/latest/dg/sending-email-list-management.html"),
    Uniqueness(type=_VDM, name=(), scope=Scope.REGION, source="https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_PutAccountVdmAttributes.html"),
    Uniqueness(type=_POOL, name=("poolName",), scope=Scope.REGION, source="https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateDedicatedIpPool.html"),
    Uniqueness(type=_TENANT, name=("tenantName",), scope=Scope.REGION, source=_SES_TENANT),
    Uniqueness(type=_ASSOCIATION, name=("tenantName", "resourceArn"), scope=Scope.REGION, source="https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateTenantResourceAssociation.html"),
    Uniqueness(type=_PERMISSION, name=("statementId",), scope=Scope.WITHIN, within=("region", "function"), source="https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html"),
    Uniqueness(type=_RECORD, name=("name", "type", "setIdentifier"), scope=Scope.WITHIN, within=("zoneId",), case_insensitive=True, source="https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html"),
    Uniqueness(type=_CLOUDFLARE_RECORD, name=("name", "type", "content"), scope=Scope.WITHIN, within=("zoneId",), case_insensitive=True, source=_CLOUDFLARE_DNS),
)  # fmt: skip


IMPORT_IDS: dict[str, tuple[str, str]] = {
    _IDENTITY: ("emailIdentity", "pulumi-aws sesv2.EmailIdentity, Import: the email_identity"),
    _MAIL_FROM: ("emailIdentity", "pulumi-aws sesv2.EmailIdentityMailFromAttributes, Import: the email_identity"),
    _CONFIGURATION_SET: ("configurationSetName", "pulumi-aws sesv2.ConfigurationSet, Import: the configuration_set_name"),
}  # fmt: skip
"""Per type a stack may adopt: the input its import id is, so the id names the very resource
the program declares."""


def model_constraints(
    type_: str, path: str, service: str, operation: str, member: str
) -> tuple[Constraint, ...]:
    """The limits botocore's model of ``service`` gives ``operation``'s ``member``, as
    constraints on ``type_``'s input ``path`` (none when the model carries none)."""
    shape = member_shape(service, operation, member)
    limits = shape_limits(service, shape.name)
    source = f"botocore {service} {operation} {member} (shape {shape.name})"
    numeric = shape.type in {"integer", "long", "double", "float"}
    found: list[Constraint] = []
    if limits.min is not None or limits.max is not None:
        found.append(
            Constraint(
                type=type_,
                property=path,
                kind=Kind.RANGE if numeric else Kind.LENGTH,
                minimum=limits.min,
                maximum=limits.max,
                origin=Origin.BOTOCORE,
                source=source,
            )
        )
    if limits.pattern is not None:
        found.append(
            Constraint(
                type=type_,
                property=path,
                kind=Kind.PATTERN,
                pattern=limits.pattern,
                origin=Origin.BOTOCORE,
                source=source,
            )
        )
    if limits.enum:
        found.append(
            Constraint(
                type=type_,
                property=path,
                kind=Kind.ENUM,
                allowed=limits.enum,
                origin=Origin.BOTOCORE,
                source=source,
            )
        )
    return tuple(found)


@functools.cache
def constraints() -> tuple[Constraint, ...]:
    """Every constraint: botocore's, read now, then the table's."""
    from_model = [c for member in MODEL_MEMBERS for c in model_constraints(*member)]
    return (*from_model, *TABLE)
