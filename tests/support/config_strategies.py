"""Hypothesis strategies that draw whole stack configurations from the config grammar, biased
to the limits: DNS labels and names near 63 and 253 octets (and IDN), many domains in several
regions, named configuration sets shared by domains, topics with long custom kinds, queues,
lambda/sqs/https/email subscriptions, SMTP users and groups, BYODKIM, DMARC, tags and DNS TTLs.

Most drawn configurations are valid; lengths and numbers are drawn just inside and sometimes
just outside each limit, so some are refused near a limit. :func:`stack_configs` gives the
``ses:`` values (without the prefix) and the ``aws:region`` they go with.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from components.feedback.model import DEFAULT_TOPIC_EVENTS, EventType
from components.names import MAX_LABEL_OCTETS, MAX_NAME_OCTETS, normalize_domain
from components.regions import partition_of, ses_regions
from tests.support.private_keys import rsa_pem

SECRET_KEY = "dkimKey"
"""The config key that holds the BYODKIM private key's PEM."""
ACCOUNT = "123456789012"
_LETTERS = string.ascii_lowercase
_LDH = _LETTERS + string.digits + "-"
MAX_EASY_DKIM_DOMAIN = MAX_NAME_OCTETS - len("._domainkey.") - 32
_IDN_LABELS = ("bücher", "münchen", "пример", "例え", "ελληνικά", "straße", "café")
_EXTRA_EVENTS = tuple(
    event
    for event in EventType
    if event not in {e for events in DEFAULT_TOPIC_EVENTS.values() for e in events}
)
"""Event types no default topic takes: the ones custom topic kinds can route."""


@functools.cache
def byodkim_pem() -> str:
    """One 2048-bit RSA key per session: generating one per example would dominate the run."""
    return rsa_pem(2048)


@functools.cache
def regions_by_partition() -> dict[str, tuple[str, ...]]:
    """SES regions grouped by AWS partition, each group sorted."""
    groups: dict[str, list[str]] = {}
    for region in sorted(ses_regions()):
        groups.setdefault(partition_of(region), []).append(region)
    return {partition: tuple(regions) for partition, regions in groups.items()}


def near(limit: int, *, low: int = 1) -> st.SearchStrategy[int]:
    """A length or number in ``low..limit``, mostly at or just below ``limit``."""
    edge = [limit, limit, limit - 1, max(low, limit - 2)]
    return st.one_of(st.sampled_from(edge), st.integers(low, limit))


def ldh(length: int) -> st.SearchStrategy[str]:
    """A DNS label of exactly ``length`` characters: a letter, then letters, digits and inner
    hyphens, ending in a letter or digit."""
    if length <= 1:
        return st.sampled_from(_LETTERS)
    middle = st.text(_LDH, min_size=length - 2, max_size=length - 2).filter(
        lambda text: text[1:3] != "--"  # no "ab--" labels: only xn-- may have hyphens there
    )
    return st.builds(
        lambda first, inner, last: first + inner + last,
        st.sampled_from(_LETTERS),
        middle,
        st.sampled_from(_LETTERS + string.digits),
    )


def label(limit: int = MAX_LABEL_OCTETS) -> st.SearchStrategy[str]:
    """A label of a length near ``limit`` (63 for DNS)."""
    return near(limit).flatmap(ldh)


@st.composite
def domain_names(draw: st.DrawFn) -> str:
    """A domain name: short, IDN, or filled with labels near 63 octets up to the longest name
    whose derived record names still fit in DNS."""
    tld = draw(st.text(_LETTERS, min_size=2, max_size=6))
    shape = draw(st.sampled_from(["short", "idn", "long", "long"]))
    if shape == "short":
        return f"{draw(ldh(draw(st.integers(1, 20))))}.{tld}"
    if shape == "idn":
        # digits only after the IDN label: a Latin letter there would mix scripts in one label,
        # which the names check refuses as a look-alike
        digits = draw(st.text(string.digits, min_size=4, max_size=4))
        return f"{draw(st.sampled_from(_IDN_LABELS))}-{digits}.{tld}"
    # Easy DKIM adds 44 octets (32-char token + "._domainkey."), so a domain has at most 209.
    target = draw(near(MAX_EASY_DKIM_DOMAIN, low=100))
    labels: list[str] = []
    total = len(tld)
    while total + 2 < target:
        size = min(draw(near(63)), target - total - 1)
        labels.append(draw(ldh(size)))
        total += size + 1
    return ".".join([*labels, tld])


