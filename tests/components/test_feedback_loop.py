"""The feedback loop under the SDK's mock runtime: every resource's inputs, every policy.

Each program runs inside a ``@pulumi.runtime.test`` function that returns the stack outputs as
an Output (so asserting on them happens inside the runtime); the recorded declarations are then
checked once the runtime has waited for every registration.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import botocore.session
import parliament
import pytest

from components.feedback.policies import lambda_invoke_statement
from components.physical_names import lambda_statement_id
from components.plan.mocks import ACCOUNT_ID, DeclaredResource
from tests.support.harness import Evaluation, evaluate, fresh_event_loop

SESV2 = botocore.session.get_session().get_service_model("sesv2")
REGION = "eu-west-1"
SET_ARN = f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:configuration-set/example-com"
LAMBDA_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:bounce-processor"
EXTERNAL_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:external"

FULL_LOOP: dict[str, Any] = {
    "domains": [{"name": "example.com", "dns": {"provider": "external"}}],
    "tags": {"project": "ses"},
    "feedback": {
        "kms": {"enabled": True},
        "maxDeliverySeconds": 3600,
        "tracking": {"customRedirectDomain": "track.example.com", "httpsPolicy": "REQUIRE"},
        "vdm": {"engagementMetrics": "ENABLED", "optimizedSharedDelivery": "DISABLED"},
        "topics": {
            "bounce": {
                "queue": {"enabled": True, "maxReceiveCount": 3},
                "subscriptions": [
                    {"protocol": "lambda", "endpoint": LAMBDA_ARN},
                    {"protocol": "https", "endpoint": "https://hooks.example.com/ses"},
                ],
            },
            "complaint": {
                "queue": {},
                "subscriptions": [{"protocol": "email", "endpoint": "abuse@example.com"}],
            },
            "delivery": {"subscriptions": [{"protocol": "sqs", "endpoint": EXTERNAL_QUEUE}]},
        },
        "cloudWatch": {
            "dimensions": [
                {"name": "ses:from-domain", "defaultValue": "none"},
                {"name": "campaign", "source": "MESSAGE_TAG", "defaultValue": "none"},
            ]
        },
        "eventBridge": {"events": ["SEND", "DELIVERY_DELAY", "SUBSCRIPTION"]},
        "tags": {"team": "mail"},
    },
    "alarms": {
        "subscriptions": [{"protocol": "email", "endpoint": "oncall@example.com"}],
        "dashboard": True,
    },
    "accountSuppression": {"suppressedReasons": ["BOUNCE", "COMPLAINT"]},
}


def declare(values: dict[str, Any]) -> Evaluation:
    """Run the stack program for ``values`` under mocks; the declarations and resolved outputs."""
    result = evaluate(values, aws_region=REGION)
    assert "configuration_sets" in result.outputs and "reputation_alarms" in result.outputs
    return result


@pytest.fixture(scope="module")
def full() -> Evaluation:
    return declare(FULL_LOOP)


def policy_of(resource: DeclaredResource) -> dict[str, Any]:
    return json.loads(resource.inputs["policy"])


def statements(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert policy["Version"] == "2012-10-17"
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert len(by_sid) == len(policy["Statement"])
    return by_sid


# --- the configuration set -------------------------------------------------------------------


def test_configuration_set_inputs(full: Evaluation) -> None:
    (cs,) = full.of_type("aws:sesv2/configurationSet:ConfigurationSet")
    assert cs.parent == "cs-example-com"
    assert cs.inputs == {
        "configurationSetName": "example-com",
        "deliveryOptions": {"tlsPolicy": "REQUIRE", "maxDeliverySeconds": 3600},
        "reputationOptions": {"reputationMetricsEnabled": True},
        "sendingOptions": {"sendingEnabled": True},
        "suppressionOptions": {"suppressedReasons": ["BOUNCE", "COMPLAINT"]},
        "trackingOptions": {"customRedirectDomain": "track.example.com", "httpsPolicy": "REQUIRE"},
        "vdmOptions": {
            "dashboardOptions": {"engagementMetrics": "ENABLED"},
            "guardianOptions": {"optimizedSharedDelivery": "DISABLED"},
        },
        "tags": {"project": "ses", "team": "mail"},
        "region": REGION,
    }
    assert cs.inputs["deliveryOptions"]["tlsPolicy"] in SESV2.shape_for("TlsPolicy").enum
    for reason in cs.inputs["suppressionOptions"]["suppressedReasons"]:
        assert reason in SESV2.shape_for("SuppressionListReason").enum
    assert cs.inputs["trackingOptions"]["httpsPolicy"] in SESV2.shape_for("HttpsPolicy").enum


def test_identity_uses_its_set_and_forwarding_is_off(
    full: Evaluation,
) -> None:
    identity = full.named("example.com-identity")
    assert identity.inputs["configurationSetName"] == "example-com"
    feedback = full.named("example.com-feedback-attributes")
    assert (
        feedback.type == "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
    )
    assert feedback.parent == "example.com-feedback"
    assert feedback.inputs == {
        "emailIdentity": "example.com",
        "emailForwardingEnabled": False,
        "region": REGION,
    }


def test_event_destinations(full: Evaluation) -> None:
    destinations = {
        d.inputs["eventDestinationName"]: d
        for d in full.of_type(
            "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
        )
    }
    assert set(destinations) == {
        "sns-bounce",
        "sns-complaint",
        "sns-delivery",
        "cloudwatch",
        "eventbridge",
    }
    allowed_events = SESV2.shape_for("EventType").enum
    for name, destination in destinations.items():
        assert destination.inputs["configurationSetName"] == "example-com"
        assert destination.inputs["region"] == REGION
        assert destination.parent == "cs-example-com"
        body = destination.inputs["eventDestination"]
        assert body["enabled"] is True
        assert set(body["matchingEventTypes"]) <= set(allowed_events), name
    for kind in ("bounce", "complaint", "delivery"):
        body = destinations[f"sns-{kind}"].inputs["eventDestination"]
        assert body["matchingEventTypes"] == [kind.upper()]
        assert body["snsDestination"] == {
            "topicArn": f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:example-com-{kind}"
        }
    cloudwatch = destinations["cloudwatch"].inputs["eventDestination"]
    assert cloudwatch["matchingEventTypes"] == ["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY"]
    dimensions = cloudwatch["cloudWatchDestination"]["dimensionConfigurations"]
    assert dimensions == [
        {
            "dimensionName": "ses:from-domain",
            "dimensionValueSource": "MESSAGE_TAG",
            "defaultDimensionValue": "none",
        },
        {
            "dimensionName": "campaign",
            "dimensionValueSource": "MESSAGE_TAG",
            "defaultDimensionValue": "none",
        },
    ]
    for dimension in dimensions:
        assert dimension["dimensionValueSource"] in SESV2.shape_for("DimensionValueSource").enum
    bridge = destinations["eventbridge"].inputs["eventDestination"]
    assert bridge["matchingEventTypes"] == ["SEND", "DELIVERY_DELAY", "SUBSCRIPTION"]
    assert bridge["eventBridgeDestination"] == {
        "eventBusArn": f"arn:aws:events:{REGION}:{ACCOUNT_ID}:event-bus/default"
    }


# --- topics, key, queues: statement by statement ---------------------------------------------


def test_topics_are_encrypted_and_tagged(
    full: Evaluation,
) -> None:
    (key,) = full.of_type("aws:kms/key:Key")
    topics = [t for t in full.of_type("aws:sns/topic:Topic") if t.parent != "reputation-eu-west-1"]
    assert sorted(t.inputs["name"] for t in topics) == [
        "example-com-bounce",
        "example-com-complaint",
        "example-com-delivery",
    ]
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/"
    for topic in topics:
        assert topic.parent == "cs-example-com-topics"
        assert topic.inputs["kmsMasterKeyId"].startswith(key_arn)
        assert topic.inputs["tags"] == {"project": "ses", "team": "mail"}
        assert topic.inputs["region"] == REGION
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    assert key.inputs["tags"] == {"project": "ses", "team": "mail"}


def test_topic_policies_let_only_ses_for_this_set_publish(
    full: Evaluation,
) -> None:
    policies = [
        p for p in full.of_type("aws:sns/topicPolicy:TopicPolicy") if "alerts" not in p.name
    ]
    assert len(policies) == 3
    for resource in policies:
        topic_arn = resource.inputs["arn"]
        assert topic_arn.startswith(f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:example-com-")
        by_sid = statements(policy_of(resource))
        assert set(by_sid) == {"AllowSesPublish", "DenyInsecureTransport"}
        allow = by_sid["AllowSesPublish"]
        assert allow["Effect"] == "Allow"
        assert allow["Principal"] == {"Service": "ses.amazonaws.com"}
        assert allow["Action"] == "sns:Publish"
        assert allow["Resource"] == topic_arn
        assert allow["Condition"] == {
            "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
            "ArnEquals": {"aws:SourceArn": SET_ARN},
        }
        deny = by_sid["DenyInsecureTransport"]
        assert deny["Effect"] == "Deny"
        assert deny["Principal"] == "*"
        assert deny["Action"] == "sns:*", "every SNS action needs TLS, not only Publish"
        assert deny["Resource"] == topic_arn
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_key_policy_lets_ses_use_the_key_and_keeps_the_account_admin(
    full: Evaluation,
) -> None:
    (key,) = full.of_type("aws:kms/key:Key")
    by_sid = statements(policy_of(key))
    assert set(by_sid) == {"EnableAccountAdministration", "AllowSesToEncryptFeedback"}
    admin = by_sid["EnableAccountAdministration"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}
    assert admin["Action"] == "kms:*"
    assert admin["Resource"] == "*"
    assert "Condition" not in admin
    ses = by_sid["AllowSesToEncryptFeedback"]
    assert ses["Effect"] == "Allow"
    assert ses["Principal"] == {"Service": "ses.amazonaws.com"}
    assert ses["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert ses["Resource"] == "*"
    assert ses["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
        "ArnEquals": {"aws:SourceArn": SET_ARN},
    }


def test_queues_with_dead_letter_queues_and_policies(
    full: Evaluation,
) -> None:
    queues = {q.inputs["name"]: q for q in full.of_type("aws:sqs/queue:Queue")}
    assert set(queues) == {
        "example-com-bounce",
        "example-com-bounce-dlq",
        "example-com-complaint",
        "example-com-complaint-dlq",
    }
    for name, queue in queues.items():
        assert queue.inputs["sqsManagedSseEnabled"] is True
        assert queue.inputs["region"] == REGION
        if not name.endswith("-dlq"):
            redrive = json.loads(queue.inputs["redrivePolicy"])
            assert redrive["deadLetterTargetArn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}-dlq"
    assert json.loads(queues["example-com-bounce"].inputs["redrivePolicy"])["maxReceiveCount"] == 3
    for resource in full.of_type("aws:sqs/queuePolicy:QueuePolicy"):
        kind = resource.name.removeprefix("cs-example-com-topics-").removesuffix("-queue-policy")
        queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:example-com-{kind}"
        assert resource.inputs["queueUrl"] == (
            f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/example-com-{kind}"
        )
        by_sid = statements(policy_of(resource))
        allow = by_sid["AllowTopicSend"]
        assert allow["Principal"] == {"Service": "sns.amazonaws.com"}
        assert allow["Action"] == "sqs:SendMessage"
        assert allow["Resource"] == queue_arn
        assert allow["Condition"] == {
            "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
            "ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:example-com-{kind}"},
        }
        deny = by_sid["DenyInsecureTransport"]
        assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "sqs:*")
        assert deny["Resource"] == queue_arn
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    queues_out = full.outputs["configuration_sets"]["example-com"]["queues"]
    assert queues_out["bounce"] == {
        "url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/example-com-bounce",
        "dead_letter_url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/example-com-bounce-dlq",
    }


def test_subscriptions_and_raw_delivery(
    full: Evaluation,
) -> None:
    subscriptions = {
        (s.inputs["protocol"], s.inputs["endpoint"]): s
        for s in full.of_type("aws:sns/topicSubscription:TopicSubscription")
    }
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:example-com-"
    bounce_queue = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:example-com-bounce"
    expected = {
        ("lambda", LAMBDA_ARN): (topic + "bounce", None),
        ("https", "https://hooks.example.com/ses"): (topic + "bounce", False),
        ("sqs", bounce_queue): (topic + "bounce", True),
        ("email", "abuse@example.com"): (topic + "complaint", None),
        ("sqs", bounce_queue.replace("bounce", "complaint")): (topic + "complaint", True),
        ("sqs", EXTERNAL_QUEUE): (topic + "delivery", True),
        ("email", "oncall@example.com"): (
            f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:ses-reputation-alerts",
            None,
        ),
    }
    assert set(subscriptions) == set(expected)
    for key, (topic_arn, raw) in expected.items():
        inputs = subscriptions[key].inputs
        assert inputs["topic"] == topic_arn, key
        assert inputs.get("rawMessageDelivery") is raw, key
        assert inputs["region"] == REGION


def test_lambda_permission_is_limited_to_the_topic(
    full: Evaluation,
) -> None:
    (permission,) = full.of_type("aws:lambda/permission:Permission")
    assert permission.inputs == {
        "action": "lambda:InvokeFunction",
        "function": LAMBDA_ARN,
        "principal": "sns.amazonaws.com",
        "sourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:example-com-bounce",
        "sourceAccount": ACCOUNT_ID,
        "statementId": lambda_statement_id(REGION, "example-com-bounce"),
        "region": REGION,
    }


# --- alarms, dashboard, account suppression --------------------------------------------------


def test_reputation_alarms(full: Evaluation) -> None:
    alarms = {a.inputs["name"]: a for a in full.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    alerts = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:ses-reputation-alerts"
    assert set(alarms) == {"ses-bounce-rate", "ses-complaint-rate"}
    for name, metric, threshold in (
        ("ses-bounce-rate", "Reputation.BounceRate", 0.04),
        ("ses-complaint-rate", "Reputation.ComplaintRate", 0.0008),
    ):
        inputs = alarms[name].inputs
        assert inputs["namespace"] == "AWS/SES"
        assert inputs["metricName"] == metric
        assert inputs["threshold"] == threshold
        assert inputs["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert inputs["alarmActions"] == [alerts] and inputs["okActions"] == [alerts]
        assert inputs["region"] == REGION
        assert inputs["tags"] == {"project": "ses"}
        assert "dimensions" not in inputs  # account-level: what AWS reviews
    assert alarms["ses-bounce-rate"].inputs["threshold"] < 0.05
    assert alarms["ses-complaint-rate"].inputs["threshold"] < 0.001
    (alert_policy,) = [
        p for p in full.of_type("aws:sns/topicPolicy:TopicPolicy") if "alerts" in p.name
    ]
    allow = statements(policy_of(alert_policy))["AllowAlarmPublish"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Action"] == "sns:Publish"
    assert allow["Resource"] == alerts
    assert allow["Condition"]["ArnEquals"]["aws:SourceArn"] == [
        f"arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:ses-bounce-rate",
        f"arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:ses-complaint-rate",
    ]
    assert full.outputs["reputation_alarms"][REGION]["alarm_names"] == [
        "ses-bounce-rate",
        "ses-complaint-rate",
    ]


def test_dashboard(full: Evaluation) -> None:
    (dashboard,) = full.of_type("aws:cloudwatch/dashboard:Dashboard")
    assert dashboard.inputs["dashboardName"] == f"ses-{REGION}"
    body = json.loads(dashboard.inputs["dashboardBody"])
    metrics = [m[1] for widget in body["widgets"] for m in widget["properties"]["metrics"]]
    assert metrics == [
        "Send",
        "Delivery",
        "Bounce",
        "Complaint",
        "Reject",
        "Reputation.BounceRate",
        "Reputation.ComplaintRate",
    ]
    assert all(widget["properties"]["region"] == REGION for widget in body["widgets"])
    assert full.outputs["reputation_alarms"][REGION]["dashboard_name"] == f"ses-{REGION}"


def test_account_suppression_only_when_asked(
    full: Evaluation,
) -> None:
    (suppression,) = full.of_type(
        "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes"
    )
    assert suppression.inputs == {"suppressedReasons": ["BOUNCE", "COMPLAINT"], "region": REGION}
    minimal = declare({"domains": [{"name": "example.com", "dns": {"provider": "external"}}]})
    assert not minimal.of_type(
        "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes"
    )
    assert not minimal.of_type("aws:kms/key:Key")
    assert not minimal.of_type("aws:sqs/queue:Queue")


def test_outputs(full: Evaluation) -> None:
    example = full.outputs["configuration_sets"]["example-com"]
    assert example["name"] == "example-com"
    assert example["arn"] == SET_ARN
    assert example["domains"] == ["example.com"]
    assert example["topics"] == {
        kind: f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:example-com-{kind}"
        for kind in ("bounce", "complaint", "delivery")
    }
    assert example["email_forwarding"] is False
    assert example["kms_key_arn"].startswith(f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/")
    assert example["tls_policy"] == "REQUIRE" and example["sending_pool_name"] is None
    assert full.outputs["reputation_alarms"][REGION]["bounce_rate_threshold"] == 0.04
    assert full.outputs["reputation_alarms"][REGION]["complaint_rate_threshold"] == 0.0008


def test_outputs_follow_the_tls_policy_and_the_thresholds() -> None:
    """What ``verify --mailbox-providers`` reads from the outputs alone is the config's."""
    result = declare(
        {
            "domains": [{"name": "example.com", "dns": {"provider": "external"}}],
            "feedback": {"tlsPolicy": "OPTIONAL"},
            "alarms": {"bounceRateThreshold": 0.03, "complaintRateThreshold": 0.0015},
        }
    )
    assert result.outputs["configuration_sets"]["example-com"]["tls_policy"] == "OPTIONAL"
    alarms = result.outputs["reputation_alarms"][REGION]
    assert (alarms["bounce_rate_threshold"], alarms["complaint_rate_threshold"]) == (0.03, 0.0015)


