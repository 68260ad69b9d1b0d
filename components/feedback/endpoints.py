"""SNS subscriptions of the feedback and alerts topics, one per configured endpoint.

A Lambda endpoint also gets the permission to be invoked by that topic only. What each protocol's
endpoint must look like is checked while parsing (:mod:`.endpoint_checks`).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from .account import AccountContext
from .endpoint_checks import RAW_DELIVERY_PROTOCOLS
from .late_endpoints import deployed_endpoint
from .model import SubscriptionConfig, SubscriptionProtocol
from .policies import lambda_invoke_statement
from .resource_options import child_options


def subscribe(
    parent: pulumi.Resource,
    name: str,
    topic_arn: pulumi.Input[str],
    subscription: SubscriptionConfig,
    region: str,
    account: AccountContext,
    statement_id: str,
) -> aws.sns.TopicSubscription:
    """One subscription; a Lambda endpoint also gets the permission for this topic only, as the
    statement ``statement_id`` of the function's policy."""
    depends: list[pulumi.Resource] = []
    endpoint = deployed_endpoint(subscription.endpoint)
    if subscription.protocol is SubscriptionProtocol.LAMBDA:
        statement = pulumi.Output.all(topic_arn, account.account_id, endpoint).apply(
            lambda values: lambda_invoke_statement(values[2], values[0], values[1], statement_id)
        )
        permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action=statement.apply(lambda s: str(s["Action"])),
            function=endpoint,
            principal=statement.apply(lambda s: str(s["Principal"]["Service"])),
            source_arn=statement.apply(lambda s: str(s["Condition"]["ArnEquals"]["aws:SourceArn"])),
            source_account=statement.apply(
                lambda s: str(s["Condition"]["StringEquals"]["aws:SourceAccount"])
            ),
            statement_id=statement_id,
            region=pulumi.Output.from_input(endpoint).apply(lambda arn: arn.split(":")[3]),
            opts=child_options(parent),
        )
        depends.append(permission)
    return aws.sns.TopicSubscription(
        name,
        topic=topic_arn,
        protocol=subscription.protocol.value,
        endpoint=endpoint,
        raw_message_delivery=subscription.raw_message_delivery
        if subscription.protocol in RAW_DELIVERY_PROTOCOLS
        else None,
        region=region,
        opts=child_options(parent, *depends),
    )
