"""Every stack file's plan, its create calls replayed against one moto account: what the plan
declares, AWS (as far as moto models it) accepts, in each resource's own region, and the stacks
side by side in one account do not collide.

moto 5.2.5 has no route for sesv2 event destinations, MAIL FROM or feedback attributes, the
account suppression list, account VDM, global endpoints or tenants; those resources are
reported as not replayed with that reason.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from components.plan.run import make_plan, read_stack_files
from tests.support.harness import evaluate
from tests.support.moto_replay import MotoAccount, Outcome, Status
from tests.support.moto_server import moto_server
from tests.support.paths import REPO, STACK_NAMES

STACKS = STACK_NAMES
"""Every Pulumi.<stack>.yaml: a new stack file is replayed, and needs its row in COUNTS."""
SECRET = "aws:secretsmanager/secret:Secret"


@pytest.fixture(scope="module")
def account() -> Iterator[MotoAccount]:
    """Every stack, replayed into one moto_server (one account), after what a stack adopts was
    made as if in the console."""
    with moto_server() as url:
        replayed = MotoAccount(url)
        for stack in STACKS:
            region = read_stack_files(stack).config.get("aws:region", "us-east-1")
            resources = make_plan(stack).resources
            replayed.make_what_is_adopted(resources, region)
            replayed.replay(stack, resources, region)
        yield replayed


def of(account: MotoAccount, stack: str) -> list[Outcome]:
    return [o for o in account.outcomes if o.stack == stack]


def counts(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    """Per service: resources replayed, calls accepted, not replayed."""
    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for outcome in outcomes:
        row = table[outcome.service]
        if outcome.status is Status.ACCEPTED:
            row["replayed"] += 1
            row["calls accepted"] += len(outcome.calls)
        elif outcome.status is Status.NOT_REPLAYED:
            row["not replayed"] += 1
        else:
            row["refused"] += 1
    return {service: dict(row) for service, row in sorted(table.items())}


def _no_route(operation: str) -> str:
    return f"moto has no route for sesv2 {operation}"


NOT_REPLAYED_REASONS = {
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": _no_route(
        "CreateConfigurationSetEventDestination"
    ),
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": _no_route(
        "PutEmailIdentityMailFromAttributes"
    ),
    "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes": _no_route(
        "PutEmailIdentityFeedbackAttributes"
    ),
    "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes": _no_route(
        "PutAccountSuppressionAttributes"
    ),
    "aws:sesv2/accountVdmAttributes:AccountVdmAttributes": _no_route("PutAccountVdmAttributes"),
    "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint": _no_route("CreateMultiRegionEndpoint"),
    "aws:sesv2/tenant:Tenant": _no_route("CreateTenant"),
    "aws:sesv2/tenantResourceAssociation:TenantResourceAssociation": _no_route(
        "CreateTenantResourceAssociation"
    ),
}
"""The calls moto answers with its 404 (no route): the resource is counted as not replayed."""

COUNTS: dict[str, dict[str, dict[str, int]]] = {
    "adopt": {
        "cloudwatch": {"replayed": 4, "calls accepted": 8},
        "route53": {"replayed": 17, "calls accepted": 17},
        "sesv2": {"replayed": 9, "calls accepted": 9, "not replayed": 12},
        "sns": {"replayed": 24, "calls accepted": 24},
    },
    "dev": {
        "cloudwatch": {"replayed": 3, "calls accepted": 6},
        "iam": {"replayed": 3, "calls accepted": 3},
        "kms": {"replayed": 1, "calls accepted": 2},
        "route53": {"replayed": 6, "calls accepted": 6},
        "secretsmanager": {"replayed": 2, "calls accepted": 2},
        "sesv2": {"replayed": 3, "calls accepted": 3, "not replayed": 6},
        "sns": {"replayed": 12, "calls accepted": 12},
        "sqs": {"replayed": 6, "calls accepted": 10},
    },
    "global": {
        "cloudwatch": {"replayed": 6, "calls accepted": 12},
        "iam": {"replayed": 3, "calls accepted": 3},
        "kms": {"replayed": 2, "calls accepted": 4},
        "route53": {"replayed": 11, "calls accepted": 11},
        "secretsmanager": {"replayed": 2, "calls accepted": 2},
        "sesv2": {"replayed": 6, "calls accepted": 6, "not replayed": 13},
        "sns": {"replayed": 24, "calls accepted": 24},
        "sqs": {"replayed": 12, "calls accepted": 20},
    },
    "marketing": {
        "cloudwatch": {"replayed": 2, "calls accepted": 4},
        "route53": {"replayed": 9, "calls accepted": 9},
        "sesv2": {"replayed": 2, "calls accepted": 2, "not replayed": 4},
        "sns": {"replayed": 9, "calls accepted": 9},
        "sqs": {"replayed": 6, "calls accepted": 10},
    },
    "platform": {
        "cloudwatch": {"replayed": 2, "calls accepted": 4},
        "sesv2": {"replayed": 7, "calls accepted": 7, "not replayed": 16},
        "sns": {"replayed": 15, "calls accepted": 15},
    },
    "prod": {
        "cloudwatch": {"replayed": 6, "calls accepted": 12},
        "iam": {"replayed": 11, "calls accepted": 11},
        "kms": {"replayed": 2, "calls accepted": 4},
        "route53": {"replayed": 10, "calls accepted": 10},
        "secretsmanager": {"replayed": 2, "calls accepted": 2},
        "sesv2": {"replayed": 5, "calls accepted": 5, "not replayed": 8},
        "sns": {"replayed": 18, "calls accepted": 18},
        "sqs": {"replayed": 12, "calls accepted": 20},
    },
}
"""Per stack and service: resources replayed, the calls moto accepted for them, resources not
replayed. README.md "Tests" shows this table."""


def test_every_stack_file_is_replayed_and_counted() -> None:
    """A new Pulumi.<stack>.yaml cannot be forgotten: it is replayed (STACKS is the glob) and
    this fails until its counts are added."""
    assert "dev" in STACKS
    assert sorted(COUNTS) == list(STACKS)


def test_every_replayed_call_is_accepted(account: MotoAccount) -> None:
    refused = [(o.stack, o.name, o.detail) for o in account.outcomes if o.status is Status.REFUSED]
    assert refused == []
    for outcome in account.outcomes:
        if outcome.status is Status.NOT_REPLAYED:
            assert outcome.detail == NOT_REPLAYED_REASONS[outcome.type], outcome
        else:
            assert outcome.ignored_inputs == (), outcome
    aws_resources = {
        stack: sum(r["type"].startswith("aws:") for r in make_plan(stack).resources)
        for stack in STACKS
    }
    assert {stack: len(of(account, stack)) for stack in STACKS} == aws_resources


def test_per_service_counts(account: MotoAccount) -> None:
    assert {stack: counts(of(account, stack)) for stack in STACKS} == COUNTS
    # made by the replay itself: what the adopt stack adopts (as the console made it), the
    # account id for SES ARNs, each zone the stacks' records go to
    adopted = [r for r in make_plan("adopt").resources if "import_id" in r]
    made = {"aws:sesv2/emailIdentity:EmailIdentity": "ses:CreateEmailIdentity"}
    made["aws:sesv2/configurationSet:ConfigurationSet"] = "ses:CreateConfigurationSet"
    assert sorted(account.setup_calls) == sorted(
        [made[r["type"]] for r in adopted if r["type"] in made]
        + ["sts:GetCallerIdentity"]
        + ["route53:CreateHostedZone"] * len(account.zones)
    )


def _name_key(outcome: Outcome, inputs: dict[str, Any]) -> tuple[str, ...]:
    """What names a resource moto did not create: its type, region and name inputs (an
    account-level setting has none: one per account and region)."""
    names = ("endpointName", "tenantName", "resourceArn", "configurationSetName")
    names += ("eventDestinationName", "emailIdentity")
    return (outcome.type, outcome.region or "", *(str(inputs[n]) for n in names if n in inputs))


def test_no_stack_shares_a_resource_with_another(account: MotoAccount) -> None:
    """Idempotent creates (CreateTopic, CreateQueue, PutMetricAlarm, CreateEmailIdentity in
    moto) would return or overwrite another stack's resource without an error; what moto did
    not create is held apart by its names."""
    reused = [
        (o.stack, o.name, o.physical, o.reused_from) for o in account.outcomes if o.reused_from
    ]
    assert reused == []
    accepted = [o for o in account.outcomes if o.status is Status.ACCEPTED]
    assert len({o.physical for o in accepted}) == len(accepted)
    inputs = {(s, r["name"]): r["inputs"] for s in STACKS for r in make_plan(s).resources}
    assert _not_created_clashes(account.outcomes, inputs) == {}


def _not_created_clashes(
    outcomes: list[Outcome], inputs: dict[tuple[str, str], dict[str, Any]]
) -> dict[tuple[str, ...], list[str]]:
    """Resources moto did not create that two plans name alike (``<stack>/<name>`` each)."""
    named = collections.defaultdict[tuple[str, ...], list[str]](list)
    for o in outcomes:
        if o.status is Status.NOT_REPLAYED:
            named[_name_key(o, inputs[(o.stack, o.name)])].append(f"{o.stack}/{o.name}")
    return {key: names for key, names in named.items() if len(names) > 1}


_ARN_REGION = re.compile(r"^arn:aws:[\w-]+:([\w-]*):")


def test_each_resource_is_made_in_its_region(account: MotoAccount) -> None:
    """Every regional resource went to the region its ``region`` input names (moto's ARNs say
    where it was made), and the global stack's two regions each hold their own identity, queue
    and queue policy."""
    placed = [
        (o.region, match[1])
        for o in account.outcomes
        if o.status is Status.ACCEPTED
        and (match := _ARN_REGION.match(str(o.physical)))
        and match[1]  # IAM and CloudWatch dashboards are global
    ]
    assert placed and all(wanted == made for wanted, made in placed), placed
    assert {o.region for o in of(account, "global")} == {"eu-west-1", "us-east-1", None}
    for region in ("eu-west-1", "us-east-1"):
        identities = account.client("sesv2", region).list_email_identities()["EmailIdentities"]
        names = {i["IdentityName"] for i in identities}
        assert {"global.example.com", "global-sandbox-recipient@example.com"} <= names
        sqs = account.client("sqs", region)
        url = sqs.get_queue_url(QueueName="global-example-com-bounce")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["QueueArn"].startswith(f"arn:aws:sqs:{region}:")
        policy = json.loads(attributes["Policy"])
        source = policy["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"]
        assert source == f"arn:aws:sns:{region}:{account.account_id}:global-example-com-bounce"


def test_lists_pools_and_identity_policies_arrive_as_declared(account: MotoAccount) -> None:
    """The deliverability and sender types moto implements hold the plan's inputs."""
    plan = {r["name"]: r["inputs"] for r in make_plan("platform").resources}
    sesv2 = account.client("sesv2", "us-west-2")
    declared = plan["contact-list-us-west-2-list"]
    contact_list = sesv2.get_contact_list(ContactListName=declared["contactListName"])
    assert [t["TopicName"] for t in contact_list["Topics"]] == [
        t["topicName"] for t in declared["topics"]
    ]
    pool = sesv2.get_dedicated_ip_pool(PoolName="platform-marketing")["DedicatedIpPool"]
    assert pool["ScalingMode"] == "MANAGED"
    configuration_set = sesv2.get_configuration_set(ConfigurationSetName="acme-marketing")
    assert configuration_set["DeliveryOptions"]["SendingPoolName"] == "platform-marketing"
    (policy,) = [o for o in of(account, "prod") if o.type.endswith("EmailIdentityPolicy")]
    prod = {r["name"]: r["inputs"] for r in make_plan("prod").resources}[policy.name]
    region = prod.get("region") or read_stack_files("prod").config["aws:region"]
    policies = account.client("sesv2", region).get_email_identity_policies(
        EmailIdentity=prod["emailIdentity"]
    )["Policies"]
    assert json.loads(policies[prod["policyName"]]) == json.loads(prod["policy"])


