"""``checks verify --mailbox-providers`` on knotd: each rule met, not met and cannot tell, the
JSON shape (against the schema), the human block, and the exit statuses with and without
``--strict``."""

from __future__ import annotations

import asyncio
import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import jsonschema

from components.checks.dns.client import Answer
from components.checks.verify.readiness import Rule, Status, _reply_mx
from tests.support.checks_support import Result, make_world, run_cli
from tests.support.dns_world import domain_zone, postmaster_record, ses_records
from tests.support.knot_server import zone_text
from tests.support.paths import REPO, load_schema

DOC = REPO / "docs" / "deliverability.md"
START = "<!-- mailbox-rules: generated from Rule (components/checks/verify/readiness.py) -->"
END = "<!-- /mailbox-rules -->"
SCHEMA = jsonschema.Draft202012Validator(load_schema("checks_report.schema.json"))
MX = "example.com. 300 IN MX 10 inbound.example.net."
COM = zone_text("com", 1)


def records(**changes: Any) -> list[dict[str, Any]]:
    return [*ses_records(**changes), postmaster_record()]


def document(
    dns: list[dict[str, Any]],
    *,
    plan: bool = True,
    contact_list: bool = True,
    alarm: float | None = 0.0008,
    tls: str | None = "REQUIRE",
    pool: str | None = None,
    outputs_say: bool = False,
) -> dict[str, Any]:
    """The offline plan's document (``plan``) or ``pulumi stack output --json`` of a stack whose
    one domain uses the set ``main`` in us-east-1; ``outputs_say``: the outputs hold the set's
    ``tls_policy`` and ``sending_pool_name`` and the alarm's threshold (else only the plan's
    resources do, as in the outputs of a stack deployed before those outputs existed)."""
    main: dict[str, Any] = {"name": "main", "domains": ["example.com"]}
    if outputs_say:
        main.update({"tls_policy": tls, "sending_pool_name": pool})
    outputs: dict[str, Any] = {
        "dns_records": dns,
        "identities": {"example.com": {"region": "us-east-1"}},
        "configuration_sets": {"main": main},
    }
    if contact_list:
        outputs["contact_lists"] = {"us-east-1": {"name": "subscribers", "topics": []}}
    if alarm is not None:
        alarms: dict[str, Any] = {"alarm_names": ["ses-complaint-rate"]}
        if outputs_say:
            alarms.update({"bounce_rate_threshold": 0.04, "complaint_rate_threshold": alarm})
        outputs["reputation_alarms"] = {"us-east-1": alarms}
    if pool is not None:
        outputs["dedicated_ip_pools"] = {
            f"us-east-1/{pool}": {"name": pool, "region": "us-east-1", "scaling_mode": "STANDARD"}
        }
    if not plan:
        return outputs
    delivery: dict[str, Any] = {} if tls is None else {"tlsPolicy": tls}
    if pool is not None:
        delivery["sendingPoolName"] = pool
    resources: list[dict[str, Any]] = [
        {
            "type": "aws:sesv2/configurationSet:ConfigurationSet",
            "name": "cs-main-set",
            "parent": "cs-main",
            "inputs": {"configurationSetName": "main", "deliveryOptions": delivery},
        }
    ]
    if alarm is not None:
        resources.append(
            {
                "type": "aws:cloudwatch/metricAlarm:MetricAlarm",
                "name": "reputation-us-east-1-complaint-rate",
                "parent": "reputation-us-east-1",
                "inputs": {
                    "metricName": "Reputation.ComplaintRate",
                    "region": "us-east-1",
                    "threshold": alarm,
                },
            }
        )
    return {"stack": "test", "resources": resources, "outputs": outputs}


