"""Domain errors, each knowing the unit status it suggests. Pure: no I/O."""

import enum
from dataclasses import dataclass
from typing import ClassVar, Sequence


class StatusKind(enum.Enum):
    """The kinds of unit status the core can ask the shell for."""

    ACTIVE = "active"
    WAITING = "waiting"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class UnitStatus:
    """A status decided by the core; the shell maps it to an ops status class."""

    kind: StatusKind
    message: str = ""


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    status_kind: ClassVar[StatusKind] = StatusKind.BLOCKED

    def as_status(self) -> UnitStatus:
        return UnitStatus(self.status_kind, str(self))


class ConfigError(DomainError):
    """One charm option has a value the charm cannot use."""

    def __init__(self, option: str, problem: str) -> None:
        super().__init__(f"{option}: {problem}")
        self.option = option
        self.problem = problem


class ConfigErrors(DomainError):
    """Every bad option at once, so the operator can fix them in one go."""

    def __init__(self, errors: Sequence[ConfigError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    @property
    def options(self) -> Sequence[str]:
        return tuple(e.option for e in self.errors)


class RuleError(DomainError):
    """A rule file (Prometheus rule-file YAML) is not one Prometheus would load."""


class ResourceError(DomainError):
    """The OCI image resource is missing or unreadable."""


class WorkloadUnavailable(DomainError):
    """Prometheus or the Kubernetes API could not be reached; wait and look again."""

    status_kind = StatusKind.WAITING


class WorkloadRejected(DomainError):
    """Prometheus refused what it was given (e.g. a reload of a configuration it cannot load)."""
