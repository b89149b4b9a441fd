"""The unit status: decided from the unit's pod, a pending reload, or an error. Pure: no I/O.

Every message is made safe here, once, whatever it quotes (an option's value, a rule file, a
pod's reason from the Kubernetes API): Juju's ``status-set`` takes it as a command-line
argument, which cannot hold a NUL (Python refuses it before the tool runs) nor exceed the
kernel's per-argument limit (``MAX_ARG_STRLEN``, 32 pages = 128 KiB: include/uapi/linux/binfmts.h
in torvalds/linux; execve fails with E2BIG). Either would end the hook in error with the bad
option never named.
"""

import enum
from dataclasses import dataclass
from typing import Optional, Sequence

from domain.errors import DomainError
from domain.ports import Pod, PodState
from domain.relations.data import DroppedBag


class StatusKind(enum.Enum):
    """The kinds of unit status the core can ask the shell for."""

    ACTIVE = "active"
    WAITING = "waiting"
    BLOCKED = "blocked"


# At most 4 KiB of UTF-8: far below the 128 KiB of an argument, and a status line stays readable.
MAX_MESSAGE_CHARS = 1024
_CUT = "... ({} more characters)"


def safe_message(text: str) -> str:
    """``text`` on one line, every character that is not printable (controls such as NUL or a
    newline, line separators, lone surrogates, invisible formats) escaped visibly as ``\\x00``,
    ``\\n``, ``\\u2028``; longer than MAX_MESSAGE_CHARS, cut and ended with an ellipsis and the
    count of characters left out. Only the first MAX_MESSAGE_CHARS characters are looked at."""
    pieces = [char if char.isprintable() else repr(char)[1:-1] for char in text[: MAX_MESSAGE_CHARS + 1]]
    if len(text) <= MAX_MESSAGE_CHARS and sum(map(len, pieces)) <= MAX_MESSAGE_CHARS:
        return "".join(pieces)
    room, kept = MAX_MESSAGE_CHARS - len(_CUT.format(len(text))), 0
    for piece in pieces:
        if room < len(piece):
            break
        room -= len(piece)
        kept += 1
    return "".join(pieces[:kept]) + _CUT.format(len(text) - kept)


@dataclass(frozen=True)
class UnitStatus:
    """A status decided by the core; the shell maps it to an ops status class. Its message is
    always safe for ``status-set`` (see ``safe_message``), however it was built."""

    kind: StatusKind
    message: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", safe_message(self.message))


def status_for_error(error: DomainError) -> UnitStatus:
    """Waiting for an error that may pass by itself, blocked for one the operator must fix."""
    return UnitStatus(StatusKind.WAITING if error.transient else StatusKind.BLOCKED, str(error))


def pod_for_unit(pods: Sequence[Pod], unit: str) -> Optional[Pod]:
    """The unit's pod: by Juju's unit annotation, else a StatefulSet's ``<app>-<n>`` name."""
    for pod in pods:
        if pod.unit == unit:
            return pod
    app, _, number = unit.partition("/")
    return next((p for p in pods if p.unit is None and p.name == f"{app}-{number}"), None)


def decide_status(unit: str, pod: Optional[Pod], reload_pending: bool) -> UnitStatus:
    name = unit.replace("/", "-")
    if pod is None:
        return UnitStatus(StatusKind.WAITING, f"waiting for pod {name} to be created")
    if pod.state is PodState.FAILING:
        return UnitStatus(StatusKind.BLOCKED, f"pod {pod.name}: {pod.reason or 'failing'}")
    if pod.state is PodState.PENDING:
        return UnitStatus(StatusKind.WAITING, f"waiting for pod {pod.name} to start")
    if pod.state is not PodState.READY:
        return UnitStatus(
            StatusKind.WAITING, f"waiting for prometheus in {pod.name} to be ready (replaying the wal)"
        )
    if reload_pending:
        return UnitStatus(
            StatusKind.WAITING,
            "configuration published; each pod loads it by itself (checked again at the next update-status)"
        )
    return UnitStatus(StatusKind.ACTIVE, "")


def with_relation_notes(status: UnitStatus, dropped: Sequence[DroppedBag]) -> UnitStatus:
    """``status``, also saying which relation data was ignored: the first reason, and a count."""
    if not dropped or status.kind is StatusKind.BLOCKED:
        return status
    note = f"ignored relation data: {dropped[0]}"
    if len(dropped) > 1:
        note += f" (and {len(dropped) - 1} more, see juju debug-log)"
    return UnitStatus(status.kind, f"{status.message}; {note}" if status.message else note)