def verify(
    stack: ExitStack,
    tmp_path: Path,
    *extra: str,
    dns: list[dict[str, Any]] | None = None,
    doc: Any = None,
    apex: tuple[str, ...] = (MX,),
    drop: tuple[tuple[str, str], ...] = (),
    com: bool = True,
    servers: list[str] | None = None,
) -> Result:
    """``verify --mailbox-providers --json`` against one knotd serving ``dns`` (plus ``apex``
    lines) and a resolver that serves the zone and, with ``com``, the walk's ``_dmarc.com``."""
    expected = dns if dns is not None else records()
    zone = domain_zone(expected, "example.com", drop=drop, extra=apex)
    resolver_zones = {"example.com": zone, **({"com": COM} if com else {})}
    world = make_world(stack, tmp_path, expected, zones=[zone], resolver_zones=resolver_zones)
    world.path.write_text(json.dumps(document(expected) if doc is None else doc))
    spec = [s.spec for s in world.auth] + (servers or [])
    return run_cli(*world.args("--json", "--mailbox-providers", *extra, servers=spec))


def verdicts(result: Result) -> dict[str, tuple[str, str]]:
    assert result.doc, result.err
    (domain,) = result.doc["domains"]
    return {r["rule"]: (r["status"], r["detail"]) for r in domain["mailbox_providers"]}


def status(result: Result, rule: Rule) -> str:
    return verdicts(result)[rule.value][0]


def test_everything_met_and_the_json_shape(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path)
    SCHEMA.validate(result.doc)
    found = verdicts(result)
    assert list(found) == [rule.value for rule in Rule]
    assert {s for s, _ in found.values()} == {"met"}, found
    assert result.doc["mailbox_providers"] == {"met": len(Rule), "not_met": 0, "cannot_tell": 0}
    (entry,) = result.doc["domains"][0]["mailbox_providers"][:1]
    assert set(entry) == {"rule", "status", "providers", "requirement", "detail", "sources"}
    assert result.rc == 0


def test_without_the_option_the_report_has_no_readiness(stack: ExitStack, tmp_path: Path) -> None:
    expected = records()
    world = make_world(stack, tmp_path, expected, servers=1)
    result = world.verify()
    assert "mailbox_providers" not in result.doc
    assert "mailbox_providers" not in result.doc["domains"][0]


def test_not_met_is_exit_0_and_with_strict_exit_1(stack: ExitStack, tmp_path: Path) -> None:
    doc = document(records(), tls="OPTIONAL")
    assert verify(stack, tmp_path, doc=doc).rc == 0
    strict = verify(stack, tmp_path, "--strict", doc=doc)
    assert status(strict, Rule.TLS) == "not_met" and strict.rc == 1
    assert strict.doc["exit_status"] == 1 and strict.doc["ok"] is False
    SCHEMA.validate(strict.doc)


def test_cannot_tell_never_fails_even_with_strict(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, "--strict", doc=records())  # a bare list: no stack side
    assert status(result, Rule.TLS) == "cannot_tell"
    assert result.rc == 0


def test_the_human_report(stack: ExitStack, tmp_path: Path) -> None:
    dns = records()
    zone = domain_zone(dns, "example.com", extra=(MX,))
    world = make_world(
        stack, tmp_path, dns, zones=[zone], resolver_zones={"example.com": zone, "com": COM}
    )
    world.path.write_text(json.dumps(document(dns, tls="OPTIONAL")))
    argv = world.args("--mailbox-providers", "--strict")
    result = run_cli(*argv)
    assert "example.com: FAIL (mailbox providers, --strict)" in result.out
    assert "  mailbox providers (Gmail, Yahoo, Outlook.com):" in result.out
    assert any(line.split()[:3] == ["tls", "NOT", "MET"] for line in result.out.splitlines())
    assert f"mailbox providers: {len(Rule) - 1} met, 1 not met, 0 cannot tell" in result.out
    assert result.rc == 1


# ---- SPF, DKIM, DMARC ---------------------------------------------------------------------------


def test_no_custom_mail_from_is_spf_not_met(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, dns=records(mail_from=None))
    state, detail = verdicts(result)[Rule.SPF_ALIGNED.value]
    assert state == "not_met" and "never aligns" in detail


