"""The offline plan: the stack program evaluated under the SDK's mock runtime, no CLI, no cloud."""

from .run import Plan, make_plan
from .stack_files import PlanUsageError, StackFiles, read_stack_files

__all__ = ["Plan", "PlanUsageError", "StackFiles", "make_plan", "read_stack_files"]
