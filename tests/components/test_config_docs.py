"""Every configuration key the parsers know is documented, and the docs list no other key.

The parsers are the one source: parsing a maximal configuration with every
:class:`~components.validation.Fields` accessor recorded gives every key path they accept. The
key tables of README.md ("Configuration reference"), docs/feedback.md and docs/smtp.md, and the
keys ``Pulumi.yaml`` declares, are checked against that set in both directions.

Paths are compared in doc form: list indices dropped (``ses:domains[0].dmarc.policy`` ->
``ses:domains.dmarc.policy``) and a topic's kind written ``<kind>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.multilang.package import schema
from components.stack_config import parse_stack_config
from components.validation import Fields
from tests.support.paths import REPO
from tests.support.private_keys import rsa_pem

NAMESPACE = "ses"
README = REPO / "README.md"
FEEDBACK_DOC = REPO / "docs" / "feedback.md"
SMTP_DOC = REPO / "docs" / "smtp.md"
API_DOC = REPO / "docs" / "api-senders.md"
DELIVERABILITY_DOC = REPO / "docs" / "deliverability.md"
KEY_DOCS = (README, FEEDBACK_DOC, SMTP_DOC, API_DOC, DELIVERABILITY_DOC)
SECTION_DOCS = {
    "ses:feedback": FEEDBACK_DOC,
    "ses:configurationSets": FEEDBACK_DOC,
    "ses:alarms": FEEDBACK_DOC,
    "ses:accountSuppression": FEEDBACK_DOC,
    "ses:smtpUsers": SMTP_DOC,
    "ses:apiSenders": API_DOC,
    "ses:contactLists": DELIVERABILITY_DOC,
    "ses:tenants": DELIVERABILITY_DOC,
    "ses:dedicatedIpPools": DELIVERABILITY_DOC,
    "ses:vdm": DELIVERABILITY_DOC,
}
"""Where the keys below each section are documented; every other key is in README.md."""
PROVIDER_KEYS = frozenset({"aws:region"})
"""Read by ``parse_stack_config`` from its ``aws_region`` argument, not through ``Fields``."""
SHARED_SET_KEYS = ("ses:configurationSets.", "ses:feedback.")
"""docs/feedback.md: configuration set entries take every ``ses:feedback`` key."""
SECRET_KEY = "dkimKey"
"""The config key the maximal configuration's ``dkim.privateKeyConfig`` names: its name is the
user's choice, so it is a value, not a key of the schema."""

