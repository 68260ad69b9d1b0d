"""Secret config values: a BYODKIM key must be a secret, and no message ever shows the value of a
secret key (whatever it is named), of a key a domain names as its BYODKIM key, or a secret pasted
under another key. Checked on the parser, through the real ``__main__.py`` under the mock runtime
with the key marked secret (as the CLI marks it), and through the offline plan."""

from __future__ import annotations

import json
import logging
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.pulumi_config import project_secret_keys
from components.stack_config import parse_stack_config
from components.validation import ConfigError
from tests.support.harness import use_mocks
from tests.support.paths import REPO
from tests.support.private_keys import rsa_pem

PEM = rsa_pem(2048)
PEM_LINE = PEM.splitlines()[2]
BYODKIM = {"mode": "byodkim", "selector": "s1", "privateKeyConfig": "dkimKey"}


@pytest.fixture(autouse=True)
def no_config_left_behind() -> Iterator[None]:
    """The runtime's config is process-wide: leave none of these tests' values to others."""
    yield
    pulumi.runtime.set_all_config({}, secret_keys=[])


def _domain(**extra: Any) -> dict[str, Any]:
    return {"name": "example.com", "dns": {"provider": "external"}, **extra}


def _problems(values: dict[str, Any], secret_keys: set[str] | None) -> tuple[str, ConfigError]:
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(values, namespace="ses", aws_region="us-east-1", secret_keys=secret_keys)
    return str(raised.value), raised.value


def _shows(text: str, secret: str) -> bool:
    return any(line.strip() and line.strip() in text for line in secret.splitlines()[1:-1])


def test_a_plaintext_byodkim_key_is_refused_without_showing_it() -> None:
    values = {"domains": [_domain(dkim=BYODKIM)], "dkimKey": PEM}
    text, error = _problems(values, set())
    assert [p.key for p in error.problems] == ["ses:dkimKey"]
    assert "ses:dkimKey = [secret, not shown]: is plain text in the stack's config" in text
    assert "pulumi config set --secret ses:dkimKey < key.pem" in text
    assert not _shows(text, PEM)
    config = parse_stack_config(
        values, namespace="ses", aws_region="us-east-1", secret_keys={"dkimKey"}
    )
    assert config.domains[0].dkim.key is not None


def test_values_built_in_code_skip_the_secret_requirement() -> None:
    values = {"domains": [_domain(dkim=BYODKIM)], "dkimKey": PEM}
    assert parse_stack_config(values, namespace="ses", aws_region="us-east-1").domains


@pytest.mark.parametrize(
    ("values", "secret_keys", "key"),
    [
        # any key Pulumi marks secret, whatever its name, also inside an error about it
        ({"domains": [_domain()], "tags": PEM}, {"tags"}, "ses:tags"),
        ({"domains": [_domain()], "tags": {"k": "v" * 300 + PEM_LINE}}, {"tags"}, "ses:tags.k"),
        ({"domains": [_domain(name=PEM_LINE)]}, {"domains"}, "ses:domains[0].name"),
        (
            {"domains": [_domain()], "smtpUsers": [{"name": "u", "domains": [PEM_LINE]}]},
            {"smtpUsers"},
            "ses:smtpUsers[0].domains[0]",
        ),
        # the BYODKIM key, secret or not, also when it is not a key
        (
            {"domains": [_domain(dkim=BYODKIM)], "dkimKey": "x" + PEM_LINE},
            {"dkimKey"},
            "ses:dkimKey",
        ),
        # a secret pasted under another key
        (
            {"domains": [_domain(dkim={**BYODKIM, "selector": PEM_LINE})], "dkimKey": PEM},
            {"dkimKey"},
            "ses:domains[0].dkim.selector",
        ),
        (
            {"domains": [_domain(region=PEM)], "dkimKey2": PEM},
            {"dkimKey2"},
            "ses:domains[0].region",
        ),
    ],
)
def test_no_message_shows_a_secret_value(
    values: dict[str, Any], secret_keys: set[str], key: str
) -> None:
    text, error = _problems(values, secret_keys)
    assert key in [p.key for p in error.problems], text
    assert PEM_LINE not in text
    assert f"{key} = [secret, not shown]" in text