def arn_region(regions: tuple[str, ...]) -> st.SearchStrategy[tuple[str, str]]:
    """(partition, region) of one of ``regions``."""
    return st.sampled_from(regions).map(lambda region: (partition_of(region), region))


def subscriptions(regions: tuple[str, ...]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """SNS subscriptions; queue and function ARNs name a region of ``regions`` (its partition)."""
    sqs = st.builds(
        lambda where, name: {
            "protocol": "sqs",
            "endpoint": f"arn:{where[0]}:sqs:{where[1]}:{ACCOUNT}:{name}",
        },
        arn_region(regions),
        label(80),
    )
    lambda_ = st.builds(
        lambda where, name, qualifier: {
            "protocol": "lambda",
            "endpoint": f"arn:{where[0]}:lambda:{where[1]}:{ACCOUNT}:function:{name}{qualifier}",
        },
        arn_region(regions),
        label(64),
        st.sampled_from(["", ":$LATEST", ":live"]),
    )
    https = st.builds(
        lambda host, raw: {
            "protocol": "https",
            "endpoint": f"https://{host}.example.com/ses",
            "rawMessageDelivery": raw,
        },
        label(),
        st.booleans(),
    )
    email = st.builds(
        lambda local: {"protocol": "email", "endpoint": f"{local}@example.com"}, label(64)
    )
    return st.lists(
        st.one_of(sqs, lambda_, https, email),
        max_size=3,
        unique_by=lambda item: (item["protocol"], item["endpoint"]),
    )


def queues() -> st.SearchStrategy[dict[str, Any]]:
    """A topic's queue settings near their bounds."""
    return st.fixed_dictionaries(
        {},
        optional={
            "enabled": st.booleans(),
            "maxReceiveCount": near(1000),
            "messageRetentionSeconds": near(1_209_600, low=60),
            "visibilityTimeoutSeconds": near(43_200, low=0),
        },
    )


@st.composite
def topics(draw: st.DrawFn, regions: tuple[str, ...]) -> dict[str, Any]:
    """A ``topics`` mapping: some default kinds and custom kinds near 30 characters, each
    routing event types no other topic takes."""
    result: dict[str, Any] = {}
    for kind in draw(st.lists(st.sampled_from(sorted(DEFAULT_TOPIC_EVENTS)), unique=True)):
        result[kind] = {}
    extra = draw(st.permutations(_EXTRA_EVENTS))
    for index in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(_LETTERS)) + draw(
            st.text(_LETTERS + string.digits + "-", min_size=0, max_size=draw(near(29, low=0)))
        )
        if kind in result or not extra[index:]:
            continue
        result[kind] = {"events": [extra[index].value]}
    if not result:
        result["bounce"] = {}
    for settings in result.values():
        settings.update(
            draw(
                st.fixed_dictionaries(
                    {}, optional={"subscriptions": subscriptions(regions), "queue": queues()}
                )
            )
        )
    return result