def test_every_child_has_a_parent_and_regional_resources_a_region(
    full: Evaluation,
) -> None:
    components = {r.name for r in full.declared if r.type.startswith("ses:index:")}
    for resource in full.declared:
        if resource.type.startswith("aws:") and resource.name != "example.com-identity":
            assert resource.parent in components, resource.name
            assert resource.inputs.get("region") == REGION, resource.name


# --- lint every SES-facing and IAM policy document with parliament ---------------------------

ACCEPTED_FINDINGS: dict[tuple[str, str], str] = {
    ("EnableAccountAdministration", "RESOURCE_STAR"): (
        "a key policy's Resource is always '*', meaning the key the policy is attached to"
    ),
    ("AllowSesToEncryptFeedback", "RESOURCE_STAR"): (
        "a key policy's Resource is always '*', meaning the key the policy is attached to"
    ),
    ("EnableAccountAdministration", "PERMISSIONS_MANAGEMENT_ACTIONS"): (
        "AWS's default key statement: delegates the key to IAM in the owning account so the key "
        "cannot be orphaned; no principal outside the account is named"
    ),
}
"""(statement Sid, parliament finding) -> why it is accepted. Nothing else may be found."""


def policy_documents(declared: list[DeclaredResource]) -> list[tuple[str, dict[str, Any]]]:
    documents: list[tuple[str, dict[str, Any]]] = []
    for resource in declared:
        if "policy" in resource.inputs and resource.type != "aws:sqs/queue:Queue":
            documents.append((resource.name, policy_of(resource)))
    for permission in (r for r in declared if r.type == "aws:lambda/permission:Permission"):
        statement = lambda_invoke_statement(
            permission.inputs["function"],
            permission.inputs["sourceArn"],
            permission.inputs["sourceAccount"],
            permission.inputs["statementId"],
        )
        assert statement["Action"] == permission.inputs["action"]
        assert statement["Principal"]["Service"] == permission.inputs["principal"]
        documents.append((permission.name, {"Version": "2012-10-17", "Statement": [statement]}))
    return documents