_PEM = rsa_pem(1024)
_EMAIL = {"protocol": "email", "endpoint": "ops@example.com"}
_SET_SETTINGS: dict[str, Any] = {
    "tlsPolicy": "REQUIRE",
    "reputationMetrics": True,
    "sendingEnabled": True,
    "suppressedReasons": ["BOUNCE"],
    "maxDeliverySeconds": 3600,
    "tracking": {
        "customRedirectDomain": "track.example.com",
        "httpsPolicy": "REQUIRE",
        "cdnDomain": "d111111abcdef8.cloudfront.net",
    },
    "vdm": {"engagementMetrics": "ENABLED", "optimizedSharedDelivery": "DISABLED"},
    "sendingPoolName": "bulk",
    "topics": {
        "bounce": {
            "events": ["BOUNCE"],
            "subscriptions": [
                {
                    "protocol": "sqs",
                    "endpoint": "arn:aws:sqs:us-east-1:123456789012:bounces",
                    "rawMessageDelivery": True,
                }
            ],
            "queue": {
                "enabled": True,
                "maxReceiveCount": 5,
                "messageRetentionSeconds": 86400,
                "visibilityTimeoutSeconds": 30,
            },
        },
        "complaint": {"subscriptions": [_EMAIL]},
    },
    "kms": {"enabled": True, "deletionWindowInDays": 7},
    "cloudWatch": {
        "enabled": True,
        "events": ["SEND", "BOUNCE"],
        "dimensions": [{"name": "campaign", "source": "MESSAGE_TAG", "defaultValue": "none"}],
    },
    "eventBridge": {"enabled": True, "events": ["DELIVERY"]},
    "allowUnroutedFeedback": False,
    "emailForwarding": False,
    "tags": {"team": "mail"},
}
MAXIMAL: dict[str, Any] = {
    "domains": [
        {
            "name": "example.com",
            "region": "us-east-1",
            "dkim": {"mode": "easy", "keyLength": "RSA_2048_BIT", "targetDomain": "dkim.example"},
            "mailFrom": {
                "enabled": True,
                "subdomain": "mail",
                "behaviorOnMxFailure": "REJECT_MESSAGE",
            },
            "dmarc": {
                "enabled": True,
                "policy": "reject",
                "subdomainPolicy": "quarantine",
                "rua": ["mailto:dmarc@example.com"],
                "ruf": ["mailto:dmarc@example.com"],
                "pct": 50,
                "adkim": "s",
                "aspf": "s",
            },
            "dns": {"provider": "route53", "zoneName": "example.com", "ttl": 600},
            "emailIdentities": ["test@example.com"],
            "tags": {"owner": "mail"},
            "protect": True,
            "configurationSet": "shared",
            "adopt": {
                "identity": True,
                "mailFrom": True,
                "configurationSet": "shared",
                "records": ["dkim", "dmarc"],
            },
            "sendingAuthorization": [
                {
                    "name": "partner",
                    "principals": ["111122223333"],
                    "actions": ["ses:SendEmail"],
                    "fromAddresses": ["orders@example.com"],
                    "recipients": ["*@example.net"],
                }
            ],
        },
        {
            "name": "example.org",
            "dkim": {"mode": "byodkim", "selector": "ses2026", "privateKeyConfig": SECRET_KEY},
            "dns": {"provider": "cloudflare", "zoneId": "0123456789abcdef0123456789abcdef"},
            "dmarc": {"policy": "reject"},
            "bimi": {
                "logoUrl": "https://example.org/bimi/logo.svg",
                "authorityUrl": "https://example.org/bimi/vmc.pem",
                "selector": "default",
            },
        },
        {
            "name": "example.net",
            "regions": ["us-east-1", "eu-west-1"],
            "mailFrom": {"subdomains": {"eu-west-1": "bounce-eu"}},
            "globalEndpoint": {"name": "example-net", "regions": ["us-east-1", "eu-west-1"]},
            "postmasterTools": {
                "verification": "google-site-verification="
                + "rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"
            },
            "dns": {"provider": "external"},
        },
    ],
    SECRET_KEY: _PEM,
    "tags": {"project": "ses"},
    "protect": False,
    "feedback": _SET_SETTINGS,
    "configurationSets": [
        {"name": "shared", "region": "us-east-1", **_SET_SETTINGS},
        {"name": "both", "regions": ["us-east-1", "eu-west-1"]},
    ],
    "alarms": {
        "enabled": True,
        "bounceRateThreshold": 0.04,
        "complaintRateThreshold": 0.0008,
        "periodSeconds": 3600,
        "evaluationPeriods": 1,
        "subscriptions": [_EMAIL],
        "dashboard": True,
        "namePrefix": "ses",
    },
    "accountSuppression": {"suppressedReasons": ["BOUNCE"], "regions": ["us-east-1"]},
    "contactLists": [
        {
            "name": "customers",
            "region": "us-east-1",
            "description": "Everyone",
            "topics": [
                {
                    "name": "news",
                    "displayName": "News",
                    "description": "Weekly",
                    "defaultSubscriptionStatus": "OPT_OUT",
                }
            ],
            "tags": {"team": "mail"},
        }
    ],
    "dedicatedIpPools": [
        {"name": "bulk", "region": "us-east-1", "scalingMode": "MANAGED", "tags": {"a": "b"}},
        {"name": "bulk", "region": "eu-west-1", "scalingMode": "STANDARD"},
        {"name": "old", "existing": True},
    ],
    "vdm": {
        "enabled": "ENABLED",
        "dashboard": {"engagementMetrics": "ENABLED"},
        "guardian": {"optimizedSharedDelivery": "ENABLED"},
        "regions": ["us-east-1"],
    },
    "tenants": [
        {
            "name": "acme",
            "region": "us-east-1",
            "identities": ["example.com"],
            "configurationSets": ["shared"],
            "contactLists": ["customers"],
            "tags": {"tenant": "acme"},
        }
    ],
    "smtpUsers": [
        {
            "name": "app-mailer",
            "domains": ["example.com"],
            "fromAddresses": ["noreply@example.com"],
            "recipients": ["*@example.com"],
            "extraRegions": ["us-west-2"],
            "configurationSets": ["shared"],
            "path": "/ses-smtp/",
            "rotation": "2026-05",
            "previousRotation": "2026-01",
            "secret": {
                "enabled": True,
                "name": "ses-smtp/app-mailer/credentials",
                "kmsKeyId": "alias/ses-smtp",
                "recoveryWindowInDays": 7,
            },
            "tags": {"app": "mailer"},
        },
        {"name": "workers", "users": ["worker-a", "worker-b"], "domains": ["example.org"]},
        {
            "name": "relay",
            "identityArns": ["arn:aws:ses:us-east-1:444455556666:identity/partner.example"],
            "fromAddresses": ["relay@partner.example"],
        },
    ],
    "apiSenders": [
        {
            "name": "app-api",
            "kind": "role",
            "trust": {
                "principals": ["ecs-tasks.amazonaws.com"],
                "conditions": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
            },
            "maxSessionDuration": 7200,
            "path": "/ses-api/",
            "domains": ["example.com"],
            "identityArns": ["arn:aws:ses:us-east-1:444455556666:identity/partner.example"],
            "fromAddresses": ["noreply@example.com"],
            "recipients": ["*@example.com"],
            "extraRegions": ["us-west-2"],
            "configurationSets": ["shared"],
            "tags": {"app": "api"},
        },
        {
            "name": "reports",
            "kind": "user",
            "accessKey": True,
            "rotation": "2026-05",
            "previousRotation": "2026-01",
            "domains": ["example.com"],
            "fromAddresses": ["reports@example.com"],
        },
    ],
}
"""Every section filled, both DKIM modes and both SMTP modes: it must parse without a problem."""