def test_strict_spf_alignment_is_not_met(stack: ExitStack, tmp_path: Path) -> None:
    dns = records(dmarc="v=DMARC1; p=none; aspf=s")
    result = verify(stack, tmp_path, dns=dns)
    state, detail = verdicts(result)[Rule.SPF_ALIGNED.value]
    assert state == "not_met" and "aspf=s" in detail
    assert status(result, Rule.DMARC_PUBLISHED) == "met"


def test_a_missing_mail_from_record_is_spf_not_met(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, drop=(("mail.example.com", "TXT"),))
    state, detail = verdicts(result)[Rule.SPF_ALIGNED.value]
    assert state == "not_met" and "record_missing (mail.example.com)" in detail
    assert result.rc == 1  # the record itself is an error, --strict or not


def test_a_server_that_cannot_be_asked_is_cannot_tell(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, servers=["127.0.0.1:1"])
    assert status(result, Rule.SPF_ALIGNED) == "cannot_tell"
    assert status(result, Rule.DKIM_ALIGNED) == "cannot_tell"
    assert result.rc == 3


def test_a_missing_dkim_record_is_not_met(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, drop=(("tok1aaaa._domainkey.example.com", "CNAME"),))
    state, detail = verdicts(result)[Rule.DKIM_ALIGNED.value]
    assert state == "not_met" and "tok1aaaa._domainkey.example.com" in detail


def test_no_dkim_records_is_not_met(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, dns=records(tokens=()))
    state, detail = verdicts(result)[Rule.DKIM_ALIGNED.value]
    assert state == "not_met" and "d=amazonses.com" in detail


def test_no_dmarc_anywhere_is_not_met(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, dns=records(dmarc=None))
    state, detail = verdicts(result)[Rule.DMARC_PUBLISHED.value]
    assert state == "not_met" and "no DMARC record" in detail


def test_dmarc_at_the_organizational_domain_is_met(stack: ExitStack, tmp_path: Path) -> None:
    dns = ses_records(domain="news.example.com", dmarc=None)
    org = '_dmarc.example.com. 300 IN TXT "v=DMARC1; p=quarantine; sp=none"'
    zone = domain_zone(dns, "example.com", extra=(org, MX))
    world = make_world(
        stack, tmp_path, dns, zones=[zone], resolver_zones={"example.com": zone, "com": COM}
    )
    world.path.write_text(json.dumps(dns))
    result = run_cli(*world.args("--json", "--mailbox-providers"))
    found = verdicts(result)
    assert found[Rule.DMARC_PUBLISHED.value] == ("met", "sp=none at _dmarc.example.com")


def test_an_incomplete_tree_walk_is_cannot_tell(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, com=False)  # _dmarc.com is refused by the resolver
    state, detail = verdicts(result)[Rule.DMARC_PUBLISHED.value]
    assert state == "cannot_tell" and "_dmarc.com" in detail
    assert status(result, Rule.SPF_ALIGNED) == "cannot_tell"


# ---- the stack's side ---------------------------------------------------------------------------


def test_no_contact_list_is_unsubscribe_not_met(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, doc=document(records(), contact_list=False))
    state, detail = verdicts(result)[Rule.ONE_CLICK_UNSUBSCRIBE.value]
    assert state == "not_met" and "us-east-1" in detail


def test_byodkim_with_a_list_is_unsubscribe_cannot_tell(stack: ExitStack, tmp_path: Path) -> None:
    dns = [r for r in records() if r["purpose"] != "dkim"]
    result = verify(stack, tmp_path, dns=dns, doc=document(dns))
    state, detail = verdicts(result)[Rule.ONE_CLICK_UNSUBSCRIBE.value]
    assert state == "cannot_tell" and "Easy DKIM" in detail


