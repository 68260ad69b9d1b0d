"""One server's answer against the expected record: the verdict and what it shows.

SPF records are compared term by term and DMARC records tag by tag (spacing and case do not
matter), DKIM TXT records with white space removed, everything else by value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

from ..dns.client import Answer, normalize_name, rdata_int, rdata_name, txt_text
from ..protocols import bimi, dkim, dmarc, spf
from .expected import Expected, expected_rdata
from .findings import Finding, FindingCode


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@functools.lru_cache(maxsize=1024)
def _mx(value: str) -> tuple[int, str]:
    prio, _, host = value.partition(" ")
    return int(prio), normalize_name(host)


class Check(NamedTuple):
    """The verdict on one expected record from one answer (a named tuple: one is built for
    every answer, several times cheaper than a dataclass with lists)."""

    status: str  # ok | missing | wrong | conflict | cname | n/a
    findings: Sequence[Finding] = ()
    values: Sequence[str] = ()  # published values of interest


def _wrong(e: Expected, code: FindingCode, message: str, values: Sequence[str] = ()) -> Check:
    """A record that is published but wrong: one error with the zone line that fixes it."""
    return Check("wrong", [Finding("error", code, e.name, message, fix=e.zone_line())], values)


def _missing(e: Expected, status: str) -> Check:
    """The "missing" verdict for one expected record (``status``: the answer's)."""
    code = FindingCode.RECORD_MISSING
    if e.purpose == "tracking":
        code = FindingCode.TRACKING_CNAME_MISSING
    elif e.purpose == "postmaster_tools":
        code = FindingCode.POSTMASTER_VERIFICATION_MISSING
    message = (
        f"no {e.rdtype} record ({e.purpose}) at {e.name}"
        + (" (the name does not exist)" if status == "nxdomain" else "")
        + (
            " (the name has other records but no CNAME)"
            if status == "nodata" and e.rdtype == "CNAME"
            else ""
        )
    )
    return Check("missing", [Finding("error", code, e.name, message, fix=e.zone_line())])


@functools.lru_cache(maxsize=1024)
def _spf_normalized(text: str) -> str:
    """A pure function of the text (no DNS data): memoised for the repeated comparisons."""
    return spf.parse_spf(text).normalized()


@functools.lru_cache(maxsize=1024)
def _dmarc_normalized(text: str) -> str:
    return dmarc.parse_dmarc(text).normalized()


def check_answer(e: Expected, answer: Answer) -> Check:
    """Compare one server's answer with the expected record."""
    if answer.status == "error":
        return Check("n/a")
    chain, records = answer.chain, answer.records
    if e.rdtype != "CNAME" and chain:
        return Check(
            "cname",
            [
                Finding(
                    "error",
                    FindingCode.CNAME_CONFLICT,
                    e.name,
                    f"{e.name} is a CNAME to {chain[0]}: a name with a CNAME can hold no other "
                    f"data, so the {e.rdtype} record ({e.purpose}) cannot be published there",
                    fix=f"delete the CNAME at {e.name}, then add: {e.zone_line()}",
                )
            ],
        )
    status = answer.status
    if e.rdtype == "CNAME":
        targets = [rdata_name(r) for r in records]
        if not targets:
            return _missing(e, status)
        if e.value in targets:
            return Check("ok", values=targets)
        tracking = e.purpose == "tracking"
        return _wrong(
            e,
            FindingCode.TRACKING_CNAME_WRONG if tracking else FindingCode.RECORD_WRONG,
            f"CNAME ({e.purpose}) points to {targets[0]}, expected {e.value}"
            + (": open and click links miss SES's tracking endpoint" if tracking else ""),
            targets,
        )
    if e.rdtype == "MX":
        published = [(rdata_int(r), rdata_name(r)) for r in records]
        if not published:
            return _missing(e, status)
        prio, host = _mx(e.value)
        if (prio, host) in published:
            extra = [x for x in published if x != (prio, host)]
            if not extra:
                return Check("ok")
            return Check(
                "ok",
                [
                    Finding(
                        "warning",
                        FindingCode.MX_EXTRA,
                        e.name,
                        f"other MX records beside {prio} {host}: "
                        + ", ".join(f"{p} {h}" for p, h in sorted(extra))
                        + " (bounces may not reach SES)",
                    )
                ],
            )
        shown = ", ".join(f"{p} {h}" for p, h in sorted(published))
        hosts = {h for _, h in published}
        if host in hosts:
            return _wrong(
                e, FindingCode.MX_WRONG_PRIORITY, f"MX {host} has priority {shown}, expected {prio}"
            )
        return _wrong(e, FindingCode.MX_WRONG_HOST, f"MX points to {shown}, expected {prio} {host}")
    if e.rdtype == "TXT":
        texts = [txt_text(r) for r in records]
        if spf.is_spf_row(e):
            return _check_spf_texts(e, texts, status)
        if dmarc.is_dmarc_row(e):
            return _check_dmarc_texts(e, texts, status)
        if bimi.is_bimi_row(e):
            return _check_bimi_texts(e, texts, status)
        if e.purpose == "postmaster_tools":
            return _check_postmaster_texts(e, texts, status)
        if not texts:
            return _missing(e, status)
        if dkim.is_dkim_txt_row(e):
            match = _squash(e.value) in [_squash(t) for t in texts]
        else:
            match = e.value in texts
        if match:
            return Check("ok", values=texts)
        if dkim.is_dkim_txt_row(e):
            return _wrong(
                e,
                FindingCode.RECORD_WRONG,
                f"TXT ({e.purpose}) differs from the expected value",
                texts,
            )
        return _missing(e, status)
    wanted = expected_rdata(e)
    if wanted in [r.to_rdata() for r in records]:
        return Check("ok")
    if not records:
        return _missing(e, status)
    return _wrong(
        e,
        FindingCode.RECORD_WRONG,
        f"{e.rdtype} is {', '.join(r.to_text() for r in records)}, expected {e.value}",
    )


def _check_spf_texts(e: Expected, texts: list[str], status: str) -> Check:
    spfs = [t for t in texts if spf.is_spf(t)]
    if not spfs:
        return _missing(e, status)
    expected_norm = _spf_normalized(e.value)
    match = any(_spf_normalized(t) == expected_norm for t in spfs)
    if len(spfs) > 1:
        return Check(
            "conflict",
            [
                Finding(
                    "error",
                    FindingCode.SPF_MULTIPLE,
                    e.name,
                    f"{len(spfs)} SPF records at {e.name} ({' | '.join(spfs)}): receivers treat "
                    "this as a permanent error; keep exactly one",
                    fix=f"delete the other v=spf1 records, keep: {e.zone_line()}",
                )
            ],
            spfs,
        )
    if match:
        return Check("ok", values=spfs)
    return _wrong(e, FindingCode.RECORD_WRONG, f"SPF is '{spfs[0]}', expected '{e.value}'", spfs)


def _check_dmarc_texts(e: Expected, texts: list[str], status: str) -> Check:
    candidates = [t for t in texts if dmarc.looks_like_dmarc(t)]
    if not candidates:
        return _missing(e, status)
    if len(candidates) > 1:
        return Check(
            "conflict",
            [
                Finding(
                    "error",
                    FindingCode.DMARC_MULTIPLE,
                    e.name,
                    f"{len(candidates)} DMARC records at {e.name}: receivers then apply no policy "
                    "at all (RFC 7489 6.6.3); keep exactly one",
                    fix=f"delete the other v=DMARC1 records, keep: {e.zone_line()}",
                )
            ],
            candidates,
        )
    if _dmarc_normalized(candidates[0]) == _dmarc_normalized(e.value):
        return Check("ok", values=candidates)
    return _wrong(
        e, FindingCode.RECORD_WRONG, f"DMARC is '{candidates[0]}', expected '{e.value}'", candidates
    )


def _check_bimi_texts(e: Expected, texts: list[str], status: str) -> Check:
    candidates = [t for t in texts if bimi.is_bimi(t)]
    if not candidates:
        return _missing(e, status)
    if len(candidates) > 1:
        return Check(
            "conflict",
            [
                Finding(
                    "error",
                    FindingCode.BIMI_MULTIPLE,
                    e.name,
                    f"{len(candidates)} BIMI records at {e.name}: receivers then use none of "
                    "them; keep exactly one",
                    fix=f"delete the other v=BIMI1 records, keep: {e.zone_line()}",
                )
            ],
            candidates,
        )
    published = bimi.parse_bimi(candidates[0])
    if published.normalized() == bimi.parse_bimi(e.value).normalized():
        return Check("ok", values=candidates)
    return _wrong(
        e, FindingCode.RECORD_WRONG, f"BIMI is '{candidates[0]}', expected '{e.value}'", candidates
    )


def _check_postmaster_texts(e: Expected, texts: list[str], status: str) -> Check:
    """The verification token among the domain's TXT records (other owners' tokens may stay:
    Google verifies each owner by their own)."""
    if e.value in texts:
        return Check("ok", values=[e.value])
    others = [t for t in texts if t.startswith("google-site-verification=")]
    if not others:
        return _missing(e, status)
    shown = ", ".join(t[:80] for t in others[:3])
    return _wrong(
        e,
        FindingCode.POSTMASTER_VERIFICATION_WRONG,
        f"{e.name} has google-site-verification TXT records ({shown}) but not the stack's "
        "token: Postmaster Tools cannot verify the domain with it (the other tokens may stay)",
        others,
    )


def serial_of(answer: Answer) -> tuple[int | None, str | None]:
    """SOA serial and zone from an authoritative SOA answer (answer or authority section)."""
    if answer.soa is None:
        return None, None
    zone, serial = answer.soa
    return serial, zone


# ---- discovery -------------------------------------------------------------------------------