def doc_form(path: str) -> str:
    """``ses:feedback.topics.bounce.queue.enabled`` -> ``ses:feedback.topics.<kind>.queue.enabled``,
    ``ses:domains[0].name`` -> ``ses:domains.name``."""
    path = re.sub(r"\[[^\]]*\]", "", path)
    return re.sub(r"^(ses:(?:feedback|configurationSets)\.topics)\.[^.<]+", r"\1.<kind>", path)


def _recording(seen: set[str]) -> Callable[[Fields, str], object]:
    original = Fields._get

    def get(self: Fields, key: str) -> object:
        seen.add(doc_form(self.key_path(key)))
        return original(self, key)

    return get


@pytest.fixture(scope="module")
def parser_keys() -> frozenset[str]:
    """Every key path an accessor asked for while parsing :data:`MAXIMAL`, in doc form."""
    seen: set[str] = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Fields, "_get", _recording(seen))
        parse_stack_config(MAXIMAL, namespace=NAMESPACE, aws_region="us-east-1")
    seen.discard(f"{NAMESPACE}:{SECRET_KEY}")
    return frozenset(seen | PROVIDER_KEYS)


# --- the docs' key tables --------------------------------------------------------------------

_HEADING = re.compile(r"^#+\s+(.*)$")
_HEADING_PREFIX = re.compile(r"`(ses:[^`]*)`")
_CODE = re.compile(r"`([^`]+)`")