def lint(document: dict[str, Any]) -> list[tuple[str, str]]:
    """Parliament findings as (Sid, issue), with and without the community auditors."""
    found: list[tuple[str, str]] = []
    for statement in document["Statement"]:
        single = json.dumps({"Version": document["Version"], "Statement": [statement]})
        for community in (False, True):
            policy = parliament.analyze_policy_string(single, include_community_auditors=community)
            found += [(statement.get("Sid", "?"), finding.issue) for finding in policy.findings]
    return sorted(set(found))


def test_policy_documents_lint_clean_or_with_a_written_reason(
    full: Evaluation,
) -> None:
    documents = policy_documents(full.declared)
    kinds = Counter(name.split("-")[-1] for name, _ in documents)
    assert len(documents) == 8, [
        name for name, _ in documents
    ]  # 3 topics, alerts, key, 2 queues, λ
    assert kinds["policy"] == 6 and kinds["key"] == 1 and kinds["invoke"] == 1
    unexpected: list[tuple[str, str, str]] = []
    accepted: list[tuple[str, str]] = []
    for name, document in documents:
        for sid, issue in lint(document):
            if (sid, issue) in ACCEPTED_FINDINGS:
                accepted.append((sid, issue))
            else:
                unexpected.append((name, sid, issue))
    assert unexpected == []
    assert sorted(set(accepted)) == sorted(ACCEPTED_FINDINGS)


