"""Planted secrets never appear in anything the project prints or logs.

One BYODKIM private key and one SMTP secret access key (with the SMTP passwords derived from it)
are planted where the real ones would be: the key as the stack's secret config value (the
offline plan's stand-in for an encrypted value, and the value the CLI would pass ``__main__.py``
marked secret), the access key as what AWS returns for the IAM access key. Then the offline plan
(text, JSON, zone file, and refusing bad configurations), the real ``__main__.py`` under the mock
runtime, the component provider (good and bad inputs, and the plugin process) and the policy
pack run, and every output, log line and message is searched for the planted values: the PEM's
lines, the key's PKCS#8 DER in base64 (what SES is sent) and pieces of it, the secret access key
and each derived password. Expected: none found.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
import pytest
import ses_guardrails as guard
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pulumi.errors import InputPropertiesError

from components import __version__
from components.multilang.provider import COMPONENTS, PACKAGE_NAME, SesComponentProvider
from components.plan import __main__ as plan_cli
from components.plan import mocks as plan_mocks
from components.plan import stack_files
from components.smtp.credentials import smtp_password_v4
from components.validation import ConfigError
from tests.components.test_config_secrets import _run_main
from tests.components.test_multilang_provider import PLUGIN_DIR, start_plugin, stop_plugin
from tests.support.harness import use_mocks
from tests.support.paths import REPO

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = _KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
DER_BASE64 = base64.b64encode(
    _KEY.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
).decode()
ACCESS_SECRET = "PlantedSecretAccessKey/DoNotShow+0123456"
REGIONS = ("us-east-1", "eu-west-1", "eu-central-1")
PASSWORDS = [smtp_password_v4(ACCESS_SECRET, region) for region in REGIONS]


def planted() -> list[str]:
    """Every planted text a leak would show: whole values and long pieces of them."""
    pieces = [line for line in PEM.splitlines() if "-----" not in line]
    pieces += [DER_BASE64[i : i + 40] for i in range(0, len(DER_BASE64) - 40, 40)]
    return [*pieces, ACCESS_SECRET, *PASSWORDS]


def leaks(text: str) -> list[str]:
    return [value[:12] + "..." for value in planted() if value in text]


ACCESS_KEYS_MADE: list[str] = []
"""Names of the access keys the planted mock made: proof the planted secret was used."""


def _access_key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    ACCESS_KEYS_MADE.append(name)
    region = str(inputs.get("region") or "us-east-1")
    return {
        "id": "AKIAPLANTED000000000",
        "secret": ACCESS_SECRET,
        "sesSmtpPasswordV4": smtp_password_v4(ACCESS_SECRET, region),
        "status": "Active",
    }


@pytest.fixture
def planted_everywhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(stack_files, "_placeholder_secret", lambda: PEM)
    monkeypatch.setitem(plan_mocks.COMPUTED_OUTPUTS, "aws:iam/accessKey:AccessKey", _access_key)
    yield
    pulumi.runtime.set_all_config({}, secret_keys=[])  # process-wide: leave nothing behind


STACK = """config:
  aws:region: us-east-1
  ses:dkimKey:
    secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBB
  ses:domains:
    - name: example.com
      dkim: {mode: byodkim, selector: s1, privateKeyConfig: dkimKey}
      dns: {provider: route53, zoneName: example.com}
    - name: eu.example.com
      region: eu-west-1
  ses:smtpUsers:
    - name: app
      domains: [example.com, eu.example.com]
      extraRegions: [eu-central-1]
      secret: {enabled: true}
