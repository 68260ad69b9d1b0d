"""SES guardrails as policy: pure rule functions and the pack's ``ResourceValidationPolicy`` list.

Each rule takes a resource type and its properties as the engine sends them to a policy pack
(camelCase names, secrets already unwrapped, the same shape as the offline plan's ``inputs``) and
returns the violation messages (none: compliant). Messages never quote key material.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from documents import REDACTED, PolicyDocument, as_list, as_mapping, short, statements
from identity_policies import (
    ALLOWED_ACCOUNTS_KEY,
    validate_identity_policies,
)
from pulumi_policy import (
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

PACK_NAME = "ses-guardrails"

CONFIGURATION_SET_V2 = "aws:sesv2/configurationSet:ConfigurationSet"
CONFIGURATION_SET_V1 = "aws:ses/configurationSet:ConfigurationSet"
EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
IAM_POLICY_TYPES = frozenset(
    {
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/policy:Policy",
    }
)
TOPIC_POLICY_TYPES = frozenset({"aws:sns/topicPolicy:TopicPolicy", "aws:sns/topic:Topic"})
ROUTE53_RECORD = "aws:route53/record:Record"
CLOUDFLARE_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
SENDING_ACTIONS = frozenset({"ses:sendrawemail", "ses:sendemail"})
"""What an SMTP policy may allow (SMTP sends need only ``ses:SendRawEmail``)."""
SES_PRINCIPAL = "ses.amazonaws.com"
DKIM_BITS = 2048
DEFAULT_PRODUCTION_STACKS = ("prod", "production")
Rule = Callable[[str, Mapping[str, Any]], list[str]]


# --- configuration sets require TLS -------------------------------------------------------


def configuration_set_requires_tls(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """SES configuration sets must deliver over TLS only (``tlsPolicy`` REQUIRE)."""
    if resource_type not in (CONFIGURATION_SET_V2, CONFIGURATION_SET_V1):
        return []
    policy = as_mapping(props.get("deliveryOptions")).get("tlsPolicy")
    if str(policy or "").upper() == "REQUIRE":
        return []
    return [
        f"configuration set {short(props.get('configurationSetName') or props.get('name'))}: "
        f"deliveryOptions.tlsPolicy is {short(policy or 'unset (OPTIONAL)')}; set it to REQUIRE so "
        "SES never delivers mail in the clear"
    ]


# --- SMTP IAM policies grant only sending, never Resource "*" -------------------------------


def _grants_ses(actions: Iterable[str]) -> bool:
    return any(a == "*" or a.startswith("ses:") for a in actions)


def smtp_policy_send_only(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """An IAM policy that grants any SES action grants only ``ses:SendRawEmail`` /
    ``ses:SendEmail``, on named resources (never ``*``), without ``NotAction``/``NotResource``."""
    if resource_type not in IAM_POLICY_TYPES:
        return []
    parsed = PolicyDocument(props.get("policy"))
    document = parsed.document
    if document is None or parsed.problem is not None:
        return parsed.unreadable(f"IAM policy {short(props.get('name') or '')}".rstrip())
    allows = [s for s in statements(document) if s.get("Effect") == "Allow"]
    if not any(
        _grants_ses(str(a).lower() for a in as_list(s.get("Action"))) or "NotAction" in s
        for s in allows
    ):
        return []
    name = short(props.get("name") or "policy")
    problems: list[str] = []
    for index, statement in enumerate(allows):
        label = f"{name}: statement {short(statement.get('Sid') or index)}"
        if "NotAction" in statement or "NotResource" in statement:
            problems.append(f"{label} uses NotAction/NotResource; name the sending actions")
        actions = [str(a) for a in as_list(statement.get("Action"))]
        extra = sorted(a for a in actions if a.lower() not in SENDING_ACTIONS)
        if extra:
            problems.append(
                f"{label} allows {short(', '.join(extra))}; an SMTP policy allows only "
                "ses:SendRawEmail"
            )
        resources = [str(r) for r in as_list(statement.get("Resource"))]
        if "*" in resources:
            problems.append(f'{label} has Resource "*"; name the identities it may send from')
    return problems


# --- SES-facing topic policies carry aws:SourceAccount and aws:SourceArn ------------------


def _condition_keys(statement: Mapping[str, Any]) -> set[str]:
    return {
        str(key).lower()
        for operator in as_mapping(statement.get("Condition")).values()
        for key in as_mapping(operator)
    }


def _names_ses(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    services = (
        as_list(as_mapping(principal).get("Service")) if isinstance(principal, Mapping) else []
    )
    return SES_PRINCIPAL in {str(s).lower() for s in services}


def ses_topic_policy_guarded(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Every statement of an SNS topic policy that lets ``ses.amazonaws.com`` in must be bound to
    the account and the source (``aws:SourceAccount`` and ``aws:SourceArn``): confused deputy."""
    if resource_type not in TOPIC_POLICY_TYPES:
        return []
    parsed = PolicyDocument(props.get("policy"))
    document = parsed.document
    label = f"topic {short(props.get('arn') or props.get('name') or '')}".rstrip()
    if document is None or parsed.problem is not None:
        return parsed.unreadable(label)
    problems: list[str] = []
    for index, statement in enumerate(statements(document)):
        if statement.get("Effect") != "Allow" or not _names_ses(statement):
            continue
        missing = [
            key
            for key in ("aws:SourceAccount", "aws:SourceArn")
            if key.lower() not in _condition_keys(statement)
        ]
        if missing:
            problems.append(
                f"{label}: statement {short(statement.get('Sid') or index)} lets {SES_PRINCIPAL} "
                f"publish without {' and '.join(missing)} conditions (confused deputy)"
            )
    return problems