def _denied(document: dict[str, Any], action: str, *, secure: bool) -> bool:
    """Whether a Deny statement of ``document`` matches ``action`` for any principal, with the
    request's ``aws:SecureTransport`` as given (the only condition key the denies use)."""
    for statement in document["Statement"]:
        if statement["Effect"] != "Deny":
            continue
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        matches = any(
            a.lower() == action.lower()
            or (a.endswith(":*") and action.lower().startswith(a[:-1].lower()))
            for a in actions
        )
        condition = statement.get("Condition", {})
        assert set(condition) == {"Bool"}, "a Bool, not BoolIfExists: requests without the key pass"
        if matches and condition["Bool"]["aws:SecureTransport"] == str(secure).lower():
            return True
    return False


def test_tls_denies_cover_every_action_of_the_service_and_spare_deliveries_over_tls(
    full: Evaluation,
) -> None:
    """Topics and queues refuse every action of their service in the clear (subscribe, receive,
    delete, policy changes, not only the allowed one), while the allowed service principal's own
    delivery, made over TLS, is not denied."""
    checked = 0
    for name, document in policy_documents(full.declared):
        allows = [
            s
            for s in document["Statement"]
            if s["Effect"] == "Allow" and "Service" in s.get("Principal", {})
        ]
        resource = str(allows[0]["Resource"]) if allows else ""
        service = resource.split(":")[2] if resource.startswith("arn:") else ""
        if service not in ("sns", "sqs"):
            continue
        checked += 1
        for action in (
            f"{service}:Subscribe",
            f"{service}:ReceiveMessage",
            f"{service}:SetTopicAttributes",
            f"{service}:DeleteMessage",
            allows[0]["Action"],
        ):
            assert _denied(document, action, secure=False), (name, action)
        for allow in allows:
            assert not _denied(document, allow["Action"], secure=True), name
    assert checked == 6  # 3 feedback topics, the alerts topic, 2 queues


