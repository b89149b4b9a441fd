"""Former home of the loopback process helpers, now scripts/localrun/processes.py.

Only the name tests/e2e/test_charm_process.py still imports from here remains; new code imports
``scripts.localrun`` directly.
"""

from scripts.localrun.processes import free_port

__all__ = ["free_port"]
