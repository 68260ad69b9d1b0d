"""The pass's resolver lookups (``discovery.ResolverView``): resolvers asked in turn, each
question asked once, errors naming every resolver, and nothing left waiting after the pass."""

from __future__ import annotations

import asyncio
from typing import cast

from components.checks.dns.client import Answer, DnsClient, Server, Status
from components.checks.protocols.spf import TxtLookup
from components.checks.verify.discovery import ResolverView

ONE, TWO = Server("192.0.2.1"), Server("192.0.2.2")


class Scripted:
    """Stands in for ``DnsClient``: each query's future is kept for the test to resolve."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.asked: dict[tuple[Server, str, str], asyncio.Future[Answer]] = {}

    def query(self, server: Server, name: str, rdtype: str, *, recurse: bool) -> object:
        assert recurse
        future: asyncio.Future[Answer] = self.loop.create_future()
        assert (server, name, rdtype) not in self.asked, "asked twice"
        self.asked[(server, name, rdtype)] = future
        return future


def _view(resolvers: list[Server]) -> tuple[ResolverView, Scripted]:
    client = Scripted()
    return ResolverView(cast(DnsClient, client), resolvers), client


def _txt(name: str, status: Status = "nodata", error: str = "") -> Answer:
    return Answer(name, "TXT", status, error=error, answered=status != "error")


def test_the_second_resolver_answers_when_the_first_fails() -> None:
    async def run() -> tuple[Answer, TxtLookup, list[tuple[Server, str, str]]]:
        view, client = _view([ONE, TWO])
        first = view.query("Mail.Example.com.", "TXT")
        assert view.query("mail.example.com", "TXT") is first  # the same question, normalized
        lookup = view.lookup("mail.example.com", "TXT")
        client.asked[(ONE, "mail.example.com", "TXT")].set_result(
            _txt("mail.example.com", "error", "REFUSED")
        )
        for _ in range(3):
            await asyncio.sleep(0)
        assert not first.done()
        client.asked[(TWO, "mail.example.com", "TXT")].set_result(_txt("mail.example.com"))
        answer, found = await first, await lookup
        await view.close()
        return answer, found, list(client.asked)

    answer, found, asked = asyncio.run(run())
    assert (answer.status, found) == ("nodata", TxtLookup("nodata", ()))
    assert asked == [(ONE, "mail.example.com", "TXT"), (TWO, "mail.example.com", "TXT")]


def test_every_resolver_failing_names_each_one() -> None:
    async def run() -> tuple[Answer, TxtLookup, Answer]:
        view, client = _view([ONE, TWO])
        lookup = view.lookup("x.test", "TXT")
        for server in (ONE, TWO):
            await asyncio.sleep(0)
            client.asked[(server, "x.test", "TXT")].set_result(_txt("x.test", "error", "timeout"))
        found = await lookup
        answer = await view.query("x.test", "TXT")
        nobody = await ResolverView(cast(DnsClient, client), []).query("y.test", "TXT")
        await view.close()
        return answer, found, nobody

    answer, found, nobody = asyncio.run(run())
    message = "192.0.2.1: timeout; 192.0.2.2: timeout"
    assert (answer.status, answer.error) == ("error", message)
    assert found == TxtLookup("error", error=message)
    assert (nobody.status, nobody.error) == ("error", "no resolver")


def test_a_lookup_reads_texts_and_record_data() -> None:
    async def run() -> TxtLookup:
        view, client = _view([ONE])
        lookup = view.lookup("x.test", "TXT")
        client.asked[(ONE, "x.test", "TXT")].set_result(_txt("x.test", "nxdomain"))
        found = await lookup
        await view.close()
        return found

    assert asyncio.run(run()) == TxtLookup("nxdomain", ())


def test_closing_cancels_what_is_still_waiting() -> None:
    """After the pass nothing waits: the lookups and the client's queries behind them are
    cancelled (so the client never sends those still queued)."""

    async def run() -> tuple[list[bool], list[bool]]:
        view, client = _view([ONE, TWO])
        waiting = [view.query(f"n{i}.test", "TXT") for i in range(3)]
        evaluation = view.lookup("n0.test", "TXT")
        await view.close()
        await asyncio.sleep(0)
        return (
            [f.cancelled() for f in [*waiting, evaluation]],
            [f.cancelled() for f in client.asked.values()],
        )

    lookups, queries = asyncio.run(run())
    assert lookups == [True] * 4
    assert queries == [True] * 3