def test_complaint_thresholds(stack: ExitStack, tmp_path: Path) -> None:
    between = verify(stack, tmp_path, doc=document(records(), alarm=0.002))
    assert status(between, Rule.COMPLAINT_ALARM_MAX) == "met"
    assert status(between, Rule.COMPLAINT_ALARM_RECOMMENDED) == "not_met"
    at_max = verify(stack, tmp_path, doc=document(records(), alarm=0.003))
    assert status(at_max, Rule.COMPLAINT_ALARM_MAX) == "not_met"
    none = verify(stack, tmp_path, doc=document(records(), alarm=None))
    state, detail = verdicts(none)[Rule.COMPLAINT_ALARM_MAX.value]
    assert state == "not_met" and "no complaint-rate alarm in us-east-1" in detail


def test_older_outputs_without_the_plan_are_cannot_tell(stack: ExitStack, tmp_path: Path) -> None:
    """Outputs of a stack deployed before they held TLS policies, pools and thresholds."""
    result = verify(stack, tmp_path, doc=document(records(), plan=False, pool="bulk"))
    for rule in (Rule.TLS, Rule.COMPLAINT_ALARM_MAX, Rule.FORWARD_REVERSE_DNS):
        state, detail = verdicts(result)[rule.value]
        assert state == "cannot_tell" and "pulumi up" in detail and "offline plan" in detail, rule
    assert status(result, Rule.ONE_CLICK_UNSUBSCRIBE) == "met"


def test_the_outputs_alone_decide_every_stack_rule(stack: ExitStack, tmp_path: Path) -> None:
    """``pulumi stack output --json`` and no PLAN: TLS, pool and alarms decided, not guessed."""
    good = verify(stack, tmp_path, doc=document(records(), plan=False, outputs_say=True))
    assert {s for s, _ in verdicts(good).values()} == {"met"}, verdicts(good)
    assert verdicts(good)[Rule.COMPLAINT_ALARM_RECOMMENDED.value][1].startswith(
        "us-east-1 alarms at 0.08%"
    )
    doc = document(
        records(), plan=False, outputs_say=True, tls="OPTIONAL", alarm=0.002, pool="bulk"
    )
    bad = verify(stack, tmp_path, doc=doc)
    assert status(bad, Rule.TLS) == "not_met"
    assert status(bad, Rule.COMPLAINT_ALARM_MAX) == "met"
    assert status(bad, Rule.COMPLAINT_ALARM_RECOMMENDED) == "not_met"
    state, detail = verdicts(bad)[Rule.FORWARD_REVERSE_DNS.value]
    assert state == "cannot_tell" and "dedicated pool bulk" in detail


def test_a_bare_list_of_records_is_cannot_tell(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, doc=records())
    stack_rules = (
        Rule.ONE_CLICK_UNSUBSCRIBE,
        Rule.COMPLAINT_ALARM_MAX,
        Rule.COMPLAINT_ALARM_RECOMMENDED,
        Rule.FORWARD_REVERSE_DNS,
        Rule.TLS,
    )
    assert {status(result, r) for r in stack_rules} == {"cannot_tell"}
    assert status(result, Rule.DKIM_ALIGNED) == "met"  # from DNS alone


