"""The limits AWS and the providers enforce at create time on declared resources' inputs."""

from .check import check_resources
from .model import Constraint, Kind, Origin, Scope, Uniqueness, Violation
from .table import UNIQUENESS, constraints

__all__ = [
    "UNIQUENESS",
    "Constraint",
    "Kind",
    "Origin",
    "Scope",
    "Uniqueness",
    "Violation",
    "check_resources",
    "constraints",
]