def test_a_collision_is_seen() -> None:
    """The detector itself: dev replayed twice into one account. What moto refuses is refused;
    what it creates idempotently or upserts comes back as the first replay's resource."""
    plan = make_plan("dev").resources
    with moto_server() as url:
        replayed = MotoAccount(url)
        replayed.replay("dev", plan, "us-east-1")
        again = replayed.replay("again", plan, "us-east-1")
    by_status: dict[str, set[str]] = collections.defaultdict(set)
    for outcome in again:
        kind = outcome.type.split(":")[1]
        if outcome.reused_from is not None:
            assert outcome.reused_from == f"dev/{outcome.name}"
            by_status["reused"].add(kind)
        elif outcome.status is Status.ACCEPTED:
            by_status["new"].add(kind)
        elif outcome.status is Status.REFUSED:
            by_status["refused"].add(kind)
        elif not outcome.detail.startswith("moto has no route"):
            by_status["skipped"].add(f"{kind}: {outcome.detail}")
    assert dict(by_status) == {
        "reused": {
            "sns/topic", "sns/topicPolicy", "sns/topicSubscription", "sqs/queue",
            "sqs/queuePolicy", "sesv2/emailIdentity",
            "cloudwatch/metricAlarm", "cloudwatch/dashboard",
        },
        "new": {"kms/key", "iam/accessKey"},
        "refused": {
            "sesv2/configurationSet", "route53/record", "iam/user", "secretsmanager/secret",
        },
        "skipped": {  # the engine would not start them either
            "iam/userPolicy: depends on cs-dev-example-com-set, which was not created",
            "secretsmanager/secretVersion: depends on smtp-dev-app-mailer-secret, "
            "which was not created",
        },
    }  # fmt: skip
    inputs = {(s, r["name"]): r["inputs"] for s in ("dev", "again") for r in plan}
    clashes = _not_created_clashes(replayed.outcomes, inputs)
    unrouted = {o.name for o in again if o.detail.startswith("moto has no route")}
    assert unrouted and sorted(clashes.values()) == sorted(
        [f"dev/{name}", f"again/{name}"] for name in unrouted
    )