def test_parliament_really_checks_actions_and_condition_keys() -> None:
    """The linter is not a rubber stamp: a typo or a wrong condition key is found."""
    bad_action = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sns:Publsh", "Resource": "*"}],
    }
    bad_condition = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sns:Publish",
                "Resource": f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:t",
                "Condition": {"StringEquals": {"sqs:QueueName": "x"}},
            }
        ],
    }
    assert ("?", "UNKNOWN_ACTION") in lint(bad_action)
    assert ("?", "UNKNOWN_CONDITION_FOR_ACTION") in lint(bad_condition)


# --- figures ---------------------------------------------------------------------------------


def descendants(declared: list[DeclaredResource], roots: set[str]) -> list[DeclaredResource]:
    names = set(roots)
    found: list[DeclaredResource] = []
    changed = True
    while changed:
        changed = False
        for resource in declared:
            if resource.name not in names and resource.parent in names:
                names.add(resource.name)
                found.append(resource)
                changed = True
    return [r for r in declared if r.name in roots] + found


def test_resources_per_domain_with_the_full_loop(
    full: Evaluation,
) -> None:
    """Figure for the closing note: what the feedback loop declares for one domain."""
    loop = descendants(full.declared, {"cs-example-com", "example.com-feedback"})
    custom = [r for r in loop if not r.type.startswith("ses:index:")]
    by_type = Counter(r.type.split(":")[-1] for r in custom)
    assert by_type == {
        "ConfigurationSet": 1,
        "ConfigurationSetEventDestination": 5,
        "Key": 1,
        "Topic": 3,
        "TopicPolicy": 3,
        "TopicSubscription": 6,
        "Permission": 1,
        "Queue": 4,
        "QueuePolicy": 2,
        "EmailIdentityFeedbackAttributes": 1,
    }
    assert len(custom) == 27
    assert len(loop) - len(custom) == 3  # ConfigurationSet, FeedbackTopics, IdentityFeedback
    regional = descendants(full.declared, {"reputation-eu-west-1", "account-suppression-eu-west-1"})
    assert len([r for r in regional if not r.type.startswith("ses:index:")]) == 7


