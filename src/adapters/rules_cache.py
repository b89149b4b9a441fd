"""The judgements of relations' rules, kept in a file of the charm directory between hooks.

``domain.relations.rules_memo`` says what is remembered and why it is safe; this module loads
and saves it. The file, ``.rules-judgements.json`` in the charm directory (Juju's
``JUJU_CHARM_DIR``, the hook's cwd: juju/juju worker/uniter/runner/context/context.go
``HookVars``), is one header line (format, stamp, sha256 of the rest) and a JSON object of
entries. Anything wrong with it (missing, unreadable, larger than ``MAX_FILE_BYTES``, not
JSON, another stamp, a digest that does not match) makes an empty memo: the hook then judges
every relation's rules, as it would without the file. The operator pod's files may vanish at
any time (Kubernetes recreates the pod); that costs one slower hook, nothing else.

The stamp changes whenever the judging code may: a sha256 over every ``*.py`` of the domain
package (relative path and bytes), the Python version and PyYAML's (the checker reads YAML
through it). An upgraded charm with other code never reads its predecessor's judgements.

Saving writes a temporary file beside it and renames it over the old one (``os.replace``),
only when the entries differ from those loaded; no fsync: a file cut short by a crash fails
its digest and is ignored. A failed save is logged, never raised.
"""

import contextlib
import hashlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional

from domain.relations.rules_memo import FORMAT, RulesMemo

logger = logging.getLogger(__name__)

FILE_NAME = ".rules-judgements.json"
MAX_FILE_BYTES = 64 * 1024 * 1024  # 1,000 relations of 10 rules take ~7 MB


def code_stamp(domain_dir: Optional[Path] = None) -> str:
    """What the judgements depend on besides their inputs: the domain code and its runtime."""
    import yaml

    root = domain_dir or Path(__file__).resolve().parent.parent / "domain"
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{yaml.__version__}\0".encode())
    sources = sorted(root.rglob("*.py"))
    if not sources:
        raise ValueError(f"no Python sources under {root} to stamp the judgements with")
    for path in sources:
        name = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
        content = path.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
        digest.update(content)
    return digest.hexdigest()


class RulesCache:
    """One charm directory's file of judgements: ``load`` before the plan, ``save`` after it."""

    def __init__(self, path: Path, stamp: Optional[str] = None) -> None:
        self.path = path
        self._stamp = stamp
        self.loaded: Optional[RulesMemo] = None  # the memo handed to this hook's plan, once loaded

    @classmethod
    def in_charm_dir(cls) -> Optional["RulesCache"]:
        """The cache of the charm Juju runs (None outside a Juju hook, e.g. under ops' Harness)."""
        charm_dir = os.environ.get("JUJU_CHARM_DIR", "")
        return cls(Path(charm_dir) / FILE_NAME) if charm_dir else None

    @property
    def stamp(self) -> str:
        if self._stamp is None:
            self._stamp = code_stamp()
        return self._stamp

    def load(self) -> RulesMemo:
        """The judgements in the file, or an empty memo when it cannot be used; never raises."""
        entries: Dict[str, Any] = {}
        try:
            stamp = self.stamp
            entries = self._read(stamp)
        except (OSError, ValueError, RecursionError, MemoryError) as err:  # an optimisation only
            logger.debug("rules judgements: %s not used (%s)", self.path.name, err)
            stamp = self._stamp or ""
        self.loaded = RulesMemo(stamp, entries)
        return self.loaded

    def _read(self, stamp: str) -> Dict[str, Any]:
        try:
            with self.path.open("rb") as file:
                if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
                    raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
                data = file.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return {}
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
        head, _, body = data.partition(b"\n")
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("stamp") != stamp:
            raise ValueError("made by other code")
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            raise ValueError("its digest does not match")
        entries = json.loads(body)
        if not isinstance(entries, dict):
            raise ValueError("not an object of entries")
        return entries

    def save(self, memo: RulesMemo) -> None:
        """Keeps the entries ``memo`` used, when they differ from those loaded; never raises."""
        if memo.judged:
            logger.debug("rules judgements: %d relations judged, %d known", memo.judged, memo.reused)
        if not memo.changed() or not memo.stamp:  # no stamp: the code could not be read, nothing to trust
            return
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            body = json.dumps(memo.kept(), separators=(",", ":"), sort_keys=True).encode("ascii")
            header = json.dumps({"format": FORMAT, "stamp": memo.stamp, "sha256": hashlib.sha256(body).hexdigest()})
            with temporary.open("wb") as file:
                file.write(header.encode("ascii") + b"\n" + body)
            os.replace(temporary, self.path)
        except (OSError, ValueError) as err:
            logger.warning("rules judgements: cannot save %s (%s); the next hook judges every relation's "
                           "rules again", self.path, err)
            with contextlib.suppress(OSError):
                temporary.unlink()

