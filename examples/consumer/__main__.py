"""A stack of another project that reuses the SES components (installed as ``ses_domains``).

- The project's own ``domains`` config builds the full stack (identity, records in Route 53,
  feedback loop) through ``build_stack``, validated like the ``ses`` project's config.
- In code it adds a newsletter domain whose DNS lives elsewhere (external: records exported
  only), an SMTP user that may send only from that domain, and a resource of its own: an SSM
  parameter handing the newsletter's records to whoever runs that DNS.
"""

import json

import pulumi
import pulumi_aws as aws
from ses_domains import (
    ConfigError,
    SesDomain,
    SesDomainArgs,
    SmtpPolicyArgs,
    SmtpUser,
    SmtpUserArgs,
    build_stack,
    parse_stack_config,
    read_stack_config,
)

try:
    config = read_stack_config()
    newsletter_domain = pulumi.Config("newsletter").require("domain")
    newsletter = parse_stack_config(
        {
            "domains": [
                {
                    "name": newsletter_domain,
                    "dmarc": {"policy": "reject", "rua": [f"mailto:dmarc@{newsletter_domain}"]},
                    "dns": {"provider": "external"},
                    "configurationSet": False,
                }
            ]
        },
        namespace=pulumi.get_project(),
        aws_region=pulumi.Config("aws").get("region"),
    ).domains[0]
except ConfigError as error:
    pulumi.log.error(str(error))
    raise SystemExit(2) from None

outputs = build_stack(config)

news = SesDomain(newsletter.name, SesDomainArgs(domain=newsletter, tags=config.tags))
mailer = SmtpUser(
    "newsletter-mailer",
    SmtpUserArgs(
        user_name="newsletter-mailer",
        regions=[newsletter.region],
        policy=SmtpPolicyArgs(
            identity_arns=[news.arn], from_addresses=[f"newsletter@{newsletter.name}"]
        ),
        tags=dict(config.tags),
    ),
)
handoff = aws.ssm.Parameter(
    "newsletter-dns-records",
    name=f"/mail-platform/{newsletter.name}/dns-records",
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
