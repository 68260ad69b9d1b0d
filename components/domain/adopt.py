"""Adopting what already exists (a domain's ``adopt``): which of the domain's SES resources are
imported into the stack instead of created, which Route 53 records are taken over, and the
import ids the AWS provider expects. Pure: no Pulumi, no parsing (``adopt_parse.py``).

Import ids: ``aws.sesv2.EmailIdentity`` and ``EmailIdentityMailFromAttributes`` are imported by
the email identity (the domain), ``aws.sesv2.ConfigurationSet`` by its name (the Import sections
of pulumi-aws 7's API docs, from terraform-provider-aws). The ids carry no ``@<region>``: the
provider keeps the bare id in the state, and an ``import_`` option that differs from it would
import again, as a replacement, on every later update (``components/providers.py``); a resource
adopted outside the stack's region is read through the provider of its region instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AdoptedRecord(StrEnum):
    """A kind of record a domain may take over in its Route 53 zone (contract 1's ``purpose``)."""

    DKIM = "dkim"
    """The Easy DKIM CNAMEs (every region's), or the BYODKIM key's TXT record."""
    MAIL_FROM_MX = "mail_from_mx"
    """The MX record of each region's MAIL FROM domain."""
    MAIL_FROM_SPF = "mail_from_spf"
    """The SPF TXT record of each region's MAIL FROM domain."""
    DMARC = "dmarc"
    """The ``_dmarc`` TXT record."""
    BIMI = "bimi"
    """The BIMI assertion TXT record."""


@dataclass(frozen=True, kw_only=True)
class AdoptConfig:
    """What of a domain already exists and is taken into the stack instead of created.

    ``adopt: true`` adopts the identity, its MAIL FROM setting (when the domain has one) and its
    configuration set (when it uses one) in every region of the domain; an object chooses.
    """

    identity: bool = True
    """Import the domain identity (``aws.sesv2.EmailIdentity``) in each of its regions."""
    mail_from: bool = False
    """Import its custom MAIL FROM setting (``EmailIdentityMailFromAttributes``), per region."""
    configuration_set: bool | str = False
    """Import the configuration set the domain uses (``aws.sesv2.ConfigurationSet``) in each
    region; a name must be that set's name (a check that the one meant is the one adopted)."""
    records: tuple[AdoptedRecord, ...] = ()
    """Route 53 records that already exist and are overwritten with the stack's values
    (``allow_overwrite`` on those records only)."""

    def takes_over(self, purpose: str) -> bool:
        """Whether records of this ``purpose`` (contract 1's names) are taken over."""
        return any(record.value == purpose for record in self.records)
