"""A stack of another project that reuses the SES components (installed as ``ses_domains``).

- The project's own ``domains`` config builds the full stack (identity, records in Route 53,
  feedback loop) through ``build_stack``, validated like the ``ses`` project's config.
- In code, from typed props (no dicts, no config parser), it adds a newsletter domain whose DNS
  lives elsewhere (external: records exported only), an SMTP user that may send only from that
  domain, and a resource of its own: an SSM parameter handing the newsletter's records to
  whoever runs that DNS.
"""

import json

import pulumi
import pulumi_aws as aws
from ses_domains import (
    ConfigError,
    DmarcArgs,
    DmarcPolicy,
    ExternalDns,
    SesDomain,
    SesDomainArgs,
    SmtpPolicyArgs,
    SmtpUser,
    SmtpUserArgs,
)
from ses_domains.stack import build_stack, read_stack_config

try:
    config = read_stack_config()
    newsletter = pulumi.Config("newsletter").require("domain")
    news = SesDomain(
        newsletter,
        SesDomainArgs(
            name=newsletter,
            dmarc=DmarcArgs(policy=DmarcPolicy.REJECT, rua=[f"mailto:dmarc@{newsletter}"]),
            dns=ExternalDns(),
            tags=config.tags,
        ),
    )
except ConfigError as error:
    pulumi.log.error(str(error))
    raise SystemExit(2) from None

outputs = build_stack(config)

mailer = SmtpUser(
    "newsletter-mailer",
    SmtpUserArgs(
        user_name="newsletter-mailer",
        regions=[news.region],
        policy=SmtpPolicyArgs(
            identity_arns=[news.arn], from_addresses=[f"newsletter@{news.domain_name}"]
        ),
        tags=dict(config.tags),
    ),
)
handoff = aws.ssm.Parameter(
    "newsletter-dns-records",
    name=f"/mail-platform/{news.domain_name}/dns-records",
    type="String",
    value=news.dns_records.apply(lambda records: json.dumps(records, sort_keys=True)),
    tags=dict(config.tags),
)

for name, value in outputs.items():
    pulumi.export(name, value)
pulumi.export("newsletter_records", news.dns_records)
pulumi.export("newsletter_records_parameter", handoff.name)
pulumi.export("newsletter_smtp_username", mailer.username)
pulumi.export("newsletter_smtp_password", mailer.password)