def test_two_domains_sharing_a_set_in_two_regions() -> None:
    result = declare(
        {
            "domains": [
                {
                    "name": "a.example.com",
                    "configurationSet": "shared",
                    "dns": {"provider": "external"},
                },
                {
                    "name": "b.example.com",
                    "configurationSet": "shared",
                    "dns": {"provider": "external"},
                },
                {"name": "c.example.net", "region": "us-east-1", "dns": {"provider": "external"}},
            ],
            "configurationSets": [{"name": "shared"}],
            "alarms": {"subscriptions": [{"protocol": "email", "endpoint": "ops@example.com"}]},
        }
    )
    sets = {
        s.inputs["configurationSetName"]: s.inputs["region"]
        for s in result.of_type("aws:sesv2/configurationSet:ConfigurationSet")
    }
    assert sets == {"shared": REGION, "c-example-net": "us-east-1"}
    identities = {
        i.inputs["emailIdentity"]: i.inputs.get("configurationSetName")
        for i in result.of_type("aws:sesv2/emailIdentity:EmailIdentity")
    }
    assert identities == {
        "a.example.com": "shared",
        "b.example.com": "shared",
        "c.example.net": "c-example-net",
    }
    assert sorted(result.outputs["reputation_alarms"]) == ["eu-west-1", "us-east-1"]
    assert result.outputs["configuration_sets"]["shared"]["domains"] == [
        "a.example.com",
        "b.example.com",
    ]
    east = [
        p
        for p in result.of_type("aws:sns/topicPolicy:TopicPolicy")
        if p.inputs["region"] == "us-east-1" and "alerts" not in p.name
    ]
    for policy in east:
        condition = statements(policy_of(policy))["AllowSesPublish"]["Condition"]
        assert condition["ArnEquals"]["aws:SourceArn"] == (
            f"arn:aws:ses:us-east-1:{ACCOUNT_ID}:configuration-set/c-example-net"
        )


