"""Props of a domain's optional parts, for ``SesDomainArgs``: BIMI, sending authorization
policies, a global endpoint, the Postmaster Tools verification, what is adopted. Pure: no
Pulumi."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from .adopt import AdoptedRecord
from .authorization import DEFAULT_ACTIONS, SendAction
from .model import DEFAULT_BIMI_SELECTOR


@dataclass(frozen=True, kw_only=True)
class BimiArgs:
    """The BIMI assertion record ``<selector>._bimi.<domain>`` (needs DMARC at enforcement)."""

    logo_url: str
    """``l=``: https URL of the brand logo, an SVG Tiny PS file ending in ``.svg``."""
    authority_url: str | None = None
    """``a=``: https URL of the VMC or CMC mark certificate (``.pem``); ``None``: empty."""
    selector: str = DEFAULT_BIMI_SELECTOR
    """One DNS label (``default`` unless given)."""


@dataclass(frozen=True, kw_only=True)
class PostmasterToolsArgs:
    """The Google Postmaster Tools verification record: a TXT record at the domain itself."""

    verification: str
    """The TXT value Postmaster Tools shows: ``google-site-verification=<token>``."""


@dataclass(frozen=True, kw_only=True)
class SendingAuthorizationArgs:
    """One sending authorization policy: other accounts' principals that may send from the
    identity (``aws.sesv2.EmailIdentityPolicy``)."""

    name: str
    """The policy's name on the identity: 1-64 letters, digits, ``-`` and ``_``."""
    principals: Sequence[str]
    """Who may send: 12-digit account ids or IAM role or user ARNs of the identity's
    partition; never ``*``."""
    actions: Sequence[SendAction] = DEFAULT_ACTIONS
    """What they may call (``ses:SendEmail`` and ``ses:SendRawEmail`` unless given)."""
    from_addresses: Sequence[str] = ()
    """``ses:FromAddress`` patterns under the domain (``orders@example.com``,
    ``*@example.com``); empty: any address of the identity."""
    recipients: Sequence[str] = ()
    """``ses:Recipients`` patterns; empty: any recipient."""


@dataclass(frozen=True, kw_only=True)
class GlobalEndpointArgs:
    """An SES global endpoint over two of the domain's regions, for sends through the v2 API
    (``SendEmail`` with its ``EndpointId``); it does not serve SMTP."""

    name: str | None = None
    """The endpoint's name, 1-64 letters, digits, ``_`` and ``-`` (``None``: the domain with
    dashes for dots)."""
    regions: Sequence[str] = ()
    """Two of the domain's regions, the endpoint's primary first (empty: the domain's regions,
    when it has exactly two)."""


@dataclass(frozen=True, kw_only=True)
class AdoptArgs:
    """What of the domain already exists in SES and Route 53 and is taken into the stack
    instead of created (docs/adopt.md). ``adopt=True`` adopts the identity and, when the domain
    has one, its MAIL FROM setting; this chooses. A configuration set is adopted where it is
    declared (stack config's ``adopt.configurationSet``), never by the domain's props."""

    identity: bool = True
    """Import the domain identity (``aws.sesv2.EmailIdentity``, import id: the domain) in each
    of its regions; refused with ``Byodkim`` (SES never returns the private key)."""
    mail_from: bool = False
    """Import its custom MAIL FROM setting (``EmailIdentityMailFromAttributes``, import id: the
    domain) in each region; needs ``identity`` and ``mail_from`` on the domain."""
    records: Sequence[AdoptedRecord] = ()
    """Route 53 records that already exist and are overwritten with the stack's values
    (``allow_overwrite`` on those only, every region's); each must be a record the domain
    declares, and the domain's DNS must be ``Route53Dns``."""


def adopt_shape(adopt: object) -> object:
    """An ``adopt`` prop in config form (anything else as it is, for the parser to name)."""
    if not isinstance(adopt, AdoptArgs):
        return adopt
    records = cast(object, adopt.records)  # a program may not be type-checked
    if isinstance(records, Sequence) and not isinstance(records, str):
        items = cast(Sequence[object], records)
        records = [item.value if isinstance(item, AdoptedRecord) else item for item in items]
    return {"identity": adopt.identity, "mailFrom": adopt.mail_from, "records": records}


def authorization_shape(item: object) -> object:
    """A ``sendingAuthorization`` entry in config form (anything else as it is, for the parser
    to name)."""
    if not isinstance(item, SendingAuthorizationArgs):
        return item
    return {
        "name": item.name,
        "principals": list(item.principals),
        "actions": [str(action) for action in item.actions],
        "fromAddresses": list(item.from_addresses),
        "recipients": list(item.recipients),
    }
