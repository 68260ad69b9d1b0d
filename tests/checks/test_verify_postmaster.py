"""checks verify on knotd: the Google Postmaster Tools verification TXT at the domain (purpose
``postmaster_tools``): present, another owner's token only (wrong), or none (missing)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from tests.support.checks_support import Result, make_world
from tests.support.dns_world import POSTMASTER_TOKEN as TOKEN
from tests.support.dns_world import domain_zone, postmaster_record, ses_records

OTHER = "google-site-verification=someoneElsesTokenAAAAAAAAAAAAAAAAAAAAAAAAAA"
SPF = "v=spf1 include:_spf.example.net -all"


def records() -> list[dict[str, Any]]:
    return [*ses_records(), postmaster_record()]


def verify(stack: ExitStack, tmp_path: Path, *, published: tuple[str, ...]) -> Result:
    """The records served with the domain's apex TXT records replaced by ``published``."""
    expected = records()
    apex = tuple(f'example.com. 300 IN TXT "{text}"' for text in published)
    zone = domain_zone(expected, "example.com", drop=(("example.com", "TXT"),), extra=apex)
    world = make_world(stack, tmp_path, expected, zones=[zone, zone])
    return world.verify()


def test_the_token_among_other_txt_records_is_ok(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, published=(SPF, OTHER, TOKEN))
    assert result.codes() == [], result.out
    assert result.rc == 0
    (row,) = [r for r in result.doc["domains"][0]["records"] if r["purpose"] == "postmaster_tools"]
    assert set(row["servers"].values()) == {"ok"}


def test_no_verification_record_is_missing(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, published=(SPF,))
    (finding,) = result.findings("postmaster_verification_missing")
    assert "no TXT record (postmaster_tools) at example.com" in finding["message"]
    assert finding["fix"] == f'example.com. 300 IN TXT "{TOKEN}"'
    assert result.rc == 1


def test_only_another_token_is_wrong(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, published=(SPF, OTHER))
    (finding,) = result.findings("postmaster_verification_wrong")
    assert OTHER in finding["message"] and "the other tokens may stay" in finding["message"]
    assert finding["fix"] == f'example.com. 300 IN TXT "{TOKEN}"'
    assert "record_wrong" not in result.codes() and result.rc == 1


def test_the_name_without_any_txt_is_missing_too(stack: ExitStack, tmp_path: Path) -> None:
    result = verify(stack, tmp_path, published=())
    assert result.codes() == ["postmaster_verification_missing"]
