"""The ``ses-guardrails`` policy pack: the rules are in ``ses_guardrails.py`` (pure functions)."""

from pulumi_policy import EnforcementLevel, PolicyPack
from ses_guardrails import PACK_NAME, POLICIES

PolicyPack(name=PACK_NAME, enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
