"""The example consumer stack (examples/consumer): another project, using the package as a
consumer does — installed from a wheel, imported as ``ses_domains`` — planned under mocks; and
the programs that import the installed name, type-checked against it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.support.package_support import run_installed
from tests.support.paths import REPO

EXAMPLE = REPO / "examples" / "consumer"


def plan_with_installed_package(site: Path, project: Path, stack: str, cwd: Path) -> Any:
    result = run_installed(
        site,
        "import json, sys\n"
        "from pathlib import Path\n"
        "from ses_domains.plan import make_plan\n"
        "from ses_domains.validation import ConfigError\n"
        "try:\n"
        f"    plan = make_plan({stack!r}, project_dir=Path({str(project)!r}))\n"
        "except ConfigError as error:\n"
        "    print(json.dumps({'error': str(error)}))\n"
        "else:\n"
        "    print(json.dumps({'project': __import__('pulumi').get_project(),\n"
        "                      **plan.to_json()}, sort_keys=True))\n",
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_example_is_its_own_project() -> None:
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert project["name"] == "mail-platform"
    assert project["runtime"]["name"] == "python"
    assert "git+https://" in (EXAMPLE / "requirements.txt").read_text(encoding="utf-8")
    assert "from ses_domains import" in (EXAMPLE / "__main__.py").read_text(encoding="utf-8")


def test_example_stack_plans_with_the_installed_package(
    installed_package: Path, tmp_path: Path
) -> None:
    plan = plan_with_installed_package(installed_package, EXAMPLE, "staging", tmp_path)
    assert plan["project"] == "mail-platform"
    assert plan["constraint_violations"] == []
    resources = {r["name"]: r for r in plan["resources"]}
    # from its own config (namespace mail-platform:): a Route 53 domain with its feedback loop
    assert resources["shop.example.net"]["type"] == "ses:index:SesDomain"
    assert resources["shop.example.net-dmarc"]["type"] == "aws:route53/record:Record"
    assert resources["shop.example.net-identity"]["inputs"]["configurationSetName"]
    assert resources["shop.example.net-identity"]["inputs"]["tags"]["project"] == "mail-platform"
    # built in code: an external-DNS domain (no record resources), its SMTP user, a parameter
    assert resources["news.example.org-identity"]["parent"] == "news.example.org"
    assert not any(n.startswith("news.example.org-dkim") for n in resources)
    policy = json.loads(resources["newsletter-mailer-policy"]["inputs"]["policy"])
    statement = policy["Statement"][0]
    assert statement["Action"] == "ses:SendRawEmail"
    assert statement["Resource"] == ["arn:aws:ses:eu-west-1:123456789012:identity/news.example.org"]
    parameter = resources["newsletter-dns-records"]["inputs"]
    assert parameter["name"] == "/mail-platform/news.example.org/dns-records"
    assert parameter["value"] == "[secret]"  # pulumi-aws keeps SSM parameter values secret
    outputs = plan["outputs"]
    assert {r["domain"] for r in outputs["dns_records"]} == {"shop.example.net"}
    news_records = outputs["newsletter_records"]
    assert {r["purpose"] for r in news_records} == {
        "dkim",
        "mail_from_mx",
        "mail_from_spf",
        "dmarc",
    }
    assert "v=DMARC1; p=reject; rua=mailto:dmarc@news.example.org" in {
        r["value"] for r in news_records
    }
    assert outputs["newsletter_smtp_password"] == "[secret]"


def test_example_config_is_validated_under_its_own_namespace(
    installed_package: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    (project / "Pulumi.bad.yaml").write_text(
        "config:\n"
        "  aws:region: eu-west-1\n"
        "  newsletter:domain: news.example.org\n"
        "  mail-platform:domains:\n"
        "    - name: shop.example.net\n"
        "      dmarc: {policy: strict}\n",
        encoding="utf-8",
    )
    plan = plan_with_installed_package(installed_package, project, "bad", tmp_path)
    assert "mail-platform:domains[0].dmarc.policy = 'strict'" in plan["error"]


def test_programs_importing_the_installed_name_type_check(
    installed_package: Path, tmp_path: Path
) -> None:
    """pyright (strict) over the example and the provider entry point, resolving ``ses_domains``
    from the installed package, as a consumer's editor would."""
    files = [str(EXAMPLE / "__main__.py"), str(REPO / "provider" / "__main__.py")]
    config = {
        "extraPaths": [str(installed_package)],
        "pythonVersion": "3.11",
        "typeCheckingMode": "strict",
        "reportMissingModuleSource": False,
    }
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    pyright = Path(sys.executable).parent / "pyright"
    result = subprocess.run(
        [
            str(pyright),
            "--project",
            str(tmp_path),
            "--pythonpath",
            sys.executable,
            "--outputjson",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["summary"]["filesAnalyzed"] == 2
    assert report["generalDiagnostics"] == [], report["generalDiagnostics"]


def test_readme_lists_the_example() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "examples/consumer" in readme


def test_readmes_commands_for_the_example_name_files_that_exist() -> None:
    """The README's "Try the example consumer" commands run in examples/consumer."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Try the example consumer", 1)[1].split("```sh\n", 1)[1]
    commands = [line.split("  #")[0].strip() for line in block.split("```", 1)[0].splitlines()]
    assert commands[0] == "cd examples/consumer"
    assert "venv/bin/ses-domains plan --stack staging" in commands
    assert (EXAMPLE / "Pulumi.staging.yaml").is_file()
    for command in commands:
        for word in command.split():
            if word.startswith("../"):
                assert (EXAMPLE / word).exists(), word
