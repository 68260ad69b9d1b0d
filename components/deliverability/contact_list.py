"""``ContactList`` (type token ``ses:index:ContactList``): an SES contact list with its topics,
what SES's subscription management needs to add ``List-Unsubscribe`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058) to mail that names it.

Programs give :class:`ContactListArgs`, checked by the stack config's own parser
(``ses:contactLists``) with problems named as props; the stack passes the validated
:class:`ContactListSettings`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import pulumi
import pulumi_aws as aws

from ..feedback.args import config_shape
from ..tag_values import checkable_tags, tag_outputs
from ..validation import Fields, Problems
from .model import ContactListConfig, SubscriptionStatus
from .parse import parse_contact_lists

TYPE_TOKEN = "ses:index:ContactList"
_PROPS = "ContactListArgs"
_CONFIG_PREFIX = f"{_PROPS}:contactLists[0]"


@dataclass(frozen=True, kw_only=True)
class ContactListTopicArgs:
    """One topic of a contact list."""

    name: str
    """The topic's name, as senders give it (``X-SES-LIST-MANAGEMENT-OPTIONS``)."""
    display_name: str
    """The name contacts see on SES's subscription page (1-128 characters)."""
    default_subscription_status: SubscriptionStatus
    """OPT_IN: contacts get the topic's mail until they leave; OPT_OUT: only once subscribed."""
    description: str | None = None
    """What the topic is about, shown to contacts (1-500 characters)."""


@dataclass(frozen=True, kw_only=True)
class ContactListArgs:
    """Typed props of a :class:`ContactList`."""

    name: str
    """The list's name (1-64 letters, digits, ``_`` and ``-``); SES allows one list per account
    and region."""
    region: str | None = None
    """Its region (``None``: the provider's ``aws:region``)."""
    description: str | None = None
    """What the list is about (1-500 characters)."""
    topics: Sequence[ContactListTopicArgs] = ()
    """Its topics (at most 20)."""
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict[str, pulumi.Input[str]])
    """Tags of the list (a value may be an output: checked once known)."""


@dataclass(frozen=True, kw_only=True)
class ContactListSettings:
    """What a :class:`ContactList` is built from once validated (the stack's path)."""

    config: ContactListConfig
    """The validated list."""
    tags: Mapping[str, str] = field(default_factory=dict[str, str])
    """Stack-wide tags; the list's own are merged over them."""
    tag_outputs: Mapping[str, pulumi.Output[str]] = field(
        default_factory=dict[str, pulumi.Output[str]]
    )
    """The props' tags given as outputs (checked once known), over the list's own."""


def _props_key(key: str) -> str:
    """``ContactListArgs:contactLists[0].topics[0].displayName`` ->
    ``ContactListArgs.topics[0].display_name`` (a tag's key stays as given)."""
    if not key.startswith(_CONFIG_PREFIX):
        return key
    rest = key[len(_CONFIG_PREFIX) :]
    head, tags, tag = rest.partition(".tags.")
    return _PROPS + re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", head).lower() + tags + tag


def check_contact_list_args(args: ContactListArgs) -> ContactListConfig:
    """Validate props with the stack config's parser; raises ``ConfigError`` listing every
    problem, named as props."""
    problems = Problems()
    shape = cast(dict[str, object], config_shape(args))
    shape["tags"] = checkable_tags(args.tags)
    top = Fields({"contactLists": [shape]}, f"{_PROPS}:", problems)
    lists = parse_contact_lists(top, pulumi.Config("aws").get("region"))
    top.finish()
    problems.rename_keys(_props_key)
    problems.raise_if_any()
    return lists[0]


def list_settings(
    props: ContactListArgs, config: ContactListConfig, tags_key: str
) -> ContactListSettings:
    """What checked props build (``config`` is :func:`check_contact_list_args`'s); ``tags_key``
    names the tags in the messages about their output values."""
    return ContactListSettings(config=config, tag_outputs=tag_outputs(props.tags, tags_key))


class ContactList(pulumi.ComponentResource):
    """An SES contact list and its topics."""

    name: pulumi.Output[str]
    """The list's name (an output, so what names it waits for it)."""
    arn: pulumi.Output[str]
    """The list's ARN (what a tenant association names)."""
    region: str
    """The list's region."""
    resource: aws.sesv2.ContactList
    """The provider resource."""

    def __init__(
        self,
        name: str,
        args: ContactListArgs | ContactListSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if isinstance(args, ContactListArgs):
            args = list_settings(args, check_contact_list_args(args), f"{_PROPS}.tags")
        super().__init__(TYPE_TOKEN, name, None, opts)
        config = args.config
        self.region = config.region
        topics: list[aws.sesv2.ContactListTopicArgsDict] = []
        for topic in config.topics:
            entry: aws.sesv2.ContactListTopicArgsDict = {
                "topic_name": topic.name,
                "display_name": topic.display_name,
                "default_subscription_status": topic.default_subscription_status.value,
            }
            if topic.description is not None:
                entry["description"] = topic.description
            topics.append(entry)
        self.resource = aws.sesv2.ContactList(
            f"{name}-list",
            contact_list_name=config.name,
            description=config.description,
            topics=topics or None,
            tags={**args.tags, **config.tags, **args.tag_outputs} or None,
            region=config.region,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = self.resource.contact_list_name
        self.arn = self.resource.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
