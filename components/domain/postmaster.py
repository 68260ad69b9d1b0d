"""A domain's ``postmasterTools`` settings: the Google Postmaster Tools verification TXT record.

Gmail sends no complaint feedback to SES, so SES's complaint rate never counts Gmail's users.
Google Postmaster Tools shows Gmail's own view of a domain (its spam rate, reputation and
compliance with the sender guidelines) once the domain is verified with a
``google-site-verification=<token>`` TXT record at the domain itself. Pure: no Pulumi.
"""

from __future__ import annotations

import re

from ..validation import Fields, Problems
from .model import PostmasterToolsConfig

VERIFICATION_PREFIX = "google-site-verification="
TOKEN = re.compile(r"[A-Za-z0-9_+/-]{16,128}={0,2}")
"""A verification token: base64 or base64url (Google's DNS tokens are 43 base64url
characters; older ones held ``+``, ``/`` and padding), 16 to 128 characters."""
_EXAMPLE = f"{VERIFICATION_PREFIX}rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"


def parse_postmaster_tools(
    fields: Fields | None, problems: Problems
) -> PostmasterToolsConfig | None:
    """A domain's ``postmasterTools`` object (``None`` when absent or unusable), every problem
    added with the key, the value (cut short) and the shape Postmaster Tools gives."""
    if fields is None:
        return None
    text = fields.string("verification", required=True)
    fields.finish()
    if text is None:
        return None
    token = text.removeprefix(VERIFICATION_PREFIX)
    if not text.startswith(VERIFICATION_PREFIX) or not TOKEN.fullmatch(token):
        problems.add(
            fields.key_path("verification"),
            text,
            f"must be the TXT value Postmaster Tools shows when you add the domain: "
            f"'{VERIFICATION_PREFIX}' followed by its token of 16 to 128 letters, digits, '-', "
            f"'_', '+' or '/' (such as {_EXAMPLE})",
        )
        return None
    return PostmasterToolsConfig(verification=text)