"""
BAD_STACKS = {
    "plaintext key": "config:\n  aws:region: us-east-1\n  ses:domains:\n"
    "    - name: example.com\n      dkim: {mode: byodkim, selector: s1, privateKeyConfig: k}\n"
    "  ses:k: |\n" + "".join(f"    {line}\n" for line in PEM.splitlines()),
    "key pasted in a selector": STACK.replace("selector: s1", f"selector: {PEM.splitlines()[3]}"),
    "secret tags": STACK.replace(
        "  ses:domains:", "  ses:tags:\n    secure: v1:A:B\n  ses:domains:"
    ),
    "password in an unknown key": STACK + f"  ses:smtpPassword: {PASSWORDS[0]}\n",
}


@contextmanager
def captured(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[list[str]]:
    """Everything printed and logged inside the block, appended to the yielded list on exit."""
    texts: list[str] = []
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        yield texts
    out, err = capsys.readouterr()
    texts += [out, err, *(r.getMessage() for r in caplog.records)]


IDENTITY_ARN = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
BYODKIM_DOMAIN = {"name": "example.com", "region": "us-east-1", "dns": {"external": {}}}
PROVIDER_RUNS: list[tuple[str, dict[str, Any] | Callable[[], dict[str, Any]], dict[str, str]]] = [
    (
        "SmtpUser",
        {
            "userName": "app",
            "regions": ["us-east-1", "eu-west-1"],
            "policy": {"identityArns": [IDENTITY_ARN]},
        },
        {},
    ),
    (
        "SesDomain",
        lambda: {
            **BYODKIM_DOMAIN,
            "dkim": {"byodkim": {"selector": "s1", "privateKey": pulumi.Output.secret(PEM)}},
        },
        {},
    ),
    (
        "SesDomain",
        {**BYODKIM_DOMAIN, "dkim": {"byodkim": {"selector": "s1", "privateKey": "dkimKey"}}},
        {"ses:dkimKey": PEM},
    ),
    (
        "SesDomain",
        {**BYODKIM_DOMAIN, "dkim": {"byodkim": {"selector": "s1", "privateKey": "plainKey"}}},
        {"ses:plainKey": PEM},
    ),
    (
        "SesDomain",
        {**BYODKIM_DOMAIN, "dkim": {"byodkim": {"selector": "s1", "privateKey": PEM}}},
        {},
    ),
    (
        "SesDomain",
        lambda: {
            **BYODKIM_DOMAIN,
            "dkim": {"byodkim": {"selector": "s1", "privateKey": pulumi.Output.secret("x" + PEM)}},
        },
        {},
    ),
    ("SesDomain", {"name": "example.com", "region": "us-east-1", "dkim": {"privateKey": PEM}}, {}),
    ("SesDomain", {"name": "example.com", "region": "us-east-1", "privateKey": DER_BASE64}, {}),
    ("SesDomain", {"name": pulumi.Output.secret(ACCESS_SECRET), "region": "us-east-1"}, {}),
    ("SmtpUser", {"userName": "app", "regions": [], "password": PASSWORDS[0]}, {}),
]
"""Through the provider: a user with passwords for two regions; a BYODKIM key as a secret
output, by a secret config key's name (``ses:dkimKey``, marked secret), by a plain config key's
name (refused), pasted in plain text (refused) and broken inside a secret (fails when known);
then inputs carrying secrets where they do not belong. Each with the stack config it runs
under."""


def construct_and_render(
    component: str, inputs: dict[str, Any] | Callable[[], dict[str, Any]], config: dict[str, str]
) -> list[str]:
    """Construct through the provider under mocks with ``config`` as the stack's config (its
    ``dkimKey`` marked secret); the state as the engine would show it. Inputs holding Outputs
    are made by a function, inside the program's event loop."""
    use_mocks("provider")
    pulumi.runtime.set_all_config(config, secret_keys=["ses:dkimKey"])
    provider = SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__)
    rendered: list[str] = []

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        given = inputs() if callable(inputs) else inputs
        result = provider.construct("x", f"ses:index:{component}", given)

        async def render() -> None:
            for key, value in result.state.items():
                output = pulumi.Output.from_input(value)
                shown = "[secret]" if await output.is_secret() else await output.future()
                rendered.append(f"{key}={shown}")

        return pulumi.Output.from_input(asyncio.ensure_future(render())).apply(lambda _: None)

    program()
    return rendered


