"""SIGINT and SIGTERM as an exception, held back while a child starts or everything stops.

A run that starts children turns the two signals into ``Interrupted`` so that unwinding stops
what it started; around the start of a child (so its handle is never lost) and during the final
stop, a signal is held and raised afterwards (or, for the final stop, dropped).
"""

import contextlib
import signal
from typing import Any, Dict, Iterator

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived; unwinding stops everything."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_STATE: Dict[str, Any] = {"deferred": False, "pending": None}


def _on_signal(signum: int, _frame: Any) -> None:
    if _STATE["deferred"]:
        _STATE["pending"] = signum
        return
    raise Interrupted(signum)


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise ``Interrupted``; the old handlers come back after."""
    previous = {signum: signal.signal(signum, _on_signal) for signum in HANDLED}
    _STATE.update(deferred=False, pending=None)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _STATE.update(deferred=False, pending=None)


@contextlib.contextmanager
def signals_deferred(forever: bool = False) -> Iterator[None]:
    """Hold SIGINT/SIGTERM while a child starts (raised when the block ends) or, with ``forever``,
    while everything is being stopped (held until ``signals_raise`` ends)."""
    _STATE["deferred"] = True
    try:
        yield
    finally:
        if not forever:
            _STATE["deferred"] = False
    pending = _STATE["pending"]
    if pending is not None and not forever:
        _STATE["pending"] = None
        raise Interrupted(pending)