def set_settings(regions: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """The keys ``ses:feedback`` and each ``ses:configurationSets`` entry take."""
    return st.fixed_dictionaries(
        {},
        optional={
            "topics": topics(regions),
            "kms": st.fixed_dictionaries({"deletionWindowInDays": near(30, low=7)}),
            "maxDeliverySeconds": near(50400, low=300),
            "tags": tags(),
        },
    )


def tags() -> st.SearchStrategy[dict[str, str]]:
    """Tags with keys near 128 characters and values near 256."""
    return st.dictionaries(
        near(128).map(lambda size: "k" * size),
        near(256, low=0).map(lambda size: "v" * size),
        max_size=2,
    )


def dns(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """A domain's ``dns``: Route 53 (zone the domain itself), Cloudflare or external, TTLs at
    each provider's bounds."""
    route53 = st.fixed_dictionaries(
        {"provider": st.just("route53"), "zoneName": st.just(name)},
        optional={"ttl": st.sampled_from([60, 61, 3600, 172799, 172800])},
    )
    cloudflare = st.fixed_dictionaries(
        {
            "provider": st.just("cloudflare"),
            "zoneId": st.text("0123456789abcdef", min_size=32, max_size=32),
        },
        optional={"ttl": st.sampled_from([1, 60, 61, 86399, 86400])},
    )
    return st.one_of(route53, cloudflare, st.just({"provider": "external"}))


@st.composite
def domains(draw: st.DrawFn, name: str, region: str, set_names: list[str]) -> dict[str, Any]:
    """One ``ses:domains`` entry; ``set_names`` are the named sets in ``region``."""
    domain: dict[str, Any] = {"name": name, "region": region, "dns": draw(dns(name))}
    room = MAX_NAME_OCTETS - len(normalize_domain(name))
    if draw(st.integers(0, 3)) == 0:
        domain["dkim"] = {
            "mode": "byodkim",
            "selector": draw(label(min(MAX_LABEL_OCTETS, room - len("._domainkey.")))),
            "privateKeyConfig": SECRET_KEY,
        }
    elif draw(st.booleans()):
        domain["dkim"] = {"keyLength": draw(st.sampled_from(["RSA_1024_BIT", "RSA_2048_BIT"]))}
    if draw(st.booleans()):
        domain["mailFrom"] = {"subdomain": draw(label(min(MAX_LABEL_OCTETS, room - 1)))}
    if draw(st.booleans()):
        domain["dmarc"] = {
            "policy": draw(st.sampled_from(["none", "quarantine", "reject"])),
            "pct": draw(near(100, low=0)),
            "rua": [f"mailto:{draw(label(64))}@example.com"],
        }
    if draw(st.booleans()):
        domain["emailIdentities"] = [f"{draw(label(min(64, room)))}@{name}"]
    if set_names and draw(st.booleans()):
        domain["configurationSet"] = draw(st.sampled_from(set_names))
    elif draw(st.integers(0, 4)) == 0:
        domain["configurationSet"] = False
    if draw(st.booleans()):
        domain["tags"] = draw(tags())
    return domain


@st.composite
def smtp_users(
    draw: st.DrawFn, names: list[str], regions: tuple[str, ...], set_names: list[str]
) -> list[dict[str, Any]]:
    """``ses:smtpUsers`` entries: single users (names near IAM's 64) and groups (near 128)."""
    entries: list[dict[str, Any]] = []
    used: set[str] = set()
    for index in range(draw(st.integers(0, 3))):
        group = draw(st.booleans())
        name = f"u{index}-" + draw(label(125 if group else 61))
        members = [
            f"m{index}{member}-{draw(label(58))}" for member in range(draw(st.integers(1, 3)))
        ]
        if {name.lower(), *(member.lower() for member in members)} & used:
            continue
        user_domains = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        entry: dict[str, Any] = {"name": name, "domains": user_domains}
        if group:
            entry["users"] = members
            used.update(member.lower() for member in members)
        used.add(name.lower())
        if draw(st.booleans()):
            entry["fromAddresses"] = [f"*@{domain}" for domain in user_domains]
        if draw(st.booleans()):
            entry["secret"] = {
                "enabled": True,
                "recoveryWindowInDays": draw(st.sampled_from([0, 7, 8, 29, 30])),
            }
        if draw(st.booleans()):
            entry["extraRegions"] = draw(
                st.lists(st.sampled_from(regions), max_size=2, unique=True)
            )
        if set_names and draw(st.booleans()):
            entry["configurationSets"] = [draw(st.sampled_from(set_names))]
        entries.append(entry)
    return entries


@dataclass(frozen=True, kw_only=True)
class DrawnStack:
    """A drawn stack configuration."""

    values: dict[str, Any]
    """The ``ses:`` config values, keys without the prefix."""
    aws_region: str
    """The ``aws:region`` provider setting."""
    broken: str | None = None
    """The limit deliberately crossed (see :data:`BREAKS`), or ``None``."""

    def stack_file(self) -> dict[str, Any]:
        """The ``Pulumi.<stack>.yaml`` content holding this configuration; BYODKIM keys are
        encrypted values (``secure:``), as the stack requires, so the plan uses its stand-in."""
        config: dict[str, Any] = {"aws:region": self.aws_region}
        config.update({f"ses:{key}": value for key, value in self.values.items()})
        for domain in self.values.get("domains") or []:
            dkim = domain.get("dkim") if isinstance(domain, dict) else None
            named = dkim.get("privateKeyConfig") if isinstance(dkim, dict) else None
            if isinstance(named, str) and f"ses:{named}" in config:
                config[f"ses:{named}"] = {"secure": "v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBB"}
        return {"config": config}


@st.composite
def stack_configs(draw: st.DrawFn) -> DrawnStack:
    """A whole stack configuration, mostly valid, with every section near its limits."""
    groups = regions_by_partition()
    partition = draw(st.sampled_from(["aws"] * 4 + sorted(groups)))
    regions = tuple(
        draw(st.lists(st.sampled_from(groups[partition]), min_size=1, max_size=3, unique=True))
    )
    sets: list[dict[str, Any]] = []
    for index in range(draw(st.integers(0, 3))):
        name = f"s{index}" + draw(st.text(_LDH, min_size=0, max_size=draw(near(62, low=0))))
        sets.append(
            {"name": name, "region": draw(st.sampled_from(regions)), **draw(set_settings(regions))}
        )
    names = draw(st.lists(domain_names(), min_size=1, max_size=8, unique=True))
    entries = []
    for name in names:
        region = draw(st.sampled_from(regions))
        in_region = [entry["name"] for entry in sets if entry["region"] == region]
        entries.append(draw(domains(name, region, in_region)))
    values: dict[str, Any] = {"domains": entries}
    if any("dkim" in entry and entry["dkim"].get("mode") == "byodkim" for entry in entries):
        values[SECRET_KEY] = byodkim_pem()
    if sets:
        values["configurationSets"] = sets
    if draw(st.booleans()):
        values["feedback"] = draw(set_settings(regions))
    users = draw(smtp_users(names, regions, [entry["name"] for entry in sets]))
    if users:
        values["smtpUsers"] = users
    if draw(st.booleans()):
        values["tags"] = draw(tags())
    if draw(st.booleans()):
        values["alarms"] = {
            "namePrefix": draw(label(32)),
            "subscriptions": [{"protocol": "email", "endpoint": "oncall@example.com"}],
        }
    broken: str | None = None
    if draw(st.integers(0, 4)) == 4:  # Hypothesis favours small draws: 4 keeps this rare
        broken = draw(st.sampled_from(sorted(BREAKS)))
        BREAKS[broken](values, regions[0])
        if not any(entry.get("dkim", {}).get("mode") == "byodkim" for entry in entries):
            values.pop(SECRET_KEY, None)
    return DrawnStack(values=values, aws_region=regions[0], broken=broken)


def _topics(values: dict[str, Any]) -> dict[str, Any]:
    feedback = values.setdefault("feedback", {})
    return feedback.setdefault("topics", {"bounce": {}})


def _first_domain(values: dict[str, Any]) -> dict[str, Any]:
    return values["domains"][0]


def _dkim_overflow(values: dict[str, Any], region: str) -> None:
    labels = ["a" * 63, "b" * 63, "c" * 63, "d" * (MAX_EASY_DKIM_DOMAIN + 1 - 3 * 64 - 4), "com"]
    _first_domain(values).update(name=".".join(labels), dkim={"mode": "easy"}, dns={})


BREAKS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "label 64 octets": lambda values, region: _first_domain(values).update(
        name=f"{'a' * 64}.com", dns={}
    ),
    "name 254 octets": lambda values, region: _first_domain(values).update(
        name=".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 59, "com"]), dns={}
    ),
    "Easy DKIM name 254 octets": _dkim_overflow,
    "selector 64": lambda values, region: _first_domain(values).update(
        dkim={"mode": "byodkim", "selector": "s" * 64, "privateKeyConfig": SECRET_KEY}
    ),
    "mail from label 64": lambda values, region: _first_domain(values).update(
        mailFrom={"subdomain": "m" * 64}
    ),
    "route53 ttl 59": lambda values, region: _first_domain(values).update(
        dns={"provider": "route53", "ttl": 59}
    ),
    "route53 ttl 172801": lambda values, region: _first_domain(values).update(
        dns={"provider": "route53", "ttl": 172801}
    ),
    "cloudflare ttl 59": lambda values, region: _first_domain(values).update(
        dns={"provider": "cloudflare", "zoneId": "0" * 32, "ttl": 59}
    ),
    "cloudflare ttl 86401": lambda values, region: _first_domain(values).update(
        dns={"provider": "cloudflare", "zoneId": "0" * 32, "ttl": 86401}
    ),
    "dmarc pct 101": lambda values, region: _first_domain(values).update(dmarc={"pct": 101}),
    "configuration set name 65": lambda values, region: values.setdefault(
        "configurationSets", []
    ).append({"name": "c" * 65, "region": region}),
    "topic kind 31": lambda values, region: _topics(values).update(
        {"k" * 31: {"events": ["SUBSCRIPTION"]}}
    ),
    "custom topic without events": lambda values, region: _topics(values).update({"custom": {}}),
    "queue maxReceiveCount 1001": lambda values, region: _topics(values).update(
        {"bounce": {"queue": {"maxReceiveCount": 1001}}}
    ),
    "queue retention 1209601": lambda values, region: _topics(values).update(
        {"bounce": {"queue": {"messageRetentionSeconds": 1_209_601}}}
    ),
    "queue visibility 43201": lambda values, region: _topics(values).update(
        {"bounce": {"queue": {"visibilityTimeoutSeconds": 43_201}}}
    ),
    "sqs queue name 81": lambda values, region: _topics(values).update(
        {
            "bounce": {
                "subscriptions": [
                    {
                        "protocol": "sqs",
                        "endpoint": f"arn:{partition_of(region)}:sqs:{region}:{ACCOUNT}:{'q' * 81}",
                    }
                ]
            }
        }
    ),
    "lambda function name 65": lambda values, region: _topics(values).update(
        {
            "bounce": {
                "subscriptions": [
                    {
                        "protocol": "lambda",
                        "endpoint": f"arn:{partition_of(region)}:lambda:{region}:{ACCOUNT}:"
                        f"function:{'f' * 65}",
                    }
                ]
            }
        }
    ),
    "kms deletion window 6": lambda values, region: values.setdefault("feedback", {}).update(
        kms={"deletionWindowInDays": 6}
    ),
    "maxDeliverySeconds 50401": lambda values, region: values.setdefault("feedback", {}).update(
        maxDeliverySeconds=50401
    ),
    "tag key 129": lambda values, region: values.update(tags={"k" * 129: "v"}),
    "tag value 257": lambda values, region: values.update(tags={"k": "v" * 257}),
    "IAM user name 65": lambda values, region: values.setdefault("smtpUsers", []).append(
        {"name": "u" * 65, "domains": [_first_domain(values)["name"]]}
    ),
    "IAM group name 129": lambda values, region: values.setdefault("smtpUsers", []).append(
        {"name": "g" * 129, "users": ["member"], "domains": [_first_domain(values)["name"]]}
    ),
    "secret recovery window 6": lambda values, region: values.setdefault("smtpUsers", []).append(
        {
            "name": "windowed",
            "domains": [_first_domain(values)["name"]],
            "secret": {"recoveryWindowInDays": 6},
        }
    ),
    "alarm name prefix 33": lambda values, region: values.update(alarms={"namePrefix": "p" * 33}),
}
"""Ways to cross one limit by one, each applied to a drawn (valid-looking) configuration."""
