"""``FeedbackLoop``: the whole feedback loop of a stack from a validated
:class:`~.model.FeedbackConfig`, and its stack outputs.

It composes the components, one per module (stable type tokens ``ses:index:<Name>``):

- :class:`~.configuration_set.ConfigurationSet` per configuration set, with its
  :class:`~.topics.FeedbackTopics` and event destinations;
- :class:`~.identity_feedback.IdentityFeedback` per identity that uses a set;
- :class:`~.alarms.ReputationAlarms` per alarm region;
- :class:`~.account.AccountSuppression` per region, only when configured.

Policies come from :mod:`.policies` and are serialised with sorted keys inside ``apply``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import pulumi

from .account import AccountContext, AccountSuppression, account_context
from .alarms import ReputationAlarms, ReputationAlarmsSettings
from .configuration_set import ConfigurationSet, ConfigurationSetSettings
from .identity_feedback import IdentityFeedback, IdentityFeedbackArgs
from .model import FeedbackConfig


def _adoption(
    name: str,
    region: str,
    adopted: Collection[tuple[str, str]],
    providers: Mapping[str, pulumi.ProviderResource],
) -> dict[str, Any]:
    """The import id and provider of a set the stack adopts (nothing when it creates it)."""
    if (name, region) not in adopted:
        return {}
    return {"import_id": name, "provider": providers.get(region)}


class FeedbackLoop:
    """Declares the whole feedback loop of a stack and gathers its outputs.

    Build it before the domains: pass :meth:`set_name_for` into each domain's identity, then call
    :meth:`identity_feedback` with the identity once it exists.
    """

    def __init__(
        self,
        config: FeedbackConfig,
        tags: Mapping[str, str],
        account: AccountContext | None = None,
        pool_names: Mapping[tuple[str, str], pulumi.Output[str]] | None = None,
        adopted_sets: Collection[tuple[str, str]] = (),
        providers: Mapping[str, pulumi.ProviderResource] | None = None,
    ) -> None:
        """``pool_names`` maps (pool name, region) of the dedicated IP pools the stack declares
        to the pool's name output, so a set sending through one waits for it. The sets named
        in ``adopted_sets`` (name, region) exist already and are imported, through the region's
        provider in ``providers`` outside the stack's region."""
        self.config = config
        pools = pool_names or {}
        self.account = account = account_context(account)
        self.sets: dict[str, ConfigurationSet] = {}
        """Each set in its first (primary) region, by name."""
        self.copies: dict[tuple[str, str], ConfigurationSet] = {}
        """Each set in every region it is made in, by name and region."""
        for item in config.configuration_sets:
            first = item.name not in self.sets
            component = ConfigurationSet(
                f"cs-{item.name}" if first else f"cs-{item.name}-{item.region}",
                ConfigurationSetSettings(
                    config=item,
                    account=account,
                    tags=dict(tags),
                    sending_pool_name=pools.get((item.sending_pool_name or "", item.region)),
                    **_adoption(item.name, item.region, adopted_sets, providers or {}),
                ),
            )
            self.sets.setdefault(item.name, component)
            self.copies[item.name, item.region] = component
        self.alarms: dict[str, ReputationAlarms] = {
            region: ReputationAlarms(
                f"reputation-{region}",
                ReputationAlarmsSettings(
                    region=region, config=config.alarms, account=account, tags=dict(tags)
                ),
            )
            for region in config.alarm_regions
        }
        self.suppression: dict[str, AccountSuppression] = {}
        if config.account_suppression is not None:
            reasons = [reason.value for reason in config.account_suppression.suppressed_reasons]
            for region in config.account_suppression.regions:
                self.suppression[region] = AccountSuppression(
                    f"account-suppression-{region}", region, reasons
                )
        self.identity_feedbacks: dict[str, IdentityFeedback] = {}

    def set_name_for(self, domain: str, region: str | None = None) -> pulumi.Output[str] | None:
        """The configuration set name a domain's identity uses in ``region`` (``None``: its
        primary region), or ``None`` when it uses no set."""
        set_name = self.config.domain_sets.get(domain)
        if set_name is None:
            return None
        if region is None:
            return self.sets[set_name].name
        return self.copies[set_name, region].name

    def identity_feedback(
        self,
        domain: str,
        email_identity: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        *,
        region: str | None = None,
    ) -> IdentityFeedback | None:
        """Declare the identity's feedback forwarding setting (only when it uses a set); with
        ``region``, that of its identity in one of its secondary regions."""
        set_name = self.config.domain_sets.get(domain)
        if set_name is None:
            return None
        set_config = self.config.set_named(set_name, region)
        feedback = IdentityFeedback(
            f"{domain}-feedback" if region is None else f"{domain}-feedback-{region}",
            IdentityFeedbackArgs(email_identity, set_config.region, set_config.email_forwarding),
            opts=pulumi.ResourceOptions.merge(
                pulumi.ResourceOptions(depends_on=[self.copies[set_name, set_config.region]]),
                opts,
            ),
        )
        self.identity_feedbacks[domain if region is None else f"{domain}@{region}"] = feedback
        return feedback

    def outputs(self) -> dict[str, Any]:
        """Stack outputs: ``configuration_sets`` and ``reputation_alarms``. Each set's
        ``tls_policy`` and ``sending_pool_name`` (``None``: shared IPs) and each region's alarm
        thresholds are plain values, so ``pulumi stack output --json`` alone lets
        ``checks verify --mailbox-providers`` decide the TLS, pool and complaint-alarm rules."""
        sets: dict[str, Any] = {}
        for set_name, component in self.sets.items():
            set_config = self.config.set_named(set_name)
            sets[set_name] = {
                "name": component.name,
                "arn": component.arn,
                "region": component.region,
                "domains": sorted(
                    domain for domain, name in self.config.domain_sets.items() if name == set_name
                ),
                "topics": dict(component.topics.topic_arns),
                "queues": {
                    kind: {
                        "url": url,
                        "dead_letter_url": component.topics.dead_letter_queue_urls[kind],
                    }
                    for kind, url in component.topics.queue_urls.items()
                },
                "events": {
                    topic.kind: [event.value for event in topic.events]
                    for topic in set_config.topics
                },
                "email_forwarding": set_config.email_forwarding,
                "kms_key_arn": component.topics.key_arn,
                "tls_policy": set_config.tls_policy.value,
                "sending_pool_name": set_config.sending_pool_name,
            }
            secondary = self.config.set_regions(set_name)[1:]
            if secondary:
                sets[set_name]["secondary_regions"] = {
                    region: _regional_outputs(self.copies[set_name, region]) for region in secondary
                }
        alarms = {
            region: {
                "alerts_topic_arn": component.alerts_topic_arn,
                "alarm_names": component.alarm_names,
                "dashboard_name": component.dashboard_name,
                "bounce_rate_threshold": float(self.config.alarms.bounce_rate_threshold),
                "complaint_rate_threshold": float(self.config.alarms.complaint_rate_threshold),
            }
            for region, component in self.alarms.items()
        }
        return {"configuration_sets": sets, "reputation_alarms": alarms}


def _regional_outputs(component: ConfigurationSet) -> dict[str, Any]:
    """A set's copy in a secondary region: its ARN, topics and queues."""
    return {
        "arn": component.arn,
        "topics": dict(component.topics.topic_arns),
        "queues": {
            kind: {"url": url, "dead_letter_url": component.topics.dead_letter_queue_urls[kind]}
            for kind, url in component.topics.queue_urls.items()
        },
    }
