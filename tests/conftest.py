"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.package_support import install_package


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
