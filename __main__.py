"""The stack program: read and validate config, build the components, export the outputs."""

import pulumi

from components.pulumi_config import read_stack_config
from components.stack import build_stack
from components.validation import ConfigError

try:
    stack_config = read_stack_config()
except ConfigError as error:
    pulumi.log.error(str(error))
    raise SystemExit(2) from None

for output_name, value in build_stack(stack_config).items():
    pulumi.export(output_name, value)
