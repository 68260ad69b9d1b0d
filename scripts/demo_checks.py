"""The checks demo without AWS (run it through scripts/demo.sh).

1. The offline plan of a stack writes its DNS records (JSON) and its zone file fragment.
2. knotd on loopback serves that fragment (two instances: ns1 and ns2) plus, on ns1, a stand-in
   amazonses.com zone with a DKIM key for each token and SES's SPF record. ns1 also acts as the
   "--resolver": it answers the lookups of amazonses.com authoritatively, and the DMARC tree
   walks (RFC 9989) of the domains and their report addresses: each top-level domain as an empty
   zone, and a report address's domain outside the stack with its organization's own DMARC
   record, which puts it in the same organizational domain as a stack domain below it.
3. ``checks verify`` runs: green. Then one record is broken on ns2 only (the MAIL FROM MX
   deleted, serial 2, zone reloaded with knotc) and ``checks verify`` runs again: red, naming ns2,
   with the fix to paste.
4. The servers are stopped and the temporary directory removed. With ``--keep`` the servers stay
   up (the broken state) until Ctrl-C or ``--keep-seconds``, and the exact ``checks verify``
   command to try by hand is printed.

Headings are bold only on a terminal (and without ``NO_COLOR``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from components.checks.protocols.dmarc import parse_dmarc  # noqa: E402
from components.checks.verify.expected import txt_zone_strings  # noqa: E402
from tests.support.dns_world import AMAZONSES_SPF, dkim_key_txt  # noqa: E402
from tests.support.knot_server import KnotServer, zone_text  # noqa: E402


def banner(text: str) -> None:
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(f"\n\033[1m=== {text}\033[0m" if bold else f"\n=== {text}", flush=True)


def run(argv: list[str], **kwargs: object) -> int:
    print("$ " + " ".join(argv), flush=True)
    return subprocess.run(argv, cwd=REPO, check=False, **kwargs).returncode  # type: ignore[call-overload]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="dev", help="the stack to plan (default: dev)")
    parser.add_argument("--records", help="use this records JSON instead of running the plan")
    parser.add_argument("--zone-file", help="with --records: the zone fragment to serve")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the servers up after the demo (the broken state) and print the checks verify "
        "command to try by hand; Ctrl-C stops them",
    )
    parser.add_argument(
        "--keep-seconds",
        type=int,
        default=3600,
        metavar="N",
        help="with --keep: stop the servers after N seconds at the latest (default 3600)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="checks-demo-"))
    try:
        return demo(args, work)
    except KeyboardInterrupt:
        print("demo: interrupted", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)


def demo(args: argparse.Namespace, work: Path) -> int:
    """The demo in ``work`` (a temporary directory the caller removes)."""
    py = sys.executable
    plan_json, fragment = work / "plan.json", work / f"{args.stack}.zone"
    if args.records:
        plan_json, fragment = Path(args.records), Path(args.zone_file or "")
    else:
        banner(f"offline plan of stack '{args.stack}' (no cloud, no Pulumi CLI)")
        cmd = [py, "-m", "components.plan", "--stack", args.stack, "--json"]
        with plan_json.open("w") as out:
            if run([*cmd, "--zone-file", str(fragment)], stdout=out) != 0:
                print("demo: the offline plan failed", file=sys.stderr)
                return 2
    doc = json.loads(plan_json.read_text())
    records = doc.get("outputs", doc).get("dns_records", doc) if isinstance(doc, dict) else doc
    lines = [ln for ln in fragment.read_text().splitlines() if ln.strip() and ln[0] not in ";$"]
    print(f"{len(records)} records; zone fragment {fragment}:")
    print("\n".join("  " + ln for ln in lines))

    domains = sorted({r["domain"] for r in records}, key=len, reverse=True)
    by_domain: dict[str, list[str]] = {d: [] for d in domains}
    for line in lines:
        owner = line.split()[0].rstrip(".").lower()
        for d in domains:  # the longest matching domain owns the line
            if owner == d or owner.endswith("." + d):
                by_domain[d].append(line)
                break
    tokens = [r["value"] for r in records if r["type"] == "CNAME" and r["purpose"] == "dkim"]
    key = dkim_key_txt(2048)
    amazonses = zone_text(
        "amazonses.com",
        1,
        [f'amazonses.com. 300 IN TXT "{AMAZONSES_SPF}"']
        + [f"{t}. 300 IN TXT {txt_zone_strings(key)}" for t in tokens],
    )

    def zones(serial: int, drop: tuple[str, str] | None = None) -> dict[str, str]:
        def keep(line: str) -> bool:
            parts = line.split()
            return drop is None or (parts[0].rstrip(".").lower(), drop[1]) != (
                drop[0],
                next((p for p in parts[1:4] if p.isupper() and p != "IN"), ""),
            )

        return {
            d: zone_text(d, serial, [ln for ln in ls if keep(ln)]) for d, ls in by_domain.items()
        }

    ns1 = KnotServer({**zones(1), "amazonses.com": amazonses, **walk_zones(records, domains)})
    ns2 = KnotServer(zones(1))
    records_file = work / "records.json"
    records_file.write_text(json.dumps(records))
    try:
        banner("starting knotd on loopback")
        ns1.start()
        ns2.start()
        print(f"ns1 {ns1.spec}: {', '.join(ns1.zones)} (also the --resolver)")
        print(f"ns2 {ns2.spec}: {', '.join(ns2.zones)}")
        verify = [
            py, "-m", "checks", "verify", "--records", str(records_file),
            "--nameserver", ns1.spec, "--nameserver", ns2.spec, "--resolver", ns1.spec,
        ]  # fmt: skip
        banner("checks verify: everything published")
        green = run(verify)
        print(f"exit status {green}")

        mx = next(r for r in records if r["type"] == "MX")
        banner(f"breaking ns2: deleting the MX of {mx['name']} (serial 2, knotc reload)")
        for d, text in zones(2, drop=(mx["name"], "MX")).items():
            ns2.set_zone(d, text, 2)
        banner("checks verify: one record missing on ns2")
        red = run(verify)
        print(f"exit status {red}")
        if args.keep:
            keep(verify, args.keep_seconds)
        return 0 if (green, red) == (0, 1) else 1
    finally:
        banner("stopping knotd")
        ns1.stop()
        ns2.stop()


def walk_zones(records: list[dict[str, str]], domains: list[str]) -> dict[str, str]:
    """What the DMARC tree walks ask the resolver beyond the stack's zones: the top-level
    domains, and each report address's domain outside the stack with a DMARC record."""
    dmarc = [r["value"] for r in records if r["purpose"] == "dmarc"]
    reports = {d for v in dmarc for d in parse_dmarc(v).report_domains} - set(domains)
    zones = {d.rsplit(".", 1)[-1]: zone_text(d.rsplit(".", 1)[-1], 1) for d in [*domains, *reports]}
    for d in reports:
        zones[d] = zone_text(d, 1, [f'_dmarc.{d}. 300 IN TXT "v=DMARC1; p=none"'])
    return zones


def keep(verify: list[str], seconds: int) -> None:
    """Leave the servers up until Ctrl-C or ``seconds`` have passed, saying how to use them."""
    banner(f"servers kept up: Ctrl-C stops them (after {seconds} s at the latest)")
    print("Try it by hand (from the repository root), e.g. with --json or --wait 60:")
    print(shlex.join(verify), flush=True)
    deadline = time.monotonic() + max(0, seconds)
    try:
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(1.0, left))
    except KeyboardInterrupt:
        print("\nCtrl-C: stopping", flush=True)


if __name__ == "__main__":
    sys.exit(main())
