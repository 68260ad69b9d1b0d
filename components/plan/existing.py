"""``plan --check-adopted``: what the plan adopts, confirmed in SES before the first ``pulumi up``.

Each adopted resource is read in its region (sesv2 ``GetEmailIdentity``, ``GetConfigurationSet``)
and held against what the plan declares for it. Pulumi imports a resource only when it matches
the declaration, so a missing resource, an identity signed with another DKIM setup, another
default configuration set or another MAIL FROM domain is named here, with both values, instead
of failing the update. Reads only; credentials come from boto3's usual chain and are never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..checks.aws_api import ApiFailure, classify, client, error_code, shown

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
_NOT_FOUND = frozenset({"NotFoundException"})


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One adopted resource that cannot be imported as declared."""

    resource: str
    """The resource's logical name."""
    region: str
    message: str
    """What is wrong, with the declared and the existing value."""

    def __str__(self) -> str:
        return f"{self.resource} ({self.region}): {self.message}"


@dataclass(frozen=True, kw_only=True)
class Confirmation:
    """What SES holds of the adopted resources: ``checked`` read, ``findings`` that differ."""

    checked: int
    findings: tuple[Finding, ...]
    failure: ApiFailure | None = None
    """An AWS call that failed (the check stopped there)."""


def check_adopted(
    resources: Iterable[Mapping[str, Any]],
    endpoint: str | None = None,
    make_client: Callable[[str, str, str | None], Any] = client,
) -> Confirmation:
    """Read each adopted resource of a plan's ``resources`` in its region and compare."""
    clients: dict[str, Any] = {}
    findings: list[Finding] = []
    checked = 0
    for resource in resources:
        if "import_id" not in resource:
            continue
        inputs: Mapping[str, Any] = resource["inputs"]
        region = str(inputs.get("region"))
        if region not in clients:
            clients[region] = make_client("sesv2", region, endpoint)
        sesv2 = clients[region]
        found = _Found(name=str(resource["name"]), region=region, findings=findings)
        is_set = resource["type"] == CONFIGURATION_SET
        call = "sesv2 GetConfigurationSet" if is_set else "sesv2 GetEmailIdentity"
        try:
            if is_set:
                sesv2.get_configuration_set(ConfigurationSetName=resource["import_id"])
            else:
                answer = sesv2.get_email_identity(EmailIdentity=resource["import_id"])
                compare = _identity if resource["type"] == IDENTITY else _mail_from
                compare(inputs, answer, found)
        except Exception as exc:  # botocore's errors, classified; anything else is re-raised
            code, _ = error_code(exc)
            if code not in _NOT_FOUND:
                return Confirmation(
                    checked=checked, findings=tuple(findings), failure=classify(exc, call)
                )
            found.differs(
                f"does not exist in SES ({call}: {code}); adopt only what was made in this "
                "account and region, or remove it from adopt so the stack creates it"
            )
        checked += 1
    return Confirmation(checked=checked, findings=tuple(findings))


@dataclass(frozen=True, kw_only=True)
class _Found:
    name: str
    region: str
    findings: list[Finding]

    def differs(self, message: str) -> None:
        self.findings.append(Finding(resource=self.name, region=self.region, message=message))

    def compare(self, what: str, declared: object, existing: object) -> None:
        if declared != existing:
            self.differs(
                f"{what} is {shown(existing or '(none)', 80)} in SES but "
                f"{shown(declared or '(none)', 80)} in the "
                "stack; the import option adopts only a match: change one of them, or import "
                "it as it is with pulumi import --file and let pulumi up update it"
            )


def _identity(inputs: Mapping[str, Any], answer: Mapping[str, Any], found: _Found) -> None:
    dkim: Mapping[str, Any] = answer.get("DkimAttributes") or {}
    declared: Mapping[str, Any] = inputs.get("dkimSigningAttributes") or {}
    if dkim.get("SigningAttributesOrigin") == "EXTERNAL":
        found.differs(
            "signs with a key of its own in SES (BYODKIM, SigningAttributesOrigin EXTERNAL) "
            "but with Easy DKIM in the stack; the import would not match"
        )
    elif "nextSigningKeyLength" in declared:
        found.compare(
            "the DKIM key length",
            declared["nextSigningKeyLength"],
            dkim.get("NextSigningKeyLength"),
        )
    found.compare(
        "the default configuration set",
        inputs.get("configurationSetName"),
        answer.get("ConfigurationSetName"),
    )


def _mail_from(inputs: Mapping[str, Any], answer: Mapping[str, Any], found: _Found) -> None:
    existing: Mapping[str, Any] = answer.get("MailFromAttributes") or {}
    found.compare(
        "the MAIL FROM domain", inputs.get("mailFromDomain"), existing.get("MailFromDomain")
    )
    found.compare(
        "the MAIL FROM behavior on MX failure",
        inputs.get("behaviorOnMxFailure"),
        existing.get("BehaviorOnMxFailure"),
    )
