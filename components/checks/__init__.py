"""Post-deploy checks: DNS on every authoritative server, SES status, SMTP.

Run as ``python -m checks <subcommand>``. This package never imports Pulumi, and this
module stays free of heavy imports so that ``python -m checks`` starts quickly.
"""
