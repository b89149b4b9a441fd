"""What the charm remembers from one hook to the next, kept by ops' storage.

A pod-spec charm keeps it in the controller (``state-get``/``state-set``): its operator pod can
be recreated at any time, taking its files with it. ``HookMemory`` is one snapshot, loaded once
per hook and written (one ``state-set``) only when a value changed. ops' ``StoredState`` would
keep the same values, but it also makes every hook emit and record a commit event, eight more
hook-tool calls per hook whether anything changed or not.

Values are plain (strings, floats, lists of strings), as ops' snapshots require.
"""

from typing import Any, Dict

import ops
from ops.storage import NoSnapshotError

DEFAULTS: Dict[str, Any] = {
    # What the leader last published, and when: a Prometheus that does not run it once the
    # propagation delay has passed is asked to reload.
    "published_digest": "",
    "published_at": 0.0,
    # When pods were first found still without it after a reload (0.0: none were).
    "undelivered_since": 0.0,
    # The digest of the last pod spec set, and the last workload version set.
    "spec_digest": "",
    "workload_version": "",
    # [kind, message] of what the last hook that looked at the pods found.
    "pod_status": [],
    # The published digest the last such hook saw running everywhere (leader).
    "verified_digest": "",
}


class HookMemory(ops.Object):
    """The values of ``DEFAULTS`` as attributes; ``save()`` at the end of the hook."""

    handle_kind = "memory"

    def __init__(self, parent: ops.Object, key: str) -> None:
        super().__init__(parent, key)
        self.restore({})

    @classmethod
    def load(cls, parent: ops.Object, key: str = "hooks") -> "HookMemory":
        """The memory the last hook saved under ``parent``, or the defaults when none did."""
        framework = parent.framework
        framework.register_type(cls, parent, cls.handle_kind)
        try:
            memory = framework.load_snapshot(ops.Handle(parent, cls.handle_kind, key))
        except NoSnapshotError:
            return cls(parent, key)
        assert isinstance(memory, cls)
        return memory

    def snapshot(self) -> Dict[str, Any]:
        return dict(self.__dict__["_values"])

    def restore(self, snapshot: Dict[str, Any]) -> None:
        values = {name: snapshot.get(name, list(default) if isinstance(default, list) else default)
                  for name, default in DEFAULTS.items()}
        self.__dict__["_values"] = values
        self.__dict__["_saved"] = dict(values)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("_values")
        if values is not None and name in values:
            return values[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in DEFAULTS:
            self.__dict__["_values"][name] = value
        else:
            super().__setattr__(name, value)

    def save(self) -> None:
        """Writes the snapshot when some value differs from the one loaded (or last saved)."""
        values = self.__dict__["_values"]
        if values != self.__dict__["_saved"]:
            self.framework.save_snapshot(self)  # type: ignore[arg-type]  # any Serializable
            self.__dict__["_saved"] = dict(values)