def test_references_use_what_moto_created(account: MotoAccount) -> None:
    """Stand-ins the mocks made (KMS key ARNs, the secret's id) became moto's real values."""
    by_name = {(o.stack, o.name): o for o in account.outcomes}
    sns = account.client("sns", "us-east-1")
    topic = by_name[("dev", "cs-dev-example-com-topics-bounce")].physical
    key = by_name[("dev", "cs-dev-example-com-topics-key")].physical
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"] == key
    assert "AllowSesPublish" in attributes["Policy"]
    endpoints = {
        s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    }
    queue = by_name[("dev", "cs-dev-example-com-topics-bounce-queue")].physical
    assert endpoints == {queue}
    sqs = account.client("sqs", "us-east-1")
    url = sqs.get_queue_url(QueueName="dev-example-com-bounce")["QueueUrl"]
    redrive = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
    dlq = by_name[("dev", "cs-dev-example-com-topics-bounce-dlq")].physical
    assert dlq is not None and dlq in redrive["Attributes"]["RedrivePolicy"]
    secrets = account.client("secretsmanager", "us-east-1")
    secret = by_name[("dev", "smtp-dev-app-mailer-secret")].physical
    assert secrets.get_secret_value(SecretId=secret)["SecretString"]


def _delete_secret(client: Any, arn: str, window: int) -> None:
    """DeleteSecret as the provider makes it on destroy: a window of 0 is a forced delete."""
    if window == 0:
        client.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    else:
        client.delete_secret(SecretId=arn, RecoveryWindowInDays=window)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_secret_destroy_then_re_create(account: MotoAccount, stack: str) -> None:
    """``pulumi destroy`` then ``pulumi up``: the name stays taken for the recovery window.

    AWS answers the re-create with InvalidRequestException ("already scheduled for deletion");
    moto 5.2.5 refuses it too, with ResourceExistsException. A forced delete (what
    ``recoveryWindowInDays: 0`` makes the provider send) frees the name at once.
    """
    (outcome,) = [o for o in of(account, stack) if o.type == SECRET]
    plan = {r["name"]: r for r in make_plan(stack).resources}
    inputs = plan[outcome.name]["inputs"]
    name, window = inputs["name"], int(inputs["recoveryWindowInDays"])
    assert window == {"dev": 7, "prod": 30}[stack]
    secrets = account.client("secretsmanager", "us-east-1")
    assert outcome.physical is not None
    _delete_secret(secrets, outcome.physical, window)
    assert "DeletedDate" in secrets.describe_secret(SecretId=outcome.physical)
    with pytest.raises(ClientError) as refused:
        secrets.create_secret(Name=name, Description=inputs["description"])
    assert refused.value.response["Error"]["Code"] == "ResourceExistsException"
    # restoring gives the old secret (and its value) back under the same ARN
    secrets.restore_secret(SecretId=outcome.physical)
    assert "DeletedDate" not in secrets.describe_secret(SecretId=outcome.physical)
    _delete_secret(secrets, outcome.physical, 0)
    created = secrets.create_secret(Name=name, Description=inputs["description"])
    assert created["Name"] == name and created["ARN"] != outcome.physical


LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:bounce-processor"
WIDE: dict[str, Any] = {
    "domains": [{"name": "example.com", "dns": {"provider": "route53", "zoneName": "example.com"}}],
    "tags": {"project": "ses"},
    "feedback": {
        "topics": {
            "bounce": {
                "queue": {"enabled": True},
                "subscriptions": [
                    {"protocol": "lambda", "endpoint": LAMBDA},
                    {"protocol": "https", "endpoint": "https://hooks.example.com/ses"},
                ],
            },
            "complaint": {
                "subscriptions": [{"protocol": "email", "endpoint": "abuse@example.com"}]
            },
        },
    },
    "smtpUsers": [{"name": "workers", "users": ["w1", "w2"], "domains": ["example.com"]}],
    "accountSuppression": {"suppressedReasons": ["BOUNCE", "COMPLAINT"]},
}
"""Types dev and prod do not declare: IAM groups and membership, a Lambda permission (the
replay makes a dummy function for it), https/email/lambda subscriptions, account suppression."""


def test_types_the_stacks_do_not_use() -> None:
    declared = evaluate(WIDE, aws_region="eu-west-1").declared
    resources = [
        {"type": r.type, "name": r.name, "parent": r.parent, "inputs": r.inputs} for r in declared
    ]
    with moto_server() as url:
        replayed = MotoAccount(url)
        outcomes = replayed.replay("wide", resources, "eu-west-1")
    types = {o.type for o in outcomes if o.status is Status.ACCEPTED}
    assert {
        "aws:iam/group:Group",
        "aws:iam/groupPolicy:GroupPolicy",
        "aws:iam/userGroupMembership:UserGroupMembership",
        "aws:lambda/permission:Permission",
    } <= types
    assert [o for o in outcomes if o.status is Status.REFUSED] == []
    for outcome in outcomes:
        if outcome.status is Status.NOT_REPLAYED:
            assert outcome.detail == NOT_REPLAYED_REASONS[outcome.type], outcome
        else:
            assert outcome.ignored_inputs == (), outcome
    protocols = {r["name"]: r["inputs"]["protocol"] for r in resources if "protocol" in r["inputs"]}
    subscribed = {protocols[o.name] for o in outcomes if o.type.endswith("TopicSubscription")}
    assert subscribed == {"sqs", "lambda", "https", "email"}
    assert "lambda:CreateFunction" in replayed.setup_calls


def test_the_readme_table_is_these_counts() -> None:
    """README.md "Tests": per service, one column per stack, replayed / accepted / not, and a
    last row of totals."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("Per stack and service: resources replayed") :]
    header, _, *rows = section.split("\n\n", 2)[1].splitlines()
    stacks = [cell.strip() for cell in header.strip("|").split("|")][1:]
    kinds = ("replayed", "calls accepted", "not replayed")
    documented: dict[str, dict[str, dict[str, int]]] = {stack: {} for stack in stacks}
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        service, *cells = [cell.strip() for cell in row.strip("|").split("|")]
        for stack, cell in zip(stacks, cells, strict=True):
            if cell == "-":
                continue
            numbers: dict[str, int] = dict(zip(kinds, map(int, cell.split(" / ")), strict=True))
            if service == "all":
                totals[stack] = numbers
            else:
                documented[stack][service] = {k: n for k, n in numbers.items() if n}
    assert documented == COUNTS
    assert totals == {
        stack: {k: sum(row.get(k, 0) for row in COUNTS[stack].values()) for k in kinds}
        for stack in STACKS
    }