# --- DKIM keys are 2048-bit ---------------------------------------------------------------


def rsa_bits_of_der(text: str, *, private: bool) -> int | None:
    """Bits of a base64 DER RSA key (PKCS#8 private or SubjectPublicKeyInfo), ``None`` when the
    text is not such a key."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        der = base64.b64decode("".join(text.split()), validate=True)
        key = (
            serialization.load_der_private_key(der, password=None)
            if private
            else serialization.load_der_public_key(der)
        )
    except (ValueError, TypeError, binascii.Error, UnsupportedAlgorithm):
        return None
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return key.key_size
    return None


def _txt_text(value: str) -> str:
    """The whole TXT text from Route 53's or Cloudflare's split, quoted form."""
    text = value.strip()
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    return re.sub(r'"\s*"', "", text)


def _dns_record(resource_type: str, props: Mapping[str, Any]) -> tuple[str, str, list[str]]:
    """(owner name, record type, values) of a Route 53 or Cloudflare record resource."""
    if resource_type == ROUTE53_RECORD:
        values = [str(v) for v in as_list(props.get("records"))]
    elif resource_type == CLOUDFLARE_RECORD:
        values = [str(props.get("content") or "")]
    else:
        return "", "", []
    return str(props.get("name") or "").lower(), str(props.get("type") or "").upper(), values


def _tags(text: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        if key.strip():
            tags[key.strip().lower()] = value.strip()
    return tags


def dkim_keys_2048(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Easy DKIM asks SES for 2048-bit keys; a BYODKIM private key, and any DKIM key record
    published in DNS, is 2048-bit."""
    problems: list[str] = []
    if resource_type == EMAIL_IDENTITY:
        identity = short(props.get("emailIdentity") or "")
        if "@" in identity:
            return []
        attributes = as_mapping(props.get("dkimSigningAttributes"))
        private_key = attributes.get("domainSigningPrivateKey")
        if isinstance(private_key, str) and private_key:
            # REDACTED is the offline plan's stand-in; the engine gives the pack the real key
            bits = rsa_bits_of_der(private_key, private=True) if private_key != REDACTED else 0
            if bits is None:
                problems.append(
                    f"{identity}: the BYODKIM private key is not an RSA private key (base64 "
                    "PKCS#8 DER, as SES's DomainSigningPrivateKey takes it); SES would refuse it"
                )
            elif bits not in (0, DKIM_BITS):
                problems.append(
                    f"{identity}: the BYODKIM private key is {bits}-bit; use a {DKIM_BITS}-bit key"
                )
        elif attributes.get("nextSigningKeyLength") != "RSA_2048_BIT":
            problems.append(
                f"{identity}: dkimSigningAttributes.nextSigningKeyLength is "
                f"{short(attributes.get('nextSigningKeyLength') or 'unset')}; set RSA_2048_BIT"
            )
        return problems
    name, record_type, values = _dns_record(resource_type, props)
    if record_type != "TXT" or "._domainkey." not in f".{name}":
        return []
    for value in values:
        tags = _tags(_txt_text(value))
        if tags.get("v", "DKIM1") != "DKIM1" or not tags.get("p"):
            continue
        bits = rsa_bits_of_der(tags["p"], private=False)
        if bits is None:
            problems.append(f"{short(name)}: the DKIM key record's p= is not an RSA public key")
        elif bits != DKIM_BITS:
            problems.append(
                f"{short(name)}: the DKIM key is {bits}-bit; publish a {DKIM_BITS}-bit key"
            )
    return problems


