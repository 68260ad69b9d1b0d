"""Fuzzing ``checks verify`` in-process: arbitrary JSON records and outputs documents, arbitrary
argument strings. Whatever comes in: no traceback, no "internal error", an exit status of 0, 1, 2
or 3, bounded output.

Nothing leaves loopback: a socket guard refuses any other address (a drawn ``--nameserver
8.8.8.8`` becomes a connection error), DNS goes to a knotd test world or a closed loopback port,
``pulumi`` is not on PATH and boto3 gets dummy credentials. To keep each example short the wait
and the DNS client's timeout and tries are clamped *after* the options were validated (the
validation sees the drawn values). ``CHECKS_FUZZ_EXAMPLES`` raises the number of examples
(``--hypothesis-show-statistics`` shows the exit statuses seen).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from components.checks.dns import client as client_module
from components.checks.dns.client import DnsClient
from components.checks.verify import wait
from components.checks.verify.expected import PURPOSES
from tests.support.checks_support import run_cli
from tests.support.dns_world import amazonses_zone, domain_zone, ses_records
from tests.support.knot_server import KnotServer, free_port, random_loopback

EXAMPLES = int(os.environ.get("CHECKS_FUZZ_EXAMPLES", "150"))
MAX_OUTPUT = 200_000
"""Characters of stdout plus stderr: 20 problems or a report of the records drawn fit easily."""
GOOD = ses_records()


def _is_loopback(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def loopback_only() -> Iterator[None]:
    """Refuse every connect and sendto outside 127.0.0.0/8 and ::1 (as a network error)."""
    connect, connect_ex, sendto = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.socket.sendto,
    )

    def guard(method: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(sock: socket.socket, *args: Any) -> Any:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(args[-1]):
                raise ConnectionRefusedError(111, "refused by the test's loopback guard")
            return method(sock, *args)

        return guarded

    socket.socket.connect = guard(connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = guard(connect_ex)  # type: ignore[method-assign]
    socket.socket.sendto = guard(sendto)  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.socket.sendto = sendto  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A knotd serving the good records (also the resolver), and a closed loopback port."""
    with ExitStack() as stack:
        zones = {"example.com": domain_zone(GOOD, "example.com"), "amazonses.com": amazonses_zone()}
        server = KnotServer(zones).start()
        stack.callback(server.stop)
        address = random_loopback()
        bindir = tmp_path_factory.mktemp("no-pulumi")
        yield {
            "knot": server.spec,
            "closed": f"{address}:{free_port(address)}",
            "path": str(bindir),
        }


@pytest.fixture
def clamped(monkeypatch: pytest.MonkeyPatch, world: dict[str, str]) -> Iterator[None]:
    """Short waits and queries, no pulumi, dummy AWS credentials, loopback only."""
    original = wait.run

    async def short_run(*args: Any, **kwargs: Any) -> Any:
        kwargs["wait"] = min(kwargs.get("wait", 0.0), 0.3)
        return await original(*args, **kwargs)

    def short_client(timeout: float, attempts: int, max_in_flight: int) -> DnsClient:
        return DnsClient(min(timeout, 0.2), min(attempts, 2), max_in_flight)

    monkeypatch.setattr(wait, "run", short_run)
    monkeypatch.setattr(client_module, "DnsClient", short_client)  # verify's cli imports it late
    monkeypatch.setenv("PATH", world["path"])
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
    ):
        monkeypatch.setenv(name, value)
    with loopback_only():
        yield


