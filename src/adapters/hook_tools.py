"""Hook tools spawned without copying the charm's process, on the operator pod's Python 3.8.

ops runs every hook tool (``state-get``, ``relation-get``, ``status-set``, ...) with
``subprocess.run``, some thirty per hook. Python 3.8's ``subprocess`` starts each one by
``fork()``: the kernel copies the page tables of the whole charm process (ops, PyYAML and the
charm, some 40 MiB), and every page either process writes before the ``exec`` is copied too.
Python 3.10 and later start children with ``vfork()``, which copies nothing. Python 3.8 takes
the same path through ``os.posix_spawn`` (glibc implements it with ``clone(CLONE_VFORK)``), but
only when ``close_fds`` is false (CPython's ``subprocess.Popen._execute_child``).

``spawn_lightly`` gives ops' model and storage modules a ``subprocess`` whose ``run`` passes
``close_fds=False`` unless the caller chose. Nothing else about a call changes: same arguments,
environment, pipes, exit status and errors. The child inherits no more descriptors than
before in practice: every descriptor Python opens is non-inheritable (PEP 446), so only the
standard streams, which a child gets either way, and any inheritable descriptor Juju itself
left open, remain open across the ``exec``.

Measured through ``./dispatch`` on Python 3.8 (``make bench``): 50 to 120 ms less CPU in a hook
of about 33 calls. On Python 3.10 and later, or where ``subprocess`` would not use
``posix_spawn``, nothing is changed.
"""

import subprocess
import sys
import types
from typing import Any, Iterable

# Python 3.10 made subprocess use vfork() itself (bpo-35823).
SPAWNS_BY_FORK = sys.version_info < (3, 10)


class _LightSubprocess(types.ModuleType):
    """``subprocess``, but ``run`` spawns with ``close_fds=False`` unless told otherwise."""

    def __init__(self) -> None:
        super().__init__("subprocess", subprocess.__doc__)

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def run(*args: Any, **kwargs: Any) -> "subprocess.CompletedProcess[Any]":
        kwargs.setdefault("close_fds", False)
        return subprocess.run(*args, **kwargs)


LIGHT_SUBPROCESS = _LightSubprocess()


def can_spawn_lightly() -> bool:
    """Whether this Python starts children by fork() and would use posix_spawn instead."""
    return SPAWNS_BY_FORK and bool(getattr(subprocess, "_USE_POSIX_SPAWN", False))


def spawn_lightly(modules: Iterable[types.ModuleType]) -> bool:
    """Give each module that runs hook tools the light ``subprocess``; False if it would not
    help here (and nothing was changed)."""
    if not can_spawn_lightly():
        return False
    for module in modules:
        if getattr(module, "subprocess", None) is subprocess:
            setattr(module, "subprocess", LIGHT_SUBPROCESS)  # noqa: B010 (a module attribute)
    return True
