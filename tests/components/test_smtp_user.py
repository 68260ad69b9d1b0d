"""``SmtpUser`` / ``SmtpGroup`` under the mock runtime: resources, policy, secrets, rotation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from parliament import analyze_policy_string

from components.plan.mocks import ACCOUNT_ID, SECRET_PLACEHOLDER
from components.smtp.credentials import send_policy, smtp_password_v4
from tests.support.smtp_support import config_with, run_smtp

USER = "ses:index:SmtpUser"
IAM_USER = "aws:iam/user:User"
ACCESS_KEY = "aws:iam/accessKey:AccessKey"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"

APP: dict[str, Any] = {
    "name": "app-mailer",
    "domains": ["example.com", "example.org"],
    "fromAddresses": ["noreply@example.com", "*@news.example.org"],
    "recipients": ["*@example.com", "success@simulator.amazonses.com"],
    "extraRegions": ["eu-central-1"],
    "configurationSets": ["marketing"],
    "secret": {"kmsKeyId": "alias/ses-smtp"},
    "tags": {"team": "mail"},
}


def _arn(region: str, resource: str) -> str:
    return f"arn:aws:ses:{region}:{ACCOUNT_ID}:{resource}"


def _lint(document: dict[str, Any]) -> list[tuple[str, Any]]:
    policy = analyze_policy_string(json.dumps(document))
    return [(finding.issue, finding.detail) for finding in policy.findings]


def test_resources_parents_and_names() -> None:
    run = run_smtp(config_with([APP, {"name": "billing", "domains": ["example.org"]}]))
    components = run.of_type(USER)
    assert sorted(c.name for c in components) == ["smtp-app-mailer", "smtp-billing"]
    for component in components:
        children = {r.type: r for r in run.declared if r.parent == component.name}
        assert set(children) >= {IAM_USER, USER_POLICY, ACCESS_KEY}
        assert all(r.name.startswith(component.name + "-") for r in children.values())
    user = run.named("smtp-app-mailer-user")
    assert user.inputs["name"] == "app-mailer"
    assert user.inputs["path"] == "/ses-smtp/"
    assert user.inputs["tags"] == {"team": "mail"}
    assert run.named("smtp-app-mailer-key-initial").inputs["user"] == "app-mailer"
    assert len({r.name for r in run.declared}) == len(run.declared)  # no collisions
    assert not run.of_type(SECRET + "x")
    assert [r.name for r in run.of_type(SECRET)] == ["smtp-app-mailer-secret"]  # billing: none


def test_policy_statement_by_statement_and_lint() -> None:
    run = run_smtp(config_with([APP]), provider_region="us-east-1")
    document = run.policy("smtp-app-mailer-policy")
    assert document["Version"] == "2012-10-17"
    [statement] = document["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "ses:SendRawEmail"
    assert statement["Resource"] == [
        _arn("eu-west-1", "identity/example.com"),
        _arn("eu-west-1", "identity/alerts@example.com"),
        _arn("eu-central-1", "identity/example.com"),
        _arn("eu-central-1", "identity/alerts@example.com"),
        _arn("us-east-1", "identity/example.org"),
        _arn("eu-central-1", "identity/example.org"),
        # each domain's own configuration set (feedback default), then configurationSets
        _arn("eu-west-1", "configuration-set/example-com"),
        _arn("us-east-1", "configuration-set/example-org"),
        _arn("eu-west-1", "configuration-set/marketing"),
        _arn("us-east-1", "configuration-set/marketing"),
        _arn("eu-central-1", "configuration-set/marketing"),
    ]
    assert "*" not in statement["Resource"]
    assert statement["Condition"] == {
        "StringLike": {"ses:FromAddress": ["noreply@example.com", "*@news.example.org"]},
        "ForAllValues:StringLike": {
            "ses:Recipients": ["*@example.com", "success@simulator.amazonses.com"]
        },
        "Null": {"ses:Recipients": "false"},
    }
    assert "someone@gmail.com" not in json.dumps(document)  # not under the user's domains
    assert _lint(document) == []


def test_minimal_policy_has_no_condition_and_lints_clean() -> None:
    run = run_smtp(config_with([{"name": "plain", "domains": ["example.org"]}]))
    document = run.policy("smtp-plain-policy")
    [statement] = document["Statement"]
    assert "Condition" not in statement
    assert statement["Resource"] == [
        _arn("us-east-1", "identity/example.org"),
        _arn("us-east-1", "configuration-set/example-org"),
    ]
    assert _lint(document) == []


def test_the_linter_is_not_blind() -> None:
    """Negative controls: the same linter flags what the policy builder must never produce."""
    star = send_policy([_arn("us-east-1", "identity/example.org")])
    star["Statement"][0]["Resource"] = "*"
    assert ("RESOURCE_STAR", ["ses:SendRawEmail"]) in _lint(star)
    typo = send_policy([_arn("us-east-1", "identity/x.org")], from_addresses=["a@x.org"])
    typo["Statement"][0]["Condition"] = {"StringLike": {"ses:FromAdress": ["a@x.org"]}}
    assert any(issue == "UNKNOWN_CONDITION_FOR_ACTION" for issue, _ in _lint(typo))


def test_policy_builder_refuses_wildcards_and_empty() -> None:
    with pytest.raises(ValueError, match="at least one identity"):
        send_policy([])
    with pytest.raises(ValueError, match="not a single SES resource"):
        send_policy(["*"])
    with pytest.raises(ValueError, match="not a single SES resource"):
        send_policy([_arn("us-east-1", "identity/*")])


def test_identity_arns_from_components_are_used() -> None:
    given = {"example.org": "arn:aws:ses:us-east-1:999999999999:identity/example.org"}
    run = run_smtp(
        config_with([{"name": "plain", "domains": ["example.org"], "extraRegions": ["eu-west-2"]}]),
        identity_arns=given,
    )
    resources = run.policy("smtp-plain-policy")["Statement"][0]["Resource"]
    assert given["example.org"] in resources
    assert _arn("eu-west-2", "identity/example.org") in resources  # extra region: built
    assert _arn("us-east-1", "identity/example.org") not in resources


def test_credentials_are_secret_and_correct_per_region() -> None:
    run = run_smtp(config_with([APP]), provider_region="us-east-1")
    out = run.outputs
    key_id, secret = out["app-mailer.key.id"], out["app-mailer.key.secret"]
    assert key_id.startswith("AKIA") and len(key_id) == 20
    assert out["app-mailer.username"] == key_id  # the SMTP username is the access key id
    passwords = out["app-mailer.passwords"]
    assert list(passwords) == ["eu-west-1", "us-east-1", "eu-central-1"]
    for region, password in passwords.items():
        assert password == smtp_password_v4(secret, region)
    # in the provider's region the key's own ses_smtp_password_v4 is used, and it agrees
    assert passwords["us-east-1"] == out["app-mailer.key.ses_smtp_password_v4"]
    assert out["app-mailer.password"] == passwords["eu-west-1"]  # primary region
    for path in ("username", "password", "passwords"):
        assert run.secret[f"app-mailer.{path}"] is True, path
    assert run.secret["smtp_credentials"] is True
    assert out["smtp_credentials"]["app-mailer"]["passwords"] == passwords


def test_nothing_secret_in_plain_outputs_or_inputs() -> None:
    run = run_smtp(
        config_with([APP, {"name": "g", "users": ["w1", "w2"], "domains": ["example.com"]}])
    )
    out = run.outputs
    secrets = {out[f"{user}.key.secret"] for user in ("app-mailer", "w1", "w2")}
    for user in ("app-mailer", "w1", "w2"):
        secrets |= set(out[f"{user}.passwords"].values())
    plain = {path: value for path, value in out.items() if not run.secret.get(path)}
    plain.pop("app-mailer.key.secret")  # the raw provider output, checked below
    plain = {k: v for k, v in plain.items() if ".key." not in k}
    text = json.dumps(plain)
    assert not any(secret in text for secret in secrets)
    assert run.secret["smtp"] is False and "password" not in json.dumps(out["smtp"])
    for resource in run.declared:
        recorded = json.dumps(resource.inputs)
        assert not any(secret in recorded for secret in secrets), resource.name
    version = run.named("smtp-app-mailer-secret-value")
    assert version.secret_paths == ("secretString",)
    assert version.inputs["secretString"] == SECRET_PLACEHOLDER


def test_secrets_manager_secret() -> None:
    run = run_smtp(config_with([APP]))
    secret = run.named("smtp-app-mailer-secret")
    assert secret.inputs["name"] == "ses-smtp/app-mailer/credentials"
    assert secret.inputs["region"] == "eu-west-1"  # the user's primary region
    assert secret.inputs["kmsKeyId"] == "alias/ses-smtp"
    assert secret.inputs["recoveryWindowInDays"] == 7
    assert secret.inputs["tags"] == {"team": "mail"}
    version = run.named("smtp-app-mailer-secret-value")
    assert version.inputs["region"] == "eu-west-1"
    arn = run.outputs["app-mailer.secret_arn"]
    assert arn.startswith(
        f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT_ID}:secret:ses-smtp/app-mailer/credentials-"
    )
    assert run.outputs["smtp"]["users"]["app-mailer"]["secret_arn"] == arn


def test_secret_document_content() -> None:
    from components.smtp.user import _secret_document

    document = _secret_document(
        ["eu-west-1", "us-east-1"], "AKIA1", {"eu-west-1": "p1", "us-east-1": "p2"}
    )
    assert document["host"] == "email-smtp.eu-west-1.amazonaws.com"
    assert document["port"] == 587
    assert document["starttls_ports"] == [25, 587, 2587]
    assert document["tls_wrapper_ports"] == [465, 2465]
    assert (document["username"], document["password"]) == ("AKIA1", "p1")
    assert document["regions"]["us-east-1"] == {
        "host": "email-smtp.us-east-1.amazonaws.com",
        "password": "p2",
    }


def test_group_mode_one_policy_on_the_group() -> None:
    run = run_smtp(
        config_with([{"name": "workers", "users": ["w1", "w2"], "domains": ["example.com"]}])
    )
    assert [r.name for r in run.of_type("ses:index:SmtpGroup")] == ["smtp-group-workers"]
    group = run.named("smtp-group-workers-group")
    assert group.inputs == {"name": "workers", "path": "/ses-smtp/"}
    policy = run.named("smtp-group-workers-policy")
    assert policy.type == "aws:iam/groupPolicy:GroupPolicy"
    assert policy.inputs["group"] == "workers"
    assert _lint(json.loads(policy.inputs["policy"])) == []
    assert not run.of_type(USER_POLICY)
    memberships = run.of_type("aws:iam/userGroupMembership:UserGroupMembership")
    assert sorted((m.inputs["user"], tuple(m.inputs["groups"])) for m in memberships) == [
        ("w1", ("workers",)),
        ("w2", ("workers",)),
    ]
    assert len(run.of_type(ACCESS_KEY)) == 2
    assert run.outputs["w1.username"] != run.outputs["w2.username"]


def test_endpoints_output() -> None:
    run = run_smtp(config_with([APP]))
    endpoints = run.outputs["smtp"]["endpoints"]
    assert sorted(endpoints) == ["eu-central-1", "eu-west-1", "us-east-1"]
    assert endpoints["eu-central-1"] == {
        "host": "email-smtp.eu-central-1.amazonaws.com",
        "starttls_ports": [25, 587, 2587],
        "tls_wrapper_ports": [465, 2465],
    }


# --- rotation ---------------------------------------------------------------------------------


def _keys(run: Any) -> list[str]:
    return sorted(r.name for r in run.of_type(ACCESS_KEY))


def test_rotation_label_replaces_the_key_create_before_delete() -> None:
    before = run_smtp(config_with([{**APP, "rotation": "2026-05"}]))
    after = run_smtp(config_with([{**APP, "rotation": "2026-11"}]))
    assert _keys(before) == ["smtp-app-mailer-key-2026-05"]
    assert _keys(after) == ["smtp-app-mailer-key-2026-11"]
    # A new logical name is a new resource: Pulumi creates it during the update and deletes the
    # old one at the end. Everything else keeps its name, so only the key (and the secret's
    # value) change.
    stable = {r.name for r in before.declared} - {"smtp-app-mailer-key-2026-05"}
    assert stable == {r.name for r in after.declared} - {"smtp-app-mailer-key-2026-11"}
    assert before.outputs["app-mailer.username"] != after.outputs["app-mailer.username"]
    assert before.outputs["app-mailer.password"] != after.outputs["app-mailer.password"]
    for run in (before, after):
        assert not any(run.monitor.delete_before_replace.values())
        assert not any(run.monitor.replace_on_changes.values())


def test_previous_rotation_keeps_the_old_key_during_the_overlap() -> None:
    overlap = run_smtp(config_with([{**APP, "rotation": "2026-11", "previousRotation": "2026-05"}]))
    assert _keys(overlap) == ["smtp-app-mailer-key-2026-05", "smtp-app-mailer-key-2026-11"]
    # the outputs and the secret carry the current key only
    assert overlap.outputs["app-mailer.key.id"] == overlap.outputs["app-mailer.username"]
    current = run_smtp(config_with([{**APP, "rotation": "2026-11"}]))
    assert overlap.outputs["app-mailer.username"] == current.outputs["app-mailer.username"]


def test_whole_stack_exports_smtp_outputs_with_secrets_marked() -> None:
    from tests.support.harness import evaluate

    result = evaluate(config_with([APP]))
    assert "smtp_credentials" in result.secret_outputs
    assert "smtp" not in result.secret_outputs
    policy = json.loads(next(r for r in result.declared if r.type == USER_POLICY).inputs["policy"])
    # the identity in its own region comes from the SesDomain component's arn output
    assert _arn("eu-west-1", "identity/example.com") in policy["Statement"][0]["Resource"]
    assert _lint(policy) == []
    assert result.outputs["smtp"]["users"]["app-mailer"]["region"] == "eu-west-1"
