"""``checks verify`` against real knotd servers on loopback: what is found, and where."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.checks_support import World, make_world, run_cli, start
from tests.support.dns_world import amazonses_zone, dkim_key_txt, domain_zone, ses_records
from tests.support.knot_server import KnotServer, free_port, random_loopback, zone_text

ORIGIN = "example.com"


def _world_replacing(stack: ExitStack, tmp_path: Path, record: tuple[str, str], line: str) -> World:
    """One server whose zone has ``line`` in place of the (name, type) ``record``."""
    records = ses_records()
    zone = domain_zone(records, ORIGIN, replace={record: line})
    return make_world(stack, tmp_path, records, zones=[zone])


def test_all_good_passes_on_every_server(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path)
    result = world.verify()
    assert result.rc == 0, result.out
    assert result.doc["ok"] is True
    (domain,) = result.doc["domains"]
    assert domain["findings"] == []
    assert len(domain["records"]) == 6
    for row in domain["records"]:
        assert list(row["servers"].values()) == ["ok", "ok"]
        assert list(row["resolvers"].values()) == ["ok"]
    assert [ns["serial"] for ns in domain["nameservers"]] == [1, 1]


def test_human_output_has_a_table_and_verdict(stack: ExitStack, tmp_path: Path) -> None:
    world = make_world(stack, tmp_path, servers=1)
    result = run_cli(*world.args())
    assert result.rc == 0
    assert "tok1aaaa._domainkey.example.com  CNAME" in result.out
    assert "PASS: 1 domain(s)" in result.out


@pytest.mark.parametrize(
    ("name", "rdtype"),
    [
        ("tok2bbbb._domainkey.example.com", "CNAME"),
        ("mail.example.com", "MX"),
        ("mail.example.com", "TXT"),
        ("_dmarc.example.com", "TXT"),
    ],
)
def test_each_missing_record_is_an_error_on_that_server_only(
    stack: ExitStack, tmp_path: Path, name: str, rdtype: str
) -> None:
    records = ses_records()
    broken = domain_zone(records, ORIGIN, drop=[(name, rdtype)])
    world = make_world(stack, tmp_path, records, zones=[domain_zone(records, ORIGIN), broken])
    result = world.verify()
    assert result.rc == 1
    (finding,) = result.findings("record_missing")
    assert finding["name"] == name
    assert finding["nameserver"] == world.auth[1].spec
    assert finding["fix"].startswith(f"{name}. ")
    assert f" IN {rdtype} " in finding["fix"]
    row = next(
        r for r in result.doc["domains"][0]["records"] if (r["name"], r["type"]) == (name, rdtype)
    )
    assert list(row["servers"].values()) == ["ok", "missing"]


def test_wrong_dkim_target(stack: ExitStack, tmp_path: Path) -> None:
    line = "tok1aaaa._domainkey.example.com. 1800 IN CNAME tok9zzzz.dkim.amazonses.com."
    world = _world_replacing(stack, tmp_path, ("tok1aaaa._domainkey.example.com", "CNAME"), line)
    result = world.verify()
    assert result.rc == 1
    (wrong,) = result.findings("record_wrong")
    assert "tok9zzzz.dkim.amazonses.com" in wrong["message"]
    assert wrong["fix"].endswith("CNAME tok1aaaa.dkim.amazonses.com.")
    # The target that is published is resolved too: it has no key.
    assert result.findings("dkim_key_missing")


@pytest.mark.parametrize(
    ("key", "code", "severity", "rc"),
    [
        (dkim_key_txt(512), "dkim_key_weak", "error", 1),
        (dkim_key_txt(1024), "dkim_key_short", "warning", 0),
        (dkim_key_txt(revoked=True), "dkim_key_revoked", "error", 1),
        ("v=DKIM1; k=rsa; p=bm90IGEga2V5", "dkim_key_invalid", "error", 1),
    ],
)
def test_dkim_key_behind_the_cname_is_parsed(
    stack: ExitStack, tmp_path: Path, key: str, code: str, severity: str, rc: int
) -> None:
    world = make_world(stack, tmp_path, servers=1, amazonses=amazonses_zone(keys={"tok3cccc": key}))
    result = world.verify()
    assert result.rc == rc
    (finding,) = result.findings(code)
    assert finding["severity"] == severity
    assert finding["name"] == "tok3cccc._domainkey.example.com"


def test_dkim_key_with_fws_around_equals_is_found_and_valid(
    stack: ExitStack, tmp_path: Path
) -> None:
    key = dkim_key_txt(2048).replace("p=", "p = ")
    world = make_world(stack, tmp_path, servers=1, amazonses=amazonses_zone(keys={"tok3cccc": key}))
    result = world.verify()
    assert result.rc == 0, result.out
    assert result.doc["domains"][0]["findings"] == []


def test_dkim_key_with_a_duplicate_tag_behind_the_cname(stack: ExitStack, tmp_path: Path) -> None:
    key = dkim_key_txt(2048) + "; k=rsa"
    world = make_world(stack, tmp_path, servers=1, amazonses=amazonses_zone(keys={"tok3cccc": key}))
    result = world.verify()
    assert result.rc == 1
    (finding,) = result.findings("dkim_key_invalid")
    assert finding["message"] == (
        f"DKIM key at tok3cccc.dkim.amazonses.com (via {world.resolver.spec}): "
        "tag 'k' appears more than once: verifiers discard the record"
    )


def test_short_key_warning_fails_only_with_strict(stack: ExitStack, tmp_path: Path) -> None:
    key = dkim_key_txt(1024)
    world = make_world(stack, tmp_path, servers=1, amazonses=amazonses_zone(key_txt=key))
    assert world.verify().rc == 0
    strict = world.verify("--strict")
    assert strict.rc == 1
    assert strict.doc["ok"] is False


def test_dkim_key_missing_at_amazonses(stack: ExitStack, tmp_path: Path) -> None:
    zone = amazonses_zone(tokens=["tok1aaaa", "tok2bbbb"])  # no key for tok3cccc
    world = make_world(stack, tmp_path, servers=1, amazonses=zone)
    result = world.verify()
    assert result.rc == 1
    (finding,) = result.findings("dkim_key_missing")
    assert "tok3cccc.dkim.amazonses.com" in finding["message"]


def test_byodkim_txt_record_is_parsed_like_a_key(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records(tokens=[])
    records.append(
        {
            "domain": ORIGIN,
            "name": "sel1._domainkey.example.com",
            "type": "TXT",
            "value": dkim_key_txt(2048),
            "ttl": 300,
            "purpose": "dkim_byodkim",
        }
    )
    good = make_world(stack, tmp_path, records, servers=1)
    result = good.verify()
    assert result.rc == 0, result.out  # a 2048-bit key is split into 255-byte strings
    records[-1]["value"] = dkim_key_txt(512)
    (tmp_path / "weak").mkdir()
    weak = make_world(stack, tmp_path / "weak", records, servers=1)
    result = weak.verify()
    assert result.rc == 1
    assert result.findings("dkim_key_weak")


def test_two_spf_records(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records()
    zone = domain_zone(records, ORIGIN, extra=['mail.example.com. 300 IN TXT "v=spf1 -all"'])
    world = make_world(stack, tmp_path, records, zones=[zone, zone])
    result = world.verify()
    assert result.rc == 1
    (finding,) = result.findings("spf_multiple")
    assert finding["nameserver"] is None  # on every server
    assert "keep:" in finding["fix"]


def _spf_records(value: str) -> list[dict[str, object]]:
    records = ses_records()
    for rec in records:
        if rec["purpose"] == "mail_from_spf":
            rec["value"] = value
    return records


def _spf_world(stack: ExitStack, tmp_path: Path, spf: str, lines: list[str] | None = None) -> World:
    """One server publishing ``spf`` at the MAIL FROM name; the resolver also serves the zone
    spf.test with ``lines``."""
    return make_world(
        stack,
        tmp_path,
        _spf_records(spf),
        servers=1,
        resolver_zones={"spf.test": zone_text("spf.test", 1, lines or [])},
    )


def test_spf_over_ten_lookups(stack: ExitStack, tmp_path: Path) -> None:
    includes = " ".join(f"include:s{i}.spf.test" for i in range(6))
    lines = ['leaf.spf.test. 300 IN TXT "v=spf1 ip4:192.0.2.2 -all"']
    lines += [
        f's{i}.spf.test. 300 IN TXT "v=spf1 ip4:192.0.2.1 include:leaf.spf.test -all"'
        for i in range(6)
    ]
    world = _spf_world(stack, tmp_path, f"v=spf1 include:amazonses.com {includes} ~all", lines)
    result = world.verify()
    assert result.rc == 1
    assert result.codes("error") == ["spf_too_many_lookups"]
    assert "at least 13" in result.findings("spf_too_many_lookups")[0]["message"]


def test_ten_lookups_are_still_fine(stack: ExitStack, tmp_path: Path) -> None:
    includes = " ".join(f"include:s{i}.spf.test" for i in range(9))
    lines = [f's{i}.spf.test. 300 IN TXT "v=spf1 ip4:192.0.2.1 -all"' for i in range(9)]
    world = _spf_world(stack, tmp_path, f"v=spf1 include:amazonses.com {includes} ~all", lines)
    result = world.verify()
    assert result.rc == 0, result.out


def test_too_many_void_lookups(stack: ExitStack, tmp_path: Path) -> None:
    world = _spf_world(
        stack,
        tmp_path,
        "v=spf1 include:amazonses.com a:nx1.spf.test a:nx2.spf.test mx:nx3.spf.test ~all",
    )
    result = world.verify()
    assert result.rc == 1
    assert result.codes("error") == ["spf_void_lookups"]
    assert result.findings("spf_void_lookups")[0]["message"].startswith("SPF: 3 void lookups")


def test_two_void_lookups_are_allowed(stack: ExitStack, tmp_path: Path) -> None:
    spf = "v=spf1 include:amazonses.com a:nx1.spf.test a:nx2.spf.test ~all"
    world = _spf_world(stack, tmp_path, spf)
    assert world.verify().rc == 0


def _mx_lines(name: str, hosts: int, *, addresses: bool) -> list[str]:
    lines = [f"{name}. 300 IN MX {i} h{i}.{name}." for i in range(hosts)]
    if addresses:
        lines += [f"h{i}.{name}. 300 IN A 192.0.2.{i + 1}" for i in range(hosts)]
    return lines


def test_spf_mx_with_eleven_hosts_is_an_error_ten_are_fine(
    stack: ExitStack, tmp_path: Path
) -> None:
    lines = _mx_lines("m10.spf.test", 10, addresses=True)
    lines += _mx_lines("m11.spf.test", 11, addresses=True)
    spf = "v=spf1 include:amazonses.com mx:m10.spf.test mx:m11.spf.test ~all"
    result = _spf_world(stack, tmp_path, spf, lines).verify()
    assert result.rc == 1
    (finding,) = result.findings("spf_too_many_mx")
    assert "m11.spf.test has 11 MX records" in finding["message"]
    assert result.codes("error") == ["spf_too_many_mx"]  # address lookups: not in the 10


def test_spf_mx_hosts_without_addresses_are_void(stack: ExitStack, tmp_path: Path) -> None:
    lines = _mx_lines("m.spf.test", 3, addresses=False)
    world = _spf_world(stack, tmp_path, "v=spf1 include:amazonses.com mx:m.spf.test ~all", lines)
    result = world.verify()
    assert result.rc == 1
    assert result.codes("error") == ["spf_void_lookups"]
    assert result.findings("spf_void_lookups")[0]["message"].startswith("SPF: 3 void lookups")


def test_spf_split_into_several_strings_passes(stack: ExitStack, tmp_path: Path) -> None:
    long_spf = (
        "v=spf1 include:amazonses.com "
        + " ".join(f"ip4:192.0.{i}.0/24" for i in range(30))
        + " ~all"
    )
    assert len(long_spf) > 255
    records = _spf_records(long_spf)
    split = (
        'mail.example.com. 300 IN TXT "v=spf1 include:" "amazonses.com '
        + long_spf[29:250]
        + '" "'
        + long_spf[250:]
        + '"'
    )
    zone = domain_zone(records, ORIGIN, replace={("mail.example.com", "TXT"): split})
    world = make_world(stack, tmp_path, records, zones=[zone])
    result = world.verify()
    assert result.rc == 0, result.out
    assert result.doc["domains"][0]["findings"] == []


def test_spf_without_amazonses(stack: ExitStack, tmp_path: Path) -> None:
    records = _spf_records("v=spf1 ip4:192.0.2.1 ~all")
    world = make_world(stack, tmp_path, records, servers=1)
    result = world.verify()
    assert result.rc == 1
    assert result.codes("error") == ["spf_no_amazonses"]


def test_spf_syntax_error(stack: ExitStack, tmp_path: Path) -> None:
    records = _spf_records("v=spf1 include:amazonses.com ip4:999.1.1.1 foo ~all")
    world = make_world(stack, tmp_path, records, servers=1)
    result = world.verify()
    assert result.rc == 1
    assert set(result.codes("error")) == {"spf_syntax"}
    assert len(result.findings("spf_syntax")) == 2


def _dmarc_records(value: str) -> list[dict[str, object]]:
    return ses_records(dmarc=value)


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("v=DMARC1; p=block", "dmarc_no_policy", "p=block"),
        ("v=DMARC1; p=none; p=reject", "dmarc_syntax", "'p' appears more than once"),
        ("v=DMARC1; p=none; pct=150", "dmarc_syntax", "pct=150"),
        ("v=DMARC1; p=none; adkim=x; aspf=r", "dmarc_syntax", "adkim=x"),
        ("v=DMARC1; p=none; rua=https://example.com/r", "dmarc_syntax", "not a mailto"),
        ("v=DMARC1; rua=mailto:d@example.com", "dmarc_no_policy", "'p' is missing"),
        ("p=none; v=DMARC1", "dmarc_syntax", "v=DMARC1"),
    ],
)
def test_dmarc_errors(
    stack: ExitStack, tmp_path: Path, value: str, code: str, fragment: str
) -> None:
    world = make_world(stack, tmp_path, _dmarc_records(value), servers=1)
    result = world.verify()
    assert result.rc == 1
    messages = [f["message"] for f in result.findings(code)]
    assert any(fragment in m for m in messages), messages
    assert set(result.codes("error")) == {code}


def test_dmarc_tag_names_in_any_case_pass(stack: ExitStack, tmp_path: Path) -> None:
    value = "V=DMARC1;P=reject;RUA=mailto:dmarc@example.com;"
    world = make_world(stack, tmp_path, _dmarc_records(value), servers=1)
    result = world.verify("--strict")
    assert result.rc == 0, result.out


def test_dmarcbis_tags_are_accepted(stack: ExitStack, tmp_path: Path) -> None:
    value = "v=DMARC1; p=reject; np=reject; psd=n; t=n; rua=mailto:dmarc@example.com"
    world = make_world(stack, tmp_path, _dmarc_records(value), servers=1)
    result = world.verify()
    assert result.rc == 0, result.out


def test_obsolete_pct_is_a_warning_that_fails_only_with_strict(
    stack: ExitStack, tmp_path: Path
) -> None:
    value = "v=DMARC1; p=reject; pct=0; rua=mailto:dmarc@example.com"
    world = make_world(stack, tmp_path, _dmarc_records(value), servers=1)
    result = world.verify()
    assert result.rc == 0, result.out
    (finding,) = result.doc["domains"][0]["findings"]
    assert (finding["code"], finding["severity"]) == ("dmarc_obsolete_tag", "warning")
    assert finding["message"] == (
        "DMARC: pct=0: RFC 9989 removed 'pct'; write t=y instead, which asks receivers not to "
        "apply the policy yet, as pct=0 did"
    )
    assert world.verify("--strict").rc == 1


# The DNS tree walks of the domain and of a report destination ask up to the top-level domain.
_TLDS = {"com": zone_text("com", 1), "test": zone_text("test", 1)}


def test_unauthorised_external_rua_is_a_warning(stack: ExitStack, tmp_path: Path) -> None:
    value = "v=DMARC1; p=none; rua=mailto:r@reports.test"
    zones = {**_TLDS, "reports.test": zone_text("reports.test", 1)}
    world = make_world(stack, tmp_path, _dmarc_records(value), servers=1, resolver_zones=zones)
    result = world.verify()
    assert result.rc == 0
    (finding,) = result.findings("dmarc_rua_unauthorised")
    assert finding["severity"] == "warning"
    assert finding["fix"] == 'example.com._report._dmarc.reports.test. IN TXT "v=DMARC1"'
    assert world.verify("--strict").rc == 1


def test_authorised_external_rua_passes(stack: ExitStack, tmp_path: Path) -> None:
    value = "v=DMARC1; p=none; rua=mailto:r@reports.test"
    reports = zone_text(
        "reports.test", 1, ['example.com._report._dmarc.reports.test. 300 IN TXT "v=DMARC1"']
    )
    zones = {**_TLDS, "reports.test": reports}
    world = make_world(stack, tmp_path, _dmarc_records(value), servers=1, resolver_zones=zones)
    result = world.verify("--strict")
    assert result.rc == 0, result.out


def test_two_dmarc_records(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records()
    extra = ['_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"']
    world = make_world(stack, tmp_path, records, zones=[domain_zone(records, ORIGIN, extra=extra)])
    result = world.verify()
    assert result.rc == 1
    assert result.findings("dmarc_multiple")


def test_mx_wrong_host(stack: ExitStack, tmp_path: Path) -> None:
    line = "mail.example.com. 300 IN MX 10 feedback-smtp.eu-west-1.amazonses.com."
    world = _world_replacing(stack, tmp_path, ("mail.example.com", "MX"), line)
    result = world.verify()
    assert result.rc == 1
    (finding,) = result.findings("mx_wrong_host")
    assert "eu-west-1" in finding["message"]
    assert finding["fix"] == "mail.example.com. 300 IN MX 10 feedback-smtp.us-east-1.amazonses.com."


def test_mx_wrong_priority(stack: ExitStack, tmp_path: Path) -> None:
    line = "mail.example.com. 300 IN MX 20 feedback-smtp.us-east-1.amazonses.com."
    world = _world_replacing(stack, tmp_path, ("mail.example.com", "MX"), line)
    result = world.verify()
    assert result.rc == 1
    assert result.codes("error") == ["mx_wrong_priority"]


def test_cname_where_txt_is_needed(stack: ExitStack, tmp_path: Path) -> None:
    line = "_dmarc.example.com. 300 IN CNAME dmarc.elsewhere.test."
    world = _world_replacing(stack, tmp_path, ("_dmarc.example.com", "TXT"), line)
    result = world.verify()
    assert result.rc == 1
    (finding,) = result.findings("cname_conflict")
    assert finding["name"] == "_dmarc.example.com"


def test_uppercase_and_trailing_dot_names(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records()
    zone = domain_zone(records, ORIGIN)
    shouting: list[dict[str, object]] = []
    for original in records:
        rec = dict(original)
        rec["name"] = rec["name"].upper() + "."
        rec["domain"] = rec["domain"].upper() + "."
        if rec["type"] in ("CNAME", "MX"):
            rec["value"] = rec["value"].upper() + "."
        shouting.append(rec)
    world = make_world(stack, tmp_path, shouting, zones=[zone])
    result = world.verify()
    assert result.rc == 0, result.out
    assert result.doc["domains"][0]["domain"] == "example.com"


def test_mixed_case_in_the_zone_matches(stack: ExitStack, tmp_path: Path) -> None:
    line = "TOK1AAAA._DOMAINKEY.Example.Com. 1800 IN CNAME TOK1AAAA.DKIM.AMAZONSES.COM."
    world = _world_replacing(stack, tmp_path, ("tok1aaaa._domainkey.example.com", "CNAME"), line)
    assert world.verify().rc == 0


def _world_with_serials(stack: ExitStack, tmp_path: Path, *serials: int) -> World:
    """One authoritative server per serial, each serving the same records."""
    records = ses_records()
    zones = [domain_zone(records, ORIGIN, serial) for serial in serials]
    return make_world(stack, tmp_path, records, zones=zones)


def test_serial_behind_is_reported(stack: ExitStack, tmp_path: Path) -> None:
    world = _world_with_serials(stack, tmp_path, 5, 4)
    result = world.verify()
    assert result.rc == 0  # same records: a warning only
    (finding,) = result.findings("serial_behind")
    assert finding["nameserver"] == world.auth[1].spec
    assert world.verify("--strict").rc == 1


def test_serial_wraparound_uses_rfc1982(stack: ExitStack, tmp_path: Path) -> None:
    # 1 is newer than 4294967295 in serial arithmetic: the server with 4294967295 is behind.
    world = _world_with_serials(stack, tmp_path, 4294967295, 1)
    result = world.verify()
    (finding,) = result.findings("serial_behind")
    assert finding["nameserver"] == world.auth[0].spec


def test_nameservers_discovered_through_the_resolver(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records()
    addresses = [random_loopback(), random_loopback()]
    port = free_port(addresses[0])
    glue = [
        "example.com. 300 IN NS ns2.example.com.",
        f"ns2.example.com. 300 IN A {addresses[1]}",
    ]
    zone = domain_zone(records, ORIGIN, extra=glue).replace(
        "ns1.example.com. IN A 127.0.0.1", f"ns1.example.com. IN A {addresses[0]}"
    )
    broken = domain_zone(records, ORIGIN, drop=[("mail.example.com", "MX")], extra=glue).replace(
        "ns1.example.com. IN A 127.0.0.1", f"ns1.example.com. IN A {addresses[0]}"
    )
    start(stack, KnotServer({ORIGIN: zone}, addresses[0], port))
    start(stack, KnotServer({ORIGIN: broken}, addresses[1], port))
    resolver = start(stack, KnotServer({ORIGIN: zone, "amazonses.com": amazonses_zone()}))
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    result = run_cli(
        "verify",
        "--records",
        str(path),
        "--resolver",
        resolver.spec,
        "--ns-port",
        str(port),
        "--json",
        "--timeout",
        "0.3",
        "--attempts",
        "2",
    )
    assert result.rc == 1, result.out
    domain = result.doc["domains"][0]
    assert domain["zone"] == "example.com"
    assert sorted(ns["name"] for ns in domain["nameservers"]) == [
        "ns1.example.com",
        "ns2.example.com",
    ]
    (finding,) = result.findings("record_missing")
    assert finding["nameserver"].startswith("ns2.example.com")


def test_domain_below_the_zone_apex(stack: ExitStack, tmp_path: Path) -> None:
    records = ses_records("mail.corp.example.com")
    zone = domain_zone(records, ORIGIN)
    world = make_world(stack, tmp_path, records, zones=[zone])
    result = world.verify()
    assert result.rc == 0, result.out
    assert result.doc["domains"][0]["zone"] == "example.com"


def test_many_domains_in_one_run(stack: ExitStack, tmp_path: Path) -> None:
    records = [r for i in range(5) for r in ses_records(f"d{i}.example.com", [f"t{i}a", f"t{i}b"])]
    zone = domain_zone(records, ORIGIN, drop=[("mail.d3.example.com", "MX")])
    tokens = [f"t{i}{x}" for i in range(5) for x in "ab"]
    world = make_world(stack, tmp_path, records, zones=[zone], amazonses=amazonses_zone(tokens))
    result = world.verify()
    assert result.rc == 1
    status = {d["domain"]: d["ok"] for d in result.doc["domains"]}
    assert status == {f"d{i}.example.com": i != 3 for i in range(5)}


def _two_region_records() -> list[dict[str, str | int]]:
    """A domain in us-east-1 and eu-west-1, as the stack writes it: each region's DKIM CNAMEs
    and MAIL FROM (mail-eu-west-1 in the secondary region), one DMARC record."""
    from components.domain.records import required_records
    from tests.support.harness import parse

    values = {
        "domains": [
            {
                "name": "example.com",
                "regions": ["us-east-1", "eu-west-1"],
                "dns": {"provider": "external"},
            }
        ]
    }
    [domain] = parse(values).domains
    found = required_records(
        domain,
        ["tok1aaaa", "tok2bbbb", "tok3cccc"],
        {"eu-west-1": ["tok4dddd", "tok5eeee", "tok6ffff"]},
    )
    return [record.to_json() for record in found]


def test_every_regions_records_are_checked(stack: ExitStack, tmp_path: Path) -> None:
    records = _two_region_records()
    tokens = ("tok1aaaa", "tok2bbbb", "tok3cccc", "tok4dddd", "tok5eeee", "tok6ffff")
    world = make_world(stack, tmp_path, records, servers=1, amazonses=amazonses_zone(tokens))
    result = world.verify()
    assert result.rc == 0, result.out
    assert len(result.doc["domains"][0]["records"]) == 11
    world.set_zone(
        0, domain_zone(records, "example.com", 2, drop=[("mail-eu-west-1.example.com", "MX")]), 2
    )
    missing = world.verify().findings("record_missing")
    assert [f["name"] for f in missing] == ["mail-eu-west-1.example.com"]


def test_queries_per_domain_and_what_domains_share(stack: ExitStack, tmp_path: Path) -> None:
    """Each domain costs 23 queries (SOA and 6 records on each of 2 servers, the 6 records and
    3 DKIM keys through the resolver); amazonses.com's SPF record, included by every domain's
    MAIL FROM SPF, is looked up once per pass for all of them."""
    domains = [f"d{i}.example" for i in range(3)]
    records = [
        r for i, d in enumerate(domains) for r in ses_records(d, [f"k{i}{x}" for x in "abc"])
    ]
    zones = {d: domain_zone([r for r in records if r["domain"] == d], d) for d in domains}
    auth = [start(stack, KnotServer(zones)) for _ in range(2)]
    tokens = [f"k{i}{x}" for i in range(3) for x in "abc"]
    resolver = start(stack, KnotServer({**zones, "amazonses.com": amazonses_zone(tokens)}))
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    argv = ["verify", "--records", str(path), "--resolver", resolver.spec, "--json"]
    result = run_cli(*argv, *(a for s in auth for a in ("--nameserver", s.spec)))
    assert result.rc == 0, result.out
    assert result.doc["stats"]["queries"] == 3 * 23 + 1


def test_no_question_is_asked_twice_in_a_pass(
    stack: ExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # example.com's DMARC reports go to reports.test: its tree walk reads _dmarc.example.com,
    # which the record's own resolver check reads too; shop.example.com's walk reads it again.
    from components.checks.dns.client import DnsClient, Question, normalize_name

    value = "v=DMARC1; p=none; rua=mailto:r@reports.test"
    records = [
        *ses_records(dmarc=value),
        *ses_records("shop.example.com", ("tok4dddd",), dmarc=value),
    ]
    zones = {**_TLDS, "reports.test": zone_text("reports.test", 1)}
    world = make_world(stack, tmp_path, records, servers=1, resolver_zones=zones)
    asked: list[tuple[object, ...]] = []
    submit = DnsClient._submit  # pyright: ignore[reportPrivateUsage]

    def recording(self: DnsClient, batch: object, questions: list[Question]) -> None:
        asked.extend((s, normalize_name(n), t, r) for s, n, t, r in questions)
        submit(self, batch, questions)  # type: ignore[arg-type]

    monkeypatch.setattr(DnsClient, "_submit", recording)
    result = world.verify()
    assert result.doc["summary"]["domains"] == 2
    walked = [q for q in asked if q[1] == "_dmarc.example.com" and q[3]]
    assert len(walked) == 1
    assert len(asked) == len(set(asked)) == result.doc["stats"]["queries"]