# ---- what is drawn --------------------------------------------------------------------------

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", " ", "example.com", "mail.example.com", "MX", "TXT", "CNAME", "dkim"]),
)
_json = st.recursive(
    _json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
_names = st.one_of(
    st.sampled_from(
        [
            "example.com",
            "mail.example.com",
            "_dmarc.example.com",
            "a b.example.com",
            "m\u0430il.example.com",
            "bücher.example.com",
            "mail.example.org",
            "example.com.",
            ".",
            "",
            "x" * 70 + ".example.com",
        ]
    ),
    st.text(max_size=30),
)
_values = st.one_of(
    st.sampled_from([r["value"] for r in GOOD] + ["", ".", "10 .", "ten x", "v=spf1 -all"]),
    st.text(max_size=60),
)
_record = st.fixed_dictionaries(
    {},
    optional={
        "domain": st.one_of(st.just("example.com"), _names, _json_scalars),
        "name": st.one_of(_names, _json_scalars),
        "type": st.one_of(st.sampled_from(["CNAME", "MX", "TXT", "A", "SRV", "mx", ""]), _json),
        "value": st.one_of(_values, _json_scalars),
        "ttl": _json_scalars,
        "purpose": st.one_of(
            st.sampled_from(["dkim", "mail_from_mx", "mail_from_spf", "dmarc", "spam"]),
            _json_scalars,
        ),
        "extra": _json_scalars,
    },
)


_PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "domain": st.sampled_from(["example.com", "mail.example.com"]),
    "name": st.sampled_from(["example.com", "mail.example.com", "other.example.com"]),
    "type": st.sampled_from(["TXT", "MX", "CNAME", "mx"]),
    "value": st.sampled_from(
        [r["value"] for r in GOOD] + ["v=spf1 -all", "10 other.example.net", "other.example.net"]
    ),
    "ttl": st.integers(0, 86400),
    "purpose": st.sampled_from(
        ["dkim", "mail_from_mx", "mail_from_spf", "dmarc", "postmaster_tools", "other"]
    ),
}


@st.composite
def _mutated_good(draw: st.DrawFn) -> list[Any]:
    """The good records with a few fields replaced: often still valid, checked against knotd."""
    records: list[Any] = [dict(r) for r in GOOD]
    for _ in range(draw(st.integers(0, 2))):
        index = draw(st.integers(0, len(records) - 1))
        key = draw(st.sampled_from(sorted(_PLAUSIBLE)))
        plausible = _PLAUSIBLE[key]
        records[index][key] = draw(st.one_of(*[plausible] * 6, _values, _json))
    return records


_ODD_TEXTS = [
    "[1" + "0" * 5000 + "]",  # more digits than Python converts
    "[" * 100_000,
    "\ufeff[]",
    "[NaN, Infinity]",
    '{"outputs": {"dns_records": [], "dns_records": []}}',
    '[{"domain": "example.com", "domain": "example.com"}]',
    '"[secret]"',
    "\x00",
]


def _wrap(records: Any, shape: str) -> str:
    if shape == "outputs":
        return json.dumps({"dns_records": records, "smtp": {"endpoint": "x"}})
    if shape == "plan":
        return json.dumps({"stack": "dev", "resources": [], "outputs": {"dns_records": records}})
    return json.dumps(records)


@st.composite
def _arbitrary_documents(draw: st.DrawFn) -> str:
    """Anything: records of any shape, any JSON, duplicate keys, text, JSON cut short."""
    records = draw(st.one_of(st.lists(st.one_of(_record, _json), max_size=6), _json))
    shape = draw(st.sampled_from(["bare", "outputs", "plan", "duplicate", "text", "cut"]))
    if shape == "duplicate":
        return '{"dns_records": [], "dns_records": ' + json.dumps(records) + "}"
    if shape == "text":
        return draw(st.one_of(st.text(max_size=200), st.sampled_from(_ODD_TEXTS)))
    text = _wrap(records, shape)
    return text[: draw(st.integers(0, len(text)))] if shape == "cut" else text


_good_documents = st.builds(_wrap, _mutated_good(), st.sampled_from(["bare", "outputs", "plan"]))
_documents = st.one_of(_good_documents, _good_documents, _good_documents, _arbitrary_documents())


_OPTIONS = [
    "--records", "--stack", "--nameserver", "--resolver", "--wait", "--json", "--strict",
    "--aws", "--aws-region", "--aws-endpoint-url", "--timeout", "--attempts", "--ns-port",
    "--max-in-flight", "--help", "-", "--", "--wai", "--records=-",
]  # fmt: skip
_OPTION_VALUES = [
    "nan", "inf", "-1", "0", "0.1", "1e9", "86401", "abc", "65536", "127.0.0.1:9", "::1",
    "[::1]:53", "8.8.8.8", "ns1.example.com", "mars-1", "us-east-1", "eu-west-1",
    "http://127.0.0.1:9", "https://[::1]:9", "ftp://x", "http://", "dev", "records.json",
]  # fmt: skip
_arguments = st.one_of(
    st.lists(st.sampled_from(["--json", "--strict"]), max_size=2),  # the records decide
    st.lists(
        st.one_of(st.sampled_from(_OPTIONS), st.sampled_from(_OPTION_VALUES), st.text(max_size=12)),
        max_size=8,
    ),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=_documents, extra=_arguments, servers=st.sampled_from(["knot", "closed"]))
