"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.package_support import build_wheel, install_package

MUTATION_EXAMPLES = 25
settings.register_profile(
    "mutation", max_examples=MUTATION_EXAMPLES, derandomize=True, database=None
)
"""For scripts/mutation.sh (``--hypothesis-profile=mutation``): every mutant meets the same
few examples, so a kill never depends on chance and a survivor runs its property tests quickly."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under the mutation profile, property tests that ask for more examples run 25 too: every
    surviving mutant runs each test that reaches it, and hundreds of examples per test would
    make a module's run take an hour."""
    if config.getoption("hypothesis_profile", None) != "mutation":
        return
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if isinstance(own, settings) and own.max_examples > MUTATION_EXAMPLES:
            capped = settings(own, max_examples=MUTATION_EXAMPLES)
            setattr(test, "_hypothesis_internal_use_settings", capped)  # noqa: B010


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    """Clean-ups (servers, proxies, patches) undone when the test ends, last registered first."""
    with ExitStack() as s:
        yield s


@pytest.fixture(scope="session")
def installed_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built and installed once per run, as a consumer's pip would
    (:func:`~tests.support.package_support.install_package`); treat it as read-only."""
    return install_package(tmp_path_factory.mktemp("package"))


@pytest.fixture(scope="session")
def package_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the project's wheel, built once per run offline
    (:func:`~tests.support.package_support.build_wheel`): pip's ``--find-links``."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(autouse=True)
def _fresh_parse_caches() -> Iterator[None]:
    """The record parsers (SPF, DMARC and its ``psd``, DKIM keys, BIMI) are memoised within a
    process; each test starts from empty caches, so what it asserts comes from parsing, not
    from a record an earlier test (or, under mutation testing, the unmutated warm-up run) left
    behind."""
    from components.checks.protocols import dmarc_walk
    from components.checks.protocols.bimi import parse_bimi
    from components.checks.protocols.dkim import parse_dkim_key
    from components.checks.protocols.dmarc import parse_dmarc
    from components.checks.protocols.spf import parse_spf

    for parse in (parse_spf, parse_dmarc, parse_dkim_key, parse_bimi, dmarc_walk._psd):  # pyright: ignore[reportPrivateUsage]
        parse.cache_clear()
    yield
