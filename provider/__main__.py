"""Entry point of the ``ses`` Pulumi package: hosts the SES components for every language.

The Pulumi engine starts this with the engine's address as the first argument; the host answers
GetSchema with the schema inferred from ``ses_domains.provider`` and Construct with the components.
"""

from pulumi.provider.experimental import component_provider_host
from ses_domains import __version__
from ses_domains.multilang.provider import COMPONENTS, PACKAGE_NAME


def main() -> None:
    component_provider_host(COMPONENTS, name=PACKAGE_NAME, version=__version__)


if __name__ == "__main__":
    main()