def test_verify_never_fails_badly(
    clamped: None,
    world: dict[str, str],
    tmp_path: Path,
    document: str,
    extra: list[str],
    servers: str,
) -> None:
    del clamped
    path = tmp_path / "records.json"
    path.write_text(document, encoding="utf-8", errors="surrogatepass")
    server = world[servers]
    argv = ["verify", "--records", str(path), "--nameserver", server, "--resolver", server]
    result = run_cli(*argv, *extra, stdin=document)
    event(f"exit {int(result.rc)}")
    text = result.out + result.err
    assert "Traceback" not in text
    assert "internal error" not in text
    assert result.rc in (0, 1, 2, 3), text[-2000:]
    assert len(text) < MAX_OUTPUT
    if result.rc != 2 and not result.out.startswith("usage:"):  # checked, not --help
        assert_well_formed(document)


_NAME = re.compile(
    r"(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
)


def assert_well_formed(document: str) -> None:
    """What was checked (not refused) is well-formed: ASCII names under their domain, no
    duplicate keys, known purposes, non-empty targets."""
    data = json.loads(document, object_pairs_hook=_unique)
    if isinstance(data, dict):
        outputs = data.get("outputs")
        data = (outputs if isinstance(outputs, dict) else data)["dns_records"]
    for record in data:
        domain = record["domain"].lower().removesuffix(".")
        name = record["name"].lower().removesuffix(".")
        assert _NAME.fullmatch(domain), domain
        assert _NAME.fullmatch(name), name
        assert name == domain or name.endswith("." + domain)
        assert record.get("purpose", "other") in PURPOSES
        if record["type"].upper() in ("CNAME", "MX"):
            assert _NAME.fullmatch(record["value"].split(" ")[-1].lower().removesuffix("."))


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    assert len(set(keys)) == len(keys), keys
    return dict(pairs)


_labels = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\Z")
_hosts = st.lists(_labels, min_size=1, max_size=3).map(lambda ls: ".".join([*ls, "example.net"]))


@st.composite
def _valid_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Records that pass validation, with arbitrary TXT texts and targets: the protocol parsers,
    the comparison and the report see whatever a zone might hold."""
    records = [dict(r) for r in GOOD]
    for record in records:
        if draw(st.booleans()):
            continue
        if record["type"] == "TXT":
            record["value"] = draw(st.one_of(st.text(max_size=300), _PLAUSIBLE["value"]))
        elif record["type"] == "CNAME":
            record["value"] = draw(_hosts)
        else:
            record["value"] = f"{draw(st.integers(0, 65535))} {draw(_hosts)}"
    return records


@settings(
    max_examples=max(1, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=_valid_records(),
    flags=st.sets(st.sampled_from(["--json", "--strict", "--wait", "--aws"])),
    servers=st.sampled_from(["knot", "knot", "closed"]),
)
def test_verify_checks_whatever_valid_records_say(
    clamped: None,
    world: dict[str, str],
    tmp_path: Path,
    records: list[dict[str, Any]],
    flags: set[str],
    servers: str,
) -> None:
    del clamped
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    server = world[servers]
    argv = ["verify", "--records", str(path), "--nameserver", server, "--resolver", server]
    argv += sorted(flags & {"--json", "--strict"})
    if "--wait" in flags:
        argv += ["--wait", "1"]
    if "--aws" in flags:
        endpoint = f"http://{world['closed']}"
        argv += ["--aws", "--aws-region", "us-east-1", "--aws-endpoint-url", endpoint]
    result = run_cli(*argv)
    event(f"exit {int(result.rc)}")
    text = result.out + result.err
    assert "Traceback" not in text
    assert "internal error" not in text
    assert result.rc in (0, 1, 3), text[-2000:]
    assert len(text) < MAX_OUTPUT