# --- DMARC is not p=none in production ----------------------------------------------------


def stack_of_urn(urn: str) -> str:
    """The stack name in ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    parts = urn.split(":", 2)
    return parts[2].split("::", 1)[0] if len(parts) == 3 and parts[0] == "urn" else ""


def is_production(
    urn: str, stack_tags: Mapping[str, str], config: Mapping[str, Any] | None = None
) -> bool:
    """A stack is production when its name is one of the policy config's ``productionStacks``
    (default ``prod``, ``production``) or its stack tag ``environment`` is ``production``."""
    stacks = as_list(as_mapping(config).get("productionStacks")) or list(DEFAULT_PRODUCTION_STACKS)
    if stack_of_urn(urn) in {str(s) for s in stacks}:
        return True
    return str(stack_tags.get("environment", "")).lower() == "production"


def dmarc_enforced(resource_type: str, props: Mapping[str, Any], *, production: bool) -> list[str]:
    """In a production stack a DMARC record's ``p=`` (and ``sp=``, when given) is quarantine or
    reject, never none, and the record is not in test mode: ``t=y`` (RFC 9989) or ``pct=0``
    (RFC 7489) tell receivers to apply the policy to no mail."""
    if not production:
        return []
    name, record_type, values = _dns_record(resource_type, props)
    if record_type != "TXT" or not name.startswith("_dmarc."):
        return []
    problems: list[str] = []
    for value in values:
        tags = _tags(_txt_text(value))
        if tags.get("v") != "DMARC1":
            continue
        for tag in ("p", "sp"):
            if tags.get(tag, "").lower() == "none":
                problems.append(
                    f"{short(name)}: {tag}=none in a production stack; use quarantine or reject"
                )
        if tags.get("t", "").lower() == "y" or tags.get("pct") == "0":
            mode = "t=y" if tags.get("t", "").lower() == "y" else "pct=0"
            problems.append(
                f"{short(name)}: {mode} puts DMARC in test mode in a production stack (receivers "
                "apply the policy to no mail); remove it"
            )
    return problems


# --- the pack ------------------------------------------------------------------------------


def _reporting(rule: Rule) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in rule(args.resource_type, args.props):
            report_violation(message, None)

    return validate


def _validate_dmarc(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    production = is_production(args.urn, args.stack_tags, args.get_config())
    for message in dmarc_enforced(args.resource_type, args.props, production=production):
        report_violation(message, None)


RULES: dict[str, Rule] = {
    "ses-configuration-set-requires-tls": configuration_set_requires_tls,
    "ses-smtp-policy-send-only": smtp_policy_send_only,
    "ses-topic-policy-source-guard": ses_topic_policy_guarded,
    "ses-dkim-2048-bit": dkim_keys_2048,
}
"""The rules that need nothing but the resource, by policy name."""

POLICIES: list[Policy] = [
    ResourceValidationPolicy(
        name="ses-configuration-set-requires-tls",
        description="SES configuration sets deliver over TLS only (tlsPolicy REQUIRE).",
        validate=_reporting(configuration_set_requires_tls),
    ),
    ResourceValidationPolicy(
        name="ses-smtp-policy-send-only",
        description='IAM policies granting SES actions allow only sending, never on Resource "*".',
        validate=_reporting(smtp_policy_send_only),
    ),
    ResourceValidationPolicy(
        name="ses-topic-policy-source-guard",
        description="SNS topic policies letting SES publish require aws:SourceAccount and "
        "aws:SourceArn.",
        validate=_reporting(ses_topic_policy_guarded),
    ),
    ResourceValidationPolicy(
        name="ses-dkim-2048-bit",
        description="DKIM keys are 2048-bit: Easy DKIM key length, BYODKIM keys, DKIM records.",
        validate=_reporting(dkim_keys_2048),
    ),
    ResourceValidationPolicy(
        name="ses-identity-policy-specific-principal",
        description="Sending authorization policies name specific principals (no '*', no whole "
        "account unless allowed) and limit ses:FromAddress.",
        validate=validate_identity_policies,
        config_schema=PolicyConfigSchema(
            properties={ALLOWED_ACCOUNTS_KEY: {"type": "array", "items": {"type": "string"}}}
        ),
    ),
    ResourceValidationPolicy(
        name="ses-dmarc-enforced-in-production",
        description="DMARC records of production stacks are not p=none nor in test mode.",
        validate=_validate_dmarc,
        config_schema=PolicyConfigSchema(
            properties={
                "productionStacks": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": list(DEFAULT_PRODUCTION_STACKS),
                }
            }
        ),
    ),
]