def test_domain_without_a_set_keeps_forwarding_and_gets_no_feedback_resource() -> None:
    result = declare(
        {
            "domains": [
                {"name": "example.com", "configurationSet": False, "dns": {"provider": "external"}}
            ]
        }
    )
    assert not result.of_type("aws:sesv2/configurationSet:ConfigurationSet")
    assert not result.of_type(
        "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
    )
    assert "configurationSetName" not in result.named("example.com-identity").inputs
    assert result.outputs["configuration_sets"] == {}


def test_dev_stack_offline_plan_includes_the_feedback_loop() -> None:
    """The dev stack's offline plan (python -m components.plan --stack dev) has the whole loop."""
    from components.plan import make_plan

    fresh_event_loop()
    plan = make_plan("dev")
    types = Counter(r["type"] for r in plan.resources)
    assert types["ses:index:ConfigurationSet"] == 1
    assert types["ses:index:FeedbackTopics"] == 1
    assert types["ses:index:IdentityFeedback"] == 1
    assert types["ses:index:ReputationAlarms"] == 1
    assert types["aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"] == 4
    assert types["aws:kms/key:Key"] == 1
    assert types["aws:cloudwatch/metricAlarm:MetricAlarm"] == 2
    identity = next(r for r in plan.resources if r["name"] == "dev.example.com-identity")
    assert identity["inputs"]["configurationSetName"] == "dev-example-com"
    feedback_sets = plan.outputs["configuration_sets"]
    assert sorted(feedback_sets["dev-example-com"]["topics"]) == ["bounce", "complaint", "delivery"]
    assert sorted(feedback_sets["dev-example-com"]["queues"]) == ["bounce", "complaint"]
    assert plan.outputs["reputation_alarms"]["us-east-1"]["alarm_names"] == [
        "ses-dev-bounce-rate",  # the stack's name keeps dev's alarms apart from prod's
        "ses-dev-complaint-rate",
    ]
    for resource in plan.resources:
        if "policy" in resource["inputs"] and resource["type"] != "aws:sqs/queue:Queue":
            document = json.loads(resource["inputs"]["policy"])
            for sid, issue in lint(document):
                assert (sid, issue) in ACCEPTED_FINDINGS, (resource["name"], sid, issue)
