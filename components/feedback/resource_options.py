"""Resource options shared by the feedback components."""

from __future__ import annotations

import pulumi


def child_options(parent: pulumi.Resource, *depends_on: pulumi.Resource) -> pulumi.ResourceOptions:
    """Options of a child of ``parent`` that waits for ``depends_on`` (if any)."""
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on) or None)