def test_short_secrets_are_hidden_by_key_and_do_not_mangle_other_messages() -> None:
    values = {"domains": [_domain(dmarc={"pct": 300})], "protect": "maybe"}
    text, _ = _problems(values, {"protect"})
    assert "ses:protect = [secret, not shown]: must be true or false" in text
    assert "ses:domains[0].dmarc.pct = 300: must be a whole number from 0 to 100" in text


def test_the_secret_keys_are_read_from_the_runtime_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_mocks()
    pulumi.runtime.set_all_config(
        {"ses:dkimKey": "k", "ses:tags": "{}", "aws:region": "x"}, secret_keys=["ses:dkimKey"]
    )
    assert project_secret_keys("ses") == {"dkimKey"}
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["ses:tags", "aws:secretKey"]))
    assert project_secret_keys("ses") == {"dkimKey", "tags"}


def _run_main(config: dict[str, str], secret_keys: list[str]) -> tuple[int | None, str]:
    """The real ``__main__.py`` under the mock runtime, config marked as the CLI marks it;
    returns its exit status (``None``: it finished) and everything it logged."""
    use_mocks()
    pulumi.runtime.set_all_config(config, secret_keys=secret_keys)
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep()
    logging.getLogger().addHandler(handler)
    status: int | None = None
    try:

        @pulumi.runtime.test
        def program() -> None:
            runpy.run_path(str(REPO / "__main__.py"), run_name="__main__")

        program()
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    finally:
        logging.getLogger().removeHandler(handler)
    return status, "\n".join(records)


def test_main_refuses_a_plaintext_key_and_shows_no_secret() -> None:
    domains = json.dumps([_domain(dkim={**BYODKIM, "selector": PEM_LINE})])
    config = {"aws:region": "us-east-1", "ses:domains": domains, "ses:dkimKey": PEM}
    status, logged = _run_main(config, secret_keys=[])
    assert status == 2
    assert "ses:dkimKey = [secret, not shown]: is plain text" in logged
    assert "ses:domains[0].dkim.selector = [secret, not shown]" in logged
    assert not _shows(logged, PEM)


def test_main_accepts_the_key_marked_secret_and_logs_no_secret() -> None:
    config = {
        "aws:region": "us-east-1",
        "ses:domains": json.dumps([_domain(dkim=BYODKIM)]),
        "ses:dkimKey": PEM,
        "ses:tags": json.dumps({"k": PEM_LINE[:40]}),
    }
    status, logged = _run_main(config, secret_keys=["ses:dkimKey"])
    assert status is None, logged
    assert not _shows(logged, PEM)


def _plan(tmp_path: Path, stack_yaml: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "Pulumi.yaml").write_text("name: ses\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.t.yaml").write_text(stack_yaml, encoding="utf-8")
    (tmp_path / "__main__.py").write_text((REPO / "__main__.py").read_text(), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "components.plan", "--stack", "t", "--project-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_plan_refuses_a_plaintext_key_and_shows_no_secret(tmp_path: Path) -> None:
    indented = "\n".join(f"    {line}" for line in PEM.splitlines())
    result = _plan(
        tmp_path,
        "config:\n  aws:region: us-east-1\n  ses:domains:\n"
        "    - name: example.com\n"
        "      dkim: {mode: byodkim, selector: s1, privateKeyConfig: dkimKey}\n"
        f"  ses:dkimKey: |\n{indented}\n",
    )
    assert result.returncode == 2
    assert "ses:dkimKey = [secret, not shown]: is plain text" in result.stderr
    assert not _shows(result.stdout + result.stderr, PEM)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_repositorys_stacks_still_plan(stack: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "components.plan", "--stack", stack, "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
