"""The errors the core raises on purpose. Pure: no I/O.

Which unit status an error leads to is decided in ``domain.status``; an error only says
whether it may pass by itself (``transient``).
"""

from typing import ClassVar, Sequence


class InvalidValue(ValueError):
    """A text is not of the expected form; the message says what was expected."""


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    transient: ClassVar[bool] = False  # True: wait and look again; False: the operator must act


class ConfigError(DomainError):
    """One charm option has a value the charm cannot use."""

    def __init__(self, option: str, problem: str) -> None:
        super().__init__(f"{option}: {problem}")
        self.option = option


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

    transient = True


class WorkloadRejected(DomainError):
    """Prometheus refused what it was given (e.g. a reload of a configuration it cannot load)."""