def test_no_planted_secret_in_any_output_or_log(
    planted_everywhere: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    texts: dict[str, str] = {}

    # the offline plan: a stack with the key (secret) and an SMTP user, every output form
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text(), encoding="utf-8")
    (project / "__main__.py").write_text((REPO / "__main__.py").read_text(), encoding="utf-8")
    (project / "Pulumi.t.yaml").write_text(STACK, encoding="utf-8")
    for form in ([], ["--json"], ["--zone-file", "-"]):
        with captured(capsys, caplog) as out:
            status = plan_cli.main(["--stack", "t", "--project-dir", str(project), *form])
        assert status == 0, out
        texts[f"plan {form}"] = "\n".join(out)
    assert "[secret]" in texts["plan ['--json']"]  # the passwords and the key are there, redacted
    for label, stack in BAD_STACKS.items():
        (project / "Pulumi.bad.yaml").write_text(stack, encoding="utf-8")
        with captured(capsys, caplog) as out:
            status = plan_cli.main(["--stack", "bad", "--project-dir", str(project)])
        assert status == 2, (label, out)
        texts[f"plan refusing: {label}"] = "\n".join(out)

    # the real __main__.py under the mock runtime, the key marked secret as the CLI marks it
    byodkim = {"mode": "byodkim", "selector": "s1", "privateKeyConfig": "dkimKey"}
    user = {"name": "app", "domains": ["example.com"], "fromAddresses": ["a@example.com"]}
    config = {
        "aws:region": "us-east-1",
        "ses:domains": json.dumps([{"name": "example.com", "dkim": byodkim}]),
        "ses:dkimKey": PEM,
        "ses:smtpUsers": json.dumps([user]),
    }
    for label, secret_keys, expected in (
        ("marked secret", ["ses:dkimKey"], None),
        ("plain text", [], 2),
    ):
        with captured(capsys, caplog) as out:
            status, logged = _run_main(config, secret_keys)
        assert status == expected, logged
        texts[f"__main__.py, key {label}"] = "\n".join([*out, logged])

    # the provider: both components constructed, bad inputs refused, the plugin process
    states: list[str] = []
    refusals: list[str] = []
    for index, (component, inputs, config) in enumerate(PROVIDER_RUNS):
        with captured(capsys, caplog) as out:
            try:
                states += construct_and_render(component, inputs, config)
            except (InputPropertiesError, ConfigError) as error:
                out.append(str(error))
                refusals.append(str(error))
        texts[f"provider run {index}: {component}"] = "\n".join([*out, *states])
    assert any(s.startswith("passwords=[secret]") for s in states), states
    byodkim_records = [s for s in states if s.startswith("dnsRecords=") and "._domainkey." in s]
    assert len(byodkim_records) >= 2, states  # the secret output and the secret config key
    assert any("SesDomain.dkim.byodkim.privateKey" in r and "--secret" in r for r in refusals)
    process, _ = start_plugin([sys.executable, "-I", str(PLUGIN_DIR / "__main__.py")], tmp_path)
    texts["plugin process"] = stop_plugin(process)

    # the policy pack: the planted key as SES would be sent it, broken keys, broken policies
    messages: list[str] = []
    for private_key in (DER_BASE64, DER_BASE64[:-40], DER_BASE64 + "!", ACCESS_SECRET):
        identity = {
            "emailIdentity": "example.com",
            "dkimSigningAttributes": {"domainSigningPrivateKey": private_key},
        }
        messages += guard.dkim_keys_2048(guard.EMAIL_IDENTITY, identity)
    star = {"Sid": "x", "Effect": "Allow", "Action": "ses:*", "Resource": "*"}
    for policy in (json.dumps({"Statement": [star]}) + PASSWORDS[0], PASSWORDS[1]):
        props = {"policy": policy}
        messages += guard.smtp_policy_send_only("aws:iam/userPolicy:UserPolicy", props)
        messages += guard.ses_topic_policy_guarded("aws:sns/topicPolicy:TopicPolicy", props)
    texts["policy pack"] = "\n".join(messages)
    assert len(messages) == 7, messages

    # the search finds what it looks for, and the planted values were really used
    assert leaks(PEM) and leaks(DER_BASE64) and leaks(" ".join(PASSWORDS))
    public = base64.b64encode(
        _KEY.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).decode()
    assert public[:200] in texts["plan ['--json']"].replace('\\"', "").replace('""', "")
    assert len(ACCESS_KEYS_MADE) >= 5  # the plan's three runs, __main__.py, the provider

    found = {label: leaks(text) for label, text in texts.items() if leaks(text)}
    print(
        f"planted secret values: {len(planted())} searched in {len(texts)} outputs and logs "
        f"({sum(len(t) for t in texts.values())} characters); found: {len(found)}"
    )
    assert found == {}
