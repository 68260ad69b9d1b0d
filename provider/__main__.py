"""Entry point of the ``ses`` Pulumi package: hosts the SES components for every language.

The Pulumi engine starts this with the engine's address as the first argument; the host prints
its port, answers GetSchema with the schema derived from ``ses_domains.multilang``'s dataclasses
and Construct with the components, refusing bad inputs with every problem named.

Run from a checkout (``python provider/__main__.py``) it hosts the checkout's ``components/``
folder under the package's import name; copied elsewhere it uses the installed ``ses_domains``.
"""

import importlib.util
import sys
from pathlib import Path

CHECKOUT_PACKAGE = Path(__file__).resolve().parent.parent / "components"


def _use_the_checkout() -> None:
    """Import the checkout's ``components/`` as ``ses_domains`` (the same files the wheel
    ships: they import each other relatively), so the plugin hosts the code it sits next to."""
    spec = importlib.util.spec_from_file_location(
        "ses_domains",
        CHECKOUT_PACKAGE / "__init__.py",
        submodule_search_locations=[str(CHECKOUT_PACKAGE)],
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"provider: cannot load {CHECKOUT_PACKAGE}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ses_domains"] = module
    spec.loader.exec_module(module)


if (CHECKOUT_PACKAGE / "__init__.py").is_file():
    _use_the_checkout()

from pulumi.provider import main as serve  # noqa: E402
from ses_domains import __version__  # noqa: E402
from ses_domains.multilang.provider import (  # noqa: E402
    COMPONENTS,
    PACKAGE_NAME,
    SesComponentProvider,
)


def main() -> None:
    serve(SesComponentProvider(COMPONENTS, PACKAGE_NAME, version=__version__), sys.argv[1:])


if __name__ == "__main__":
    main()