def test_plan_given_to_the_option_beside_the_deployed_records(
    stack: ExitStack, tmp_path: Path
) -> None:
    """The deployed stack's records (real DKIM tokens) in --records, the stack's side from the
    offline plan's document given as PLAN."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document(records(), tls="OPTIONAL")))
    result = verify(stack, tmp_path, str(plan), doc=records())
    assert status(result, Rule.TLS) == "not_met"
    assert status(result, Rule.COMPLAINT_ALARM_RECOMMENDED) == "met"
    assert result.rc == 0


def test_a_plan_that_is_no_stack_document_is_a_usage_error(tmp_path: Path) -> None:
    listed = tmp_path / "records.json"
    listed.write_text(json.dumps(records()))
    missing = tmp_path / "missing.json"
    for plan, why in ((listed, "holds no stack outputs"), (missing, "cannot read it")):
        result = run_cli(
            "verify", "--records", str(listed), "--resolver", "127.0.0.1:1",
            "--mailbox-providers", str(plan),
        )  # fmt: skip
        assert result.rc == 2 and result.out == ""
        assert f"--mailbox-providers '{plan}': {why}" in result.err
        assert "offline plan" in result.err and "Traceback" not in result.err


def test_an_unknown_region_is_cannot_tell(stack: ExitStack, tmp_path: Path) -> None:
    dns = records(mail_from=None)  # no MAIL FROM MX to name the region
    doc = document(dns)
    del doc["outputs"]["identities"]
    result = verify(stack, tmp_path, dns=dns, doc=doc)
    for rule in (Rule.ONE_CLICK_UNSUBSCRIBE, Rule.COMPLAINT_ALARM_MAX):
        state, detail = verdicts(result)[rule.value]
        assert state == "cannot_tell" and "region is not known" in detail, rule


def test_a_dedicated_pool_is_cannot_tell(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, doc=document(records(), pool="bulk"))
    state, detail = verdicts(result)[Rule.FORWARD_REVERSE_DNS.value]
    assert state == "cannot_tell" and "get-dedicated-ips --pool-name bulk" in detail


def test_tls_optional_and_no_set(stack: ExitStack, tmp_path: Path) -> None:
    declared_none = verify(stack, tmp_path, doc=document(records(), tls=None))
    assert status(declared_none, Rule.TLS) == "not_met"
    doc = document(records())
    doc["outputs"]["configuration_sets"] = {}
    no_set = verify(stack, tmp_path, doc=doc)
    state, detail = verdicts(no_set)[Rule.TLS.value]
    assert state == "not_met" and "no configuration set" in detail
    assert status(no_set, Rule.FORWARD_REVERSE_DNS) == "met"


# ---- replies and Postmaster Tools ---------------------------------------------------------------


def test_replies_need_an_mx(stack: ExitStack, tmp_path: Path) -> None:
    none = verify(stack, tmp_path, apex=())
    assert verdicts(none)[Rule.REPLY_MX.value][0] == "not_met"
    null = verify(stack, tmp_path, apex=("example.com. 300 IN MX 0 .",))
    state, detail = verdicts(null)[Rule.REPLY_MX.value]
    assert state == "not_met" and "null MX" in detail


def test_an_mx_lookup_that_fails_is_cannot_tell() -> None:
    class Failing:
        label = "127.0.0.9:53"

        async def query(self, name: str, rdtype: str) -> Answer:
            return Answer(name, rdtype, "error", error="timeout")

    result = asyncio.run(_reply_mx("example.com", Failing()))
    assert result.status is Status.CANNOT_TELL and "timeout" in result.detail


def test_postmaster_tools_not_configured_or_wrong(stack: ExitStack, tmp_path: Path) -> None:
    absent = verify(stack, tmp_path, dns=ses_records())
    assert status(absent, Rule.POSTMASTER_TOOLS) == "not_met"
    other = 'example.com. 300 IN TXT "google-site-verification=anotherOwnersTokenAAAAAAAAAAAAAA"'
    wrong = verify(stack, tmp_path, drop=(("example.com", "TXT"),), apex=(MX, other))
    state, detail = verdicts(wrong)[Rule.POSTMASTER_TOOLS.value]
    assert state == "not_met" and "postmaster_verification_wrong" in detail


# ---- the docs -----------------------------------------------------------------------------------


def rules_table() -> str:
    rows = ["| rule | providers | requirement | sources |", "|---|---|---|---|"]
    for rule in Rule:
        sources = ", ".join(f"<{url}>" for url in rule.sources)
        rows.append(f"| `{rule}` | {', '.join(rule.providers)} | {rule.requirement} | {sources} |")
    return "\n".join(rows)


def test_the_docs_rules_table_is_the_generated_one() -> None:
    """Regenerate the table between the markers from ``rules_table()`` after changing a rule."""
    text = DOC.read_text(encoding="utf-8")
    shown = text[text.index(START) + len(START) : text.index(END)].strip()
    assert shown == rules_table()