def _cells(line: str) -> list[str]:
    """A table row's cells; ``\\|`` inside a cell is not a column break."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def doc_keys(doc: Path) -> dict[str, int]:
    """Key path -> line number, for each row of each table whose first column is ``key``.

    The keys of a table are relative to the last ``ses:`` path in backticks in the heading above
    it (``### A domain (`ses:domains[i]`)``), or full paths when the heading names none. One cell
    may hold several keys (```dmarc.rua`, `dmarc.ruf```); a ``list[]`` key whose type is
    ``{a, b}`` stands for ``list.a`` and ``list.b``.
    """
    keys: dict[str, int] = {}
    prefix = ""
    in_table = in_code = False
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if heading := _HEADING.match(line):
            found = _HEADING_PREFIX.findall(heading.group(1))
            prefix = found[-1] if found else ""
            in_table = False
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        cells = _cells(line)
        if cells[0] == "key":
            in_table = True
            continue
        if not in_table or set(cells[0]) <= set("-: "):
            continue
        fields_type = cells[1].strip("`") if len(cells) > 1 else ""
        for key in _CODE.findall(cells[0]):
            full = f"{prefix}.{key}" if prefix else key
            members = re.fullmatch(r"\{([\w, ]+)\}", fields_type)
            if key.endswith("[]") and members:
                for member in members.group(1).split(","):
                    keys[doc_form(f"{full}.{member.strip()}")] = number
            else:
                keys[doc_form(full)] = number
    return keys


def documented(key: str, known: set[str]) -> bool:
    """Listed, or the parent of a listed key (``dkim`` of ``dkim.mode``)."""
    return key in known or any(other.startswith(f"{key}.") for other in known)


def owner(key: str) -> Path:
    """The doc file that documents ``key``."""
    for section, doc in SECTION_DOCS.items():
        if key.startswith(f"{section}."):
            return doc
    return README


def shared_form(key: str) -> str:
    """A configuration set entry's key in its ``ses:feedback`` form (unchanged otherwise)."""
    entry, default = SHARED_SET_KEYS
    return default + key.removeprefix(entry) if key.startswith(entry) else key


def relative(doc: Path) -> str:
    return str(doc.relative_to(REPO))


def test_the_maximal_configuration_reaches_every_mode(parser_keys: frozenset[str]) -> None:
    """Keys read only in some mode or only when present are in the set."""
    for key in (
        "ses:domains.dkim.selector",
        "ses:domains.dkim.privateKeyConfig",
        "ses:domains.dmarc.subdomainPolicy",
        "ses:smtpUsers.users",
        "ses:smtpUsers.secret.recoveryWindowInDays",
        "ses:feedback.topics.<kind>.queue.visibilityTimeoutSeconds",
        "ses:alarms.subscriptions.rawMessageDelivery",
        "ses:accountSuppression.regions",
        "ses:apiSenders.trust.conditions",
        "ses:apiSenders.accessKey",
        "ses:domains.sendingAuthorization.actions",
    ):
        assert key in parser_keys


def test_configuration_sets_take_exactly_the_feedback_keys(parser_keys: frozenset[str]) -> None:
    entry, default = SHARED_SET_KEYS
    own = {key.removeprefix(entry) for key in parser_keys if key.startswith(entry)}
    shared = {key.removeprefix(default) for key in parser_keys if key.startswith(default)}
    assert own - shared == {"name", "region", "regions"}
    assert shared <= own


def test_every_parser_key_is_documented(parser_keys: frozenset[str]) -> None:
    known = {key for doc in KEY_DOCS for key in doc_keys(doc)}
    missing = sorted(
        f"{key} is not documented in {relative(owner(key))}"
        for key in parser_keys
        if not documented(key, known) and not documented(shared_form(key), known)
    )
    assert not missing, "\n".join(missing)


def test_every_documented_key_is_a_parser_key(parser_keys: frozenset[str]) -> None:
    unknown = [
        f"{relative(doc)}:{line}: {key} is not a configuration key"
        for doc in KEY_DOCS
        for key, line in doc_keys(doc).items()
        if key not in parser_keys
    ]
    assert not unknown, "\n".join(unknown)


def test_each_doc_has_key_tables() -> None:
    """A table the parser above stopped reading (a changed header) would pass silently."""
    for doc in KEY_DOCS:
        assert len(doc_keys(doc)) >= 8, relative(doc)


# --- Pulumi.yaml -----------------------------------------------------------------------------

_COMMENTED_KEY = re.compile(r"^#\s+(ses:[\w\[\].]+)\s+\(")


def pulumi_yaml_keys() -> dict[str, str]:
    """Key path -> where: the ``config:`` block's keys and the structured keys its comment lists."""
    text = (REPO / "Pulumi.yaml").read_text(encoding="utf-8")
    project = yaml.safe_load(text)
    keys = {
        doc_form(key if ":" in key else f"{NAMESPACE}:{key}"): "config:"
        for key in project.get("config", {})
    }
    for line in text.splitlines():
        if match := _COMMENTED_KEY.match(line):
            keys[doc_form(match.group(1))] = "comment"
    return keys


def test_pulumi_yaml_declares_only_parser_keys(parser_keys: frozenset[str]) -> None:
    unknown = [
        f"Pulumi.yaml ({where}): {key} is not a configuration key"
        for key, where in pulumi_yaml_keys().items()
        if key not in parser_keys
    ]
    assert not unknown, "\n".join(unknown)


def test_pulumi_yaml_names_every_top_level_key(parser_keys: frozenset[str]) -> None:
    top_level = {key for key in parser_keys if key.startswith(f"{NAMESPACE}:") and "." not in key}
    missing = sorted(top_level - set(pulumi_yaml_keys()))
    assert not missing, f"Pulumi.yaml names neither in config: nor in its comment: {missing}"


# --- the multi-language provider's input types -----------------------------------------------

PROVIDER_RENAMES = {
    "ses:domains.configurationSetName": "ses:domains.configurationSet",
    "ses:domains.dkim.privateKey": "ses:domains.dkim.privateKeyConfig",
}
"""Inputs named differently from their config key (a set name only, not ``true``/``false``)."""
CHOICES = {
    "ses:domains.dkim": ("easy", "byodkim"),
    "ses:domains.dns": ("route53", "cloudflare", "external"),
}
"""``SesDomain``'s choices (its props' unions): one object per choice where the config has
``mode``/``provider``; the keys inside each choice are the config's."""


def without_choices(path: str) -> str:
    """A key path with the choice level left out (``dns.route53.zoneId`` -> ``dns.zoneId``)."""
    for parent, keys in CHOICES.items():
        for key in keys:
            choice = f"{parent}.{key}"
            if path == choice or path.startswith(f"{choice}."):
                return parent + path.removeprefix(choice)
    return path


def input_keys(properties: dict[str, Any], types: dict[str, Any], prefix: str) -> Iterator[str]:
    """Every key path of a component's inputs in the package schema, through nested object
    types and lists of them."""
    for key, spec in properties.items():
        path = f"{prefix}.{key}"
        yield path
        ref = spec.get("$ref") or spec.get("items", {}).get("$ref")
        target = types.get(str(ref).removeprefix("#/types/"), {})
        yield from input_keys(target.get("properties", {}), types, path)


@pytest.mark.parametrize(("component", "section"), [("SesDomain", "ses:domains")])
def test_provider_inputs_are_parser_keys(
    parser_keys: frozenset[str], component: str, section: str
) -> None:
    """``SesDomain``'s inputs are a ``domains`` entry's keys; the other components' inputs are
    their props (an ``SmtpUser`` names regions and a policy, not configured domains)."""
    package = schema()
    inputs = package["resources"][f"ses:index:{component}"]["inputProperties"]
    unknown = [
        f"components/domain/args.py: {component} {path} is not a configuration key"
        for path in input_keys(inputs, package["types"], section)
        if PROVIDER_RENAMES.get(without_choices(path), without_choices(path)) not in parser_keys
    ]
    assert not unknown, "\n".join(unknown)
