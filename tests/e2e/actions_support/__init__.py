"""Run the charm's shell actions the way the workload container would.

The prom/prometheus image has busybox applets and /bin/promtool and nothing else, so the
actions run here with a PATH made of: the hook-tool doubles, a directory of busybox applet links,
and a link to promtool. No GNU tools and no Python are reachable from the scripts.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

REPO = Path(__file__).resolve().parents[3]
BUSYBOX = "/usr/bin/busybox"
HOOK_TOOLS = ("action-set", "action-fail", "action-log", "action-get")
_HOOKTOOL_SOURCE = Path(__file__).with_name("hooktool.py")
FAKE_PROMETHEUS = Path(__file__).with_name("fake_prometheus.py")

# The shells the actions must work under: busybox ash (the image) and dash (Debian's /bin/sh).
# Absolute paths: the scripts' PATH holds busybox applets only.
DASH = shutil.which("dash") or "/usr/bin/dash"
SHELLS: Dict[str, List[str]] = {"busybox": [BUSYBOX, "sh"], "dash": [DASH]}


def shell_available(name: str) -> bool:
    return os.access(SHELLS[name][0], os.X_OK)


@dataclass
class Workload:
    """A PATH like the workload container's, plus the hook-tool log."""

    root: Path
    hooktool_log: Path
    tools_dir: Path
    bin_dir: Path
    promtool_dir: Path
    extra_env: Dict[str, str] = field(default_factory=dict)

    def path(self, with_promtool: bool = True) -> str:
        dirs = [self.tools_dir, self.bin_dir] + ([self.promtool_dir] if with_promtool else [])
        return os.pathsep.join(str(d) for d in dirs)

    def env(self, with_promtool: bool = True, **extra: str) -> Dict[str, str]:
        env = {
            "PATH": self.path(with_promtool),
            "HOOKTOOL_LOG": str(self.hooktool_log),
            "LANG": "C.UTF-8",
            "HOME": str(self.root),
        }
        env.update(self.extra_env)
        env.update(extra)
        return env


def make_workload(root: Path, promtool: Optional[str] = None) -> Workload:
    """A workload PATH whose promtool is ``promtool`` (default: the one on PATH)."""
    root.mkdir(parents=True, exist_ok=True)
    tools = root / "hooktools"
    tools.mkdir()
    for tool in HOOK_TOOLS:
        target = tools / tool
        target.write_text(f"#!{sys.executable}\n" + _HOOKTOOL_SOURCE.read_text())
        target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True, text=True).stdout.split()
    for applet in applets:
        (bin_dir / applet).symlink_to(BUSYBOX)
    promtool_dir = root / "promtool"
    promtool_dir.mkdir()
    promtool = promtool or shutil.which("promtool")
    if promtool is None:
        raise RuntimeError("promtool is not installed (apt-get install prometheus)")
    (promtool_dir / "promtool").symlink_to(promtool)
    log = root / "hooktools.jsonl"
    log.touch()
    return Workload(root, log, tools, bin_dir, promtool_dir)


@dataclass
class ActionRun:
    returncode: int
    stdout: str
    stderr: str
    calls: List[Dict[str, Any]]

    def tool_calls(self, tool: str) -> List[List[str]]:
        return [c["args"] for c in self.calls if c["tool"] == tool]

    @property
    def results(self) -> Dict[str, str]:
        """All action-set key=value pairs, later values winning."""
        out: Dict[str, str] = {}
        for args in self.tool_calls("action-set"):
            for arg in args:
                key, _, value = arg.partition("=")
                out[key] = value
        return out

    @property
    def failures(self) -> List[str]:
        return [args[0] if args else "" for args in self.tool_calls("action-fail")]

    def describe(self) -> str:
        return (
            f"rc={self.returncode}\nstdout={self.stdout}\nstderr={self.stderr}\n"
            f"calls={json.dumps(self.calls, indent=1)}"
        )


def run_script(
    workload: Workload,
    argv: Sequence[str],
    env: Optional[Mapping[str, str]] = None,
    cwd: Path = REPO,
    timeout: float = 60.0,
) -> ActionRun:
    """Run argv with the workload's environment; return the outcome and the hook-tool calls."""
    workload.hooktool_log.write_text("")
    proc = subprocess.run(
        list(argv),
        cwd=cwd,
        env=dict(env if env is not None else workload.env()),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    lines = workload.hooktool_log.read_text().splitlines()
    return ActionRun(proc.returncode, proc.stdout, proc.stderr, [json.loads(x) for x in lines])


def run_action(
    workload: Workload,
    name: str,
    shell: str = "busybox",
    env: Optional[Mapping[str, str]] = None,
    timeout: float = 60.0,
) -> ActionRun:
    """``<shell> actions/<name>`` from the charm root, as dispatch would run it."""
    return run_script(workload, [*SHELLS[shell], f"actions/{name}"], env=env, timeout=timeout)
